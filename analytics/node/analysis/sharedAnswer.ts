/**
 * One answer shared by every screen asking the same live question within `maxAgeMs`: twenty walls and
 * consoles polling the correlation every 30 s cost one computation per `maxAgeMs`, not twenty. Keyed
 * by the question's parameters; at most `maxKeys` questions are kept (the oldest forgotten first), so
 * clients asking ever new questions grow nothing. An answer that failed is not kept, and its failure
 * is the answer of everyone who joined it, except for those whose shared computation was stopped by
 * the abort of the caller that started it (that caller left): they compute their own.
 */
export class SharedAnswers<P, R> {
  private readonly entries = new Map<string, Entry<R>>();
  /** Answers computed (not shared), for tests and benches. */
  computed = 0;

  /**
   * With `stale`, an answer older than `maxAgeMs` but younger than `stale.forMs` is still given at
   * once while one computation refreshes it in the background (bounded by `stale.signal()`): a screen
   * polling a question never waits for the store, and sees an answer at most `maxAgeMs` plus one
   * computation old.
   */
  constructor(
    private readonly compute: (p: P, signal: AbortSignal | undefined) => Promise<R>,
    private readonly maxAgeMs: number,
    private readonly maxKeys = 16,
    private readonly now: () => number = Date.now,
    private readonly stale: { forMs: number; signal: () => AbortSignal } | null = null,
  ) {}

  /**
   * The answer when one can be given now without waiting for a computation (one that arrived within
   * the age, or a stale one while it is refreshed); otherwise undefined, and nothing is started.
   */
  ready(p: P): { value: R } | undefined {
    const key = JSON.stringify(p);
    return this.held(key, p, this.now(), this.entries.get(key));
  }

  private held(key: string, p: P, at: number, hit: Entry<R> | undefined): { value: R } | undefined {
    if (!hit?.settled || at < hit.atMs) return undefined;
    if (at - hit.atMs < this.maxAgeMs) return hit.settled;
    if (!this.stale || at - hit.atMs >= this.stale.forMs) return undefined;
    if (!hit.refreshing) this.refresh(key, p, hit, at);
    return hit.settled;
  }

  async get(p: P, signal?: AbortSignal): Promise<R> {
    signal?.throwIfAborted();
    const key = JSON.stringify(p);
    const at = this.now();
    const hit = this.entries.get(key);
    const now = this.held(key, p, at, hit);
    if (now) return now.value;
    if (hit && at - hit.atMs < this.maxAgeMs && at >= hit.atMs) {
      try {
        return await hit.answer;
      } catch (e) {
        // stopped because the caller that started it left: ask again, as this caller; any other failure is everyone's answer
        if (!hit.starter?.aborted || hit.starter === signal) throw e;
        signal?.throwIfAborted();
        if (this.entries.get(key) === hit) this.entries.delete(key);
        return this.get(p, signal);
      }
    }
    const answer = this.compute(p, signal);
    this.computed++;
    const entry: Entry<R> = { atMs: at, answer, starter: signal, settled: null, refreshing: false };
    this.keep(key, entry);
    answer.then((value) => void (entry.settled = { value }), () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return answer;
  }

  /** One background computation of a stale answer; the old one is given until it lands (a failure keeps it, until it is too old). */
  private refresh(key: string, p: P, stale: Entry<R>, at: number): void {
    stale.refreshing = true;
    this.computed++;
    this.compute(p, this.stale?.signal()).then((value) => {
      if (this.entries.get(key) !== stale) return;
      this.keep(key, { atMs: at, answer: Promise.resolve(value), starter: undefined, settled: { value }, refreshing: false });
    }, () => {
      stale.refreshing = false;
    });
  }

  private keep(key: string, entry: Entry<R>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxKeys) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

interface Entry<R> {
  atMs: number;
  answer: Promise<R>;
  starter: AbortSignal | undefined;
  /** The answer once it arrived (a stale one is given from here). */
  settled: { value: R } | null;
  refreshing: boolean;
}
