/**
 * The replay cursor's arithmetic, without a clock or a component: speeds, steps, the window's
 * bounds, and how far a cursor moves while playing. Times are epoch milliseconds.
 */

/** The speeds offered, slowest first (×, replayed seconds per real second). */
export const SPEEDS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] as const;

const SLOWEST = 0.1;
const FASTEST = 3600;

/** Steps a key moves the cursor by. */
export const STEP_SECOND_MS = 1000;
export const STEP_MINUTE_MS = 60_000;

export interface ReplayWindow {
  fromMs: number;
  toMs: number;
}

/** `atMs` kept within the window. */
export function clampToWindow(atMs: number, w: ReplayWindow): number {
  return Math.min(w.toMs, Math.max(w.fromMs, atMs));
}

/** The next speed of the list up (`dir` 1) or down (-1) from `speed` (which need not be on the list). */
export function stepSpeed(speed: number, dir: 1 | -1): number {
  if (dir > 0) return SPEEDS.find((s) => s > speed * (1 + 1e-9)) ?? FASTEST;
  return [...SPEEDS].reverse().find((s) => s < speed * (1 - 1e-9)) ?? SLOWEST;
}

/** The speed that plays what is left of the window from `atMs` in `minutes` real minutes (at least 0.1×). */
export function speedToFinish(atMs: number, w: ReplayWindow, minutes: number): number {
  const left = Math.max(0, w.toMs - clampToWindow(atMs, w));
  if (minutes <= 0 || left === 0) return 1;
  return Math.max(SLOWEST, left / (minutes * 60_000));
}

/** Where the cursor is after `elapsedMs` of real time at `speed`, and whether it reached the window's end. */
export function advance(atMs: number, speed: number, elapsedMs: number, w: ReplayWindow): { atMs: number; ended: boolean } {
  const next = atMs + Math.max(0, elapsedMs) * speed;
  if (next >= w.toMs) return { atMs: w.toMs, ended: true };
  return { atMs: clampToWindow(next, w), ended: false };
}

/** The cursor's place along the window, 0 (start) to 1 (end). */
export function fractionOf(atMs: number, w: ReplayWindow): number {
  const span = w.toMs - w.fromMs;
  return span <= 0 ? 1 : (clampToWindow(atMs, w) - w.fromMs) / span;
}

/** The instant at a place along the window (a click or a drag on the bar), whole seconds. */
export function instantAt(fraction: number, w: ReplayWindow): number {
  const f = Math.min(1, Math.max(0, fraction));
  return clampToWindow(Math.round((w.fromMs + f * (w.toMs - w.fromMs)) / 1000) * 1000, w);
}

/** A speed as the bar says it: 0.1×, 60×, 3600×. */
export function speedText(speed: number): string {
  const rounded = speed >= 10 ? Math.round(speed) : Math.round(speed * 10) / 10;
  return `${rounded}×`;
}

/** The spans the bar can show around the cursor (null: the whole window). */
export const VIEW_SPANS_MS = [null, 24 * 3_600_000, 6 * 3_600_000, 3_600_000, 10 * 60_000] as const;

/**
 * What the bar shows of the window: all of it, or `spanMs` of it around the cursor. The view stays
 * put while the cursor moves within it (a drag does not scroll under the pointer) and is centred on
 * the cursor again when it leaves (playing past its end turns the page) or the span changes.
 */
export function followView(prev: ReplayWindow | null, w: ReplayWindow, atMs: number, spanMs: number | null): ReplayWindow {
  if (spanMs === null || spanMs >= w.toMs - w.fromMs) return w;
  if (prev && prev.toMs - prev.fromMs === spanMs && prev.fromMs >= w.fromMs && prev.toMs <= w.toMs && atMs >= prev.fromMs && atMs <= prev.toMs) return prev;
  const fromMs = Math.min(w.toMs - spanMs, Math.max(w.fromMs, atMs - spanMs / 2));
  return { fromMs, toMs: fromMs + spanMs };
}
