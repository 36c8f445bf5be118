import { STEP_MINUTE_MS, STEP_SECOND_MS } from './playback';

/** What a key asks of the replay. */
export type ReplayKeyAction =
  | { kind: 'enter' }
  | { kind: 'live' }
  | { kind: 'play' }
  | { kind: 'step'; ms: number }
  | { kind: 'jump'; dir: 1 | -1 }
  | { kind: 'speed'; dir: 1 | -1 }
  | { kind: 'edge'; to: 'start' | 'end' };

/** The fields of a keydown the replay reads (a KeyboardEvent has them all). */
export interface ReplayKeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  isComposing: boolean;
}

/**
 * Reads a key for the replay: B opens it (where `canEnter`), and while it is open Space plays and
 * pauses, ←/→ step a second (with Shift a minute), P/N jump to the previous or next alarm, Home/End
 * to the window's start or end, −/+ change the speed and L returns to live. Letters in either case; browser shortcuts and a composing
 * input method are left alone.
 */
export function readReplayKey(e: ReplayKeyPress, open: boolean, canEnter: boolean): ReplayKeyAction | null {
  if (e.isComposing || e.ctrlKey || e.metaKey || e.altKey) return null;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (!open) return k === 'b' && canEnter ? { kind: 'enter' } : null;
  switch (k) {
    case ' ': return { kind: 'play' };
    case 'ArrowLeft': return { kind: 'step', ms: -(e.shiftKey ? STEP_MINUTE_MS : STEP_SECOND_MS) };
    case 'ArrowRight': return { kind: 'step', ms: e.shiftKey ? STEP_MINUTE_MS : STEP_SECOND_MS };
    case 'n': return { kind: 'jump', dir: 1 };
    case 'p': return { kind: 'jump', dir: -1 };
    case '+': case '=': return { kind: 'speed', dir: 1 };
    case '-': case '_': return { kind: 'speed', dir: -1 };
    case 'Home': return { kind: 'edge', to: 'start' };
    case 'End': return { kind: 'edge', to: 'end' };
    case 'l': return { kind: 'live' };
    default: return null;
  }
}
