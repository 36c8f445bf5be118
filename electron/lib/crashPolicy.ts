/**
 * When to restart what crashed (the engine process, a wall's renderer): at once the first time,
 * then with a doubling delay up to a cap while crashes keep coming; a long enough stable run resets
 * the count. A wall never gives up, but a crash loop is reported so the tray can say so.
 */
export interface RestartPolicyOptions {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Running this long without a crash forgets the earlier crashes. */
  stableMs: number;
  /** This many crashes within `stableMs` is a crash loop. */
  loopAfter: number;
}

export const DEFAULT_RESTART: RestartPolicyOptions = { firstDelayMs: 250, maxDelayMs: 30_000, stableMs: 60_000, loopAfter: 5 };

export class RestartPolicy {
  private crashes: number[] = [];
  private startedAtMs = 0;

  constructor(private readonly o: RestartPolicyOptions = DEFAULT_RESTART) {}

  started(nowMs: number): void {
    this.startedAtMs = nowMs;
  }

  /** A crash at `nowMs`: how long to wait before restarting, and whether this is a crash loop. */
  crashed(nowMs: number): { delayMs: number; crashLoop: boolean; recent: number } {
    if (nowMs - this.startedAtMs >= this.o.stableMs) this.crashes = [];
    this.crashes = this.crashes.filter((t) => nowMs - t < this.o.stableMs * 5);
    this.crashes.push(nowMs);
    const n = this.crashes.length;
    const delayMs = n <= 1 ? 0 : Math.min(this.o.maxDelayMs, this.o.firstDelayMs * 2 ** (n - 2));
    return { delayMs, crashLoop: n >= this.o.loopAfter, recent: n };
  }
}
