/** What a key press on the console asks for, or why it cannot be read. */
export type KeyIntent =
  | { kind: 'command'; command: ConsoleCommand }
  | { kind: 'ime' }
  | { kind: 'none' };
export type ConsoleCommand = 'down' | 'up' | 'ack' | 'silence' | 'shelve' | 'reset' | 'raise' | 'asset';

/** The fields of a keydown the console reads (a KeyboardEvent has them all). */
export interface KeyPress {
  key: string;
  keyCode: number;
  isComposing: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

const LETTERS: Record<string, ConsoleCommand> = { a: 'ack', x: 'silence', s: 'shelve', r: 'reset', h: 'raise', j: 'down', k: 'up' };
const NAMED: Record<string, ConsoleCommand> = { ArrowDown: 'down', ArrowUp: 'up', Enter: 'asset' };

/**
 * Reads a key press: letters in either case (Shift and Caps Lock give "A", which a tired hand
 * presses as often as "a"); a key that an input method is composing (keyCode 229, "Process") is
 * not a command — the operator is told instead of the key silently doing nothing. Browser
 * shortcuts (Ctrl, Cmd, Alt) are left to the browser.
 */
export function readKey(e: KeyPress): KeyIntent {
  if (e.isComposing || e.keyCode === 229 || e.key === 'Process') return { kind: 'ime' };
  if (e.ctrlKey || e.metaKey || e.altKey) return { kind: 'none' };
  const named = NAMED[e.key];
  if (named) return { kind: 'command', command: named };
  const letter = e.key.length === 1 ? LETTERS[e.key.toLowerCase()] : undefined;
  return letter ? { kind: 'command', command: letter } : { kind: 'none' };
}
