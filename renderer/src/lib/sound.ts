import type { AlarmView } from '../../../analytics/common/ops/controlRoomViews';
import { PRIORITIES } from '../../../analytics/common/vocabulary';

/**
 * Alarm sounds by priority, synthesised in the page (nothing to download): critical a fast
 * triple tone every 2 s, high a double tone every 5 s, medium one tone every 10 s, low silent.
 * Only annunciated, unacknowledged and unsilenced alarms sound; "silence" is an operator event.
 */
const PATTERN: Record<AlarmView['priority'], { everyMs: number; tones: number; hz: number } | null> = {
  critical: { everyMs: 2_000, tones: 3, hz: 1_200 },
  high: { everyMs: 5_000, tones: 2, hz: 880 },
  medium: { everyMs: 10_000, tones: 1, hz: 660 },
  low: null,
};
const ORDER = PRIORITIES;

export function soundingPriority(alarms: readonly AlarmView[]): AlarmView['priority'] | null {
  let best: AlarmView['priority'] | null = null;
  for (const a of alarms) {
    if (!a.annunciated || a.silenced || (a.state !== 'unack' && a.state !== 'rtn_unack')) continue;
    if (best === null || ORDER.indexOf(a.priority) < ORDER.indexOf(best)) best = a.priority;
  }
  return best;
}

export class AlarmSound {
  private ctx: AudioContext | null = null;
  private lastMs = 0;
  /** What sounded last (tests read it: headless browsers have no speakers). */
  lastPlayed: AlarmView['priority'] | null = null;

  /** Browsers allow sound only after a user gesture: call from a click. */
  enable(): void {
    this.ctx ??= new AudioContext();
    void this.ctx.resume();
  }

  disable(): void {
    void this.ctx?.close();
    this.ctx = null;
  }

  get enabled(): boolean {
    return this.ctx !== null;
  }

  /** Called every second with the current alarms. */
  tick(alarms: readonly AlarmView[], nowMs: number): void {
    const p = soundingPriority(alarms);
    const pattern = p ? PATTERN[p] : null;
    if (!p || !pattern || nowMs - this.lastMs < pattern.everyMs) return;
    this.lastMs = nowMs;
    this.lastPlayed = p;
    const ctx = this.ctx;
    if (!ctx) return;
    for (let i = 0; i < pattern.tones; i++) {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = pattern.hz;
      o.type = 'square';
      g.gain.value = 0.08;
      o.connect(g).connect(ctx.destination);
      const t0 = ctx.currentTime + i * 0.22;
      o.start(t0);
      o.stop(t0 + 0.15);
    }
  }
}
