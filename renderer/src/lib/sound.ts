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

/** Where the console remembers that its leader wants sound, and how loud. */
export interface SoundPrefs {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}
const WANTED = 'cityops.sound';
const VOLUME = 'cityops.soundVolume';
const DEFAULT_VOLUME = 0.5;
/** The square wave's gain at full volume: loud enough across a control room, not clipping. */
const MAX_GAIN = 0.16;

/**
 * The console's alarm sound. Whether the leader wants it and its volume are remembered across
 * reloads; a browser still starts audio only after a user gesture (Electron may allow it at
 * once), so `audible` says whether this page can actually sound, and the console shows a banner
 * until it can. `onChange` is told whenever `audible` may have changed.
 */
export class AlarmSound {
  private ctx: AudioContext | null = null;
  private lastMs = 0;
  private gain = DEFAULT_VOLUME;
  /** What sounded last (tests read it: headless browsers have no speakers). */
  lastPlayed: AlarmView['priority'] | null = null;

  constructor(private readonly prefs: SoundPrefs | null = null, private readonly onChange: () => void = () => undefined) {
    const v = Number(prefs?.getItem(VOLUME) ?? DEFAULT_VOLUME);
    this.gain = Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : DEFAULT_VOLUME;
  }

  /** At page load: if the leader wanted sound, try to start it (the browser may still wait for a gesture). */
  resumeIfWanted(): void {
    if (this.prefs?.getItem(WANTED) === 'on') this.start();
  }

  /** Browsers allow sound only after a user gesture: call from a click. */
  enable(): void {
    this.prefs?.setItem(WANTED, 'on');
    this.start();
  }

  disable(): void {
    this.prefs?.setItem(WANTED, 'off');
    void this.ctx?.close();
    this.ctx = null;
    this.onChange();
  }

  /** Sound is running: an alarm would be heard. */
  get audible(): boolean {
    return this.ctx !== null && this.ctx.state === 'running';
  }

  get volume(): number {
    return this.gain;
  }

  setVolume(v: number): void {
    this.gain = Math.min(1, Math.max(0, v));
    this.prefs?.setItem(VOLUME, String(this.gain));
  }

  /** Plays the critical pattern once, whatever is standing: the leader hears what an alarm sounds like. */
  test(): void {
    const pattern = PATTERN.critical;
    if (pattern) this.play(pattern);
  }

  /** Called every second with the current alarms. */
  tick(alarms: readonly AlarmView[], nowMs: number): void {
    const p = soundingPriority(alarms);
    const pattern = p ? PATTERN[p] : null;
    if (!p || !pattern || nowMs - this.lastMs < pattern.everyMs) return;
    this.lastMs = nowMs;
    this.lastPlayed = p;
    this.play(pattern);
  }

  private start(): void {
    if (!this.ctx) {
      this.ctx = new AudioContext();
      this.ctx.onstatechange = () => this.onChange();
    }
    void this.ctx.resume().then(() => this.onChange(), () => this.onChange());
    this.onChange();
  }

  private play(pattern: { tones: number; hz: number }): void {
    const ctx = this.ctx;
    if (!ctx) return;
    for (let i = 0; i < pattern.tones; i++) {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = pattern.hz;
      o.type = 'square';
      g.gain.value = MAX_GAIN * this.gain;
      o.connect(g).connect(ctx.destination);
      const t0 = ctx.currentTime + i * 0.22;
      o.start(t0);
      o.stop(t0 + 0.15);
    }
  }
}
