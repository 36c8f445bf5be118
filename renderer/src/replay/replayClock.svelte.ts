import { tick } from 'svelte';
import type { Timeline } from '../../../analytics/common/engineApi';
import type { EngineClient } from '../lib/engineClient.svelte';
import { jumpToAlarm } from './markers';
import { NewestWins } from './newestWins';
import { advance, clampToWindow, speedToFinish, stepSpeed, type ReplayWindow } from './playback';

/** Markers asked for with the timeline (the engine's cap is 20,000). */
const MARKER_LIMIT = 5000;
/** While replaying a live engine, its history grows: the timeline is asked again this often. */
const TIMELINE_EVERY_MS = 30_000;
/** How often a playing cursor moves (the data follows as fast as the engine answers). */
const PLAY_TICK_MS = 100;
/**
 * While playing, the data is asked again at most this often (the bar's cursor moves on in between):
 * at 60× that is every replayed half-minute, and a wall redraws twice a second instead of as often
 * as the engine answers.
 */
const PLAY_REFRESH_MS = 500;
/** Where "look back" starts on a live engine: this long before now. */
const LOOK_BACK_MS = 15 * 60_000;

/**
 * The page's replay: whether it is open, the cursor, play and pause at a speed, and the engine's
 * timeline. A cursor change sends `clock.set` and then `refresh` (the city's events; the live
 * queries follow `cursorVersion` by themselves), one cycle at a time, the newest cursor winning.
 * Over a bundle the replay is always open; on a live engine it opens and returns to live.
 */
export class ReplayClock {
  /** The timeline bar is shown and the page replays (or is on its way to). */
  open = $state(false);
  timeline = $state.raw<Timeline | null>(null);
  /** Why the timeline or the clock could not be set (the engine's message), shown on the bar. */
  error = $state<string | null>(null);
  /** Where the bar's cursor stands: ahead of the data while a cycle is on its way. */
  cursorMs = $state(0);
  playing = $state(false);
  speed = $state(60);
  private readonly seeks: NewestWins<number | null>;
  private lastTickMs = 0;

  constructor(private readonly client: EngineClient, private readonly refresh: () => Promise<void>) {
    this.seeks = new NewestWins(async (atMs) => {
      await client.setClock(atMs);
      // the live queries ask again as the version moved; the city's events are reloaded as of the instant, asked at
      // once with them (not after the panels have redrawn for the new instant: the engine answers them together)
      const refreshed = this.refresh();
      await tick();
      await refreshed;
      this.error = null;
    }, (e) => (this.error = e instanceof Error ? e.message : String(e)), () => (this.playing ? PLAY_REFRESH_MS : 0));
    // a bundle has no live: it replays from its window's start as soon as the engine says so
    $effect(() => {
      if (client.state !== 'open') return;
      void client.query('timeline', { limit: 1 }).then((t) => {
        if (t.mode === 'bundle' && !this.open) void this.enter(t.window.fromMs);
      }, () => {});
    });
    $effect(() => {
      if (!this.open || this.timeline?.mode !== 'live') return;
      const timer = setInterval(() => void this.loadTimeline(), TIMELINE_EVERY_MS);
      return () => clearInterval(timer);
    });
    $effect(() => {
      if (!this.playing) return;
      this.lastTickMs = performance.now();
      const timer = setInterval(() => this.playTick(), PLAY_TICK_MS);
      return () => clearInterval(timer);
    });
  }

  /** Replaying a bundle: there is no live to return to. */
  get isBundle(): boolean {
    return this.timeline?.mode === 'bundle';
  }

  /** The instant the data on screen is as of (confirmed by the engine), null while live. */
  get dataAtMs(): number | null {
    return this.client.replayAtMs;
  }

  /** What can be replayed: the timeline's window, reaching now on a live engine. */
  get window(): ReplayWindow {
    const w = this.timeline?.window;
    const now = this.client.liveNow();
    if (!w) return { fromMs: now - LOOK_BACK_MS, toMs: now };
    return this.isBundle ? w : { fromMs: w.fromMs, toMs: Math.max(w.toMs, now) };
  }

  /** Opens the replay at `atMs` (on a live engine, a quarter of an hour ago by default). */
  async enter(atMs?: number): Promise<void> {
    this.open = true;
    await this.loadTimeline();
    const start = atMs ?? this.window.toMs - LOOK_BACK_MS;
    this.seek(start);
  }

  /** Moves the cursor (kept within the window); the data follows. */
  seek(atMs: number): void {
    if (!this.open) return;
    this.cursorMs = clampToWindow(atMs, this.window);
    this.seeks.push(this.cursorMs);
  }

  step(ms: number): void {
    this.seek(this.cursorMs + ms);
  }

  /** Moves to the next (1) or previous (-1) alarm on the timeline; false when there is none. */
  jump(dir: 1 | -1): boolean {
    const m = jumpToAlarm(this.timeline?.markers ?? [], this.cursorMs, dir);
    if (m) this.seek(m.atMs);
    return m !== null;
  }

  togglePlay(): void {
    if (!this.playing && this.cursorMs >= this.window.toMs) this.seek(this.window.fromMs);
    this.playing = !this.playing;
  }

  setSpeed(speed: number): void {
    this.speed = speed;
  }

  faster(dir: 1 | -1): void {
    this.speed = stepSpeed(this.speed, dir);
  }

  /** Plays what is left of the window in `minutes` real minutes. */
  playIn(minutes: number): void {
    this.speed = speedToFinish(this.cursorMs, this.window, minutes);
    this.playing = true;
  }

  /** Back to live (a live engine only): the bar closes and everything is asked again as of now. */
  returnToLive(): void {
    if (this.isBundle || !this.open) return;
    this.playing = false;
    this.open = false;
    this.seeks.push(null);
  }

  /** Resolves when no `clock.set` and refresh is on its way (tests and measurements). */
  settled(): Promise<void> {
    return this.seeks.settled();
  }

  /** `clock.set` and refresh cycles run so far. */
  get cycles(): number {
    return this.seeks.runs;
  }

  private playTick(): void {
    const t = performance.now();
    const r = advance(this.cursorMs, this.speed, t - this.lastTickMs, this.window);
    this.lastTickMs = t;
    this.seek(r.atMs);
    if (r.ended) this.playing = false;
  }

  private async loadTimeline(): Promise<void> {
    try {
      this.timeline = await this.client.query('timeline', { limit: MARKER_LIMIT });
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }
}
