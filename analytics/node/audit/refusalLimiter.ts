/**
 * Why something was refused, a small fixed set (never client text): a connection before anyone was
 * identified (path, origin, token), or, on a connection, a command the role may not run or an
 * action the state refuses, and a connection closed for its frames or dropped for not reading.
 */
export type RefusalReason = 'path' | 'origin' | 'token' | 'command' | 'action' | 'closed' | 'dropped';

export interface RefusalLimits {
  /** Refusal lines written one by one per interval; the rest are only counted. */
  maxPerInterval: number;
  intervalMs: number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = { maxPerInterval: 20, intervalMs: 60_000 };

/**
 * Refusals cost nothing to provoke (no token needed, or a read-only one), and each audit line is fsynced: unlimited,
 * any web page on the operator's machine could fill the disk through the log. So within a fixed
 * interval the first `maxPerInterval` refusals are written in full and the rest only counted by
 * reason; when the interval ends, one line says how many were left out and why. The log thus stays
 * bounded (about maxPerInterval + 1 lines per interval) and still never hides that refusals happened.
 */
/** `W`: who the refused party is, when someone was identified (a device and its role). */
export class RefusalLimiter<W = never> {
  private windowStart = Number.NEGATIVE_INFINITY;
  private written = 0;
  private suppressed = new Map<RefusalReason, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly limits: RefusalLimits,
    private readonly write: (line: string, who?: W) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes the refusal line (built only when it will be written) or counts it; `who` when someone was identified. */
  refuse(reason: RefusalReason, line: () => string, who?: W): void {
    const t = this.now();
    if (t - this.windowStart >= this.limits.intervalMs) {
      this.flush();
      this.windowStart = t;
      this.written = 0;
    }
    if (this.written < this.limits.maxPerInterval) {
      this.written++;
      this.write(line(), who);
      return;
    }
    this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
    // the summary must appear even if the refusals stop: the end of the interval writes it
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.windowStart + this.limits.intervalMs - t));
    this.timer.unref();
  }

  /** Writes the summary of what was counted and not written, if anything was. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.suppressed.size === 0) return;
    const total = [...this.suppressed.values()].reduce((a, b) => a + b, 0);
    const byReason = [...this.suppressed].map(([r, n]) => `${r} ${n}`).join(', ');
    this.suppressed.clear();
    this.write(`suppressed ${total} refusals beyond ${this.limits.maxPerInterval} per ${this.limits.intervalMs} ms (by reason: ${byReason})`);
  }
}
