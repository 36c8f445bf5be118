const pauseFor = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one job at a time and, while one runs, keeps only the newest value asked for: a cursor
 * dragged or played fast sends one `clock.set` and one refresh at a time, and the intermediate
 * cursors nobody would see are dropped. `gapMs` paces the jobs (a job starts at least that long
 * after the one before started: a wall playing fast redraws a few times a second, not as often as
 * the engine can answer). `settled` resolves once nothing runs and nothing waits.
 */
export class NewestWins<T> {
  private waiting: { value: T } | null = null;
  private running = false;
  private idle: (() => void)[] = [];
  private lastStartMs = -Infinity;
  /** Values run so far (for tests and the measurements). */
  runs = 0;

  constructor(
    private readonly run: (value: T) => Promise<void>,
    private readonly onError: (e: unknown) => void = () => {},
    private readonly gapMs: () => number = () => 0,
    private readonly pause: (ms: number) => Promise<void> = pauseFor,
  ) {}

  get busy(): boolean {
    return this.running;
  }

  push(value: T): void {
    this.waiting = { value };
    if (!this.running) void this.drain();
  }

  /** Resolves when nothing runs and nothing waits. */
  settled(): Promise<void> {
    if (!this.running && !this.waiting) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting) {
      // the gap counts from the last job's start, also when it ended before this value was asked
      const wait = this.gapMs() - (Date.now() - this.lastStartMs);
      if (wait > 0) await this.pause(wait);
      if (!this.waiting) break;
      const { value } = this.waiting;
      this.waiting = null;
      this.runs++;
      this.lastStartMs = Date.now();
      try {
        await this.run(value);
      } catch (e) {
        this.onError(e);
      }
    }
    this.running = false;
    for (const r of this.idle.splice(0)) r();
  }
}
