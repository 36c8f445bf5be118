/**
 * One answer shared by every screen asking the same live question within `maxAgeMs`: twenty walls and
 * consoles polling the correlation every 30 s cost one computation per `maxAgeMs`, not twenty. Keyed
 * by the question's parameters; at most `maxKeys` questions are kept (the oldest forgotten first), so
 * clients asking ever new questions grow nothing. An answer that failed is not kept, and its failure
 * is the answer of everyone who joined it, except for those whose shared computation was stopped by
 * the abort of the caller that started it (that caller left): they compute their own.
 */
export class SharedAnswers<P, R> {
  private readonly entries = new Map<string, { atMs: number; answer: Promise<R>; starter: AbortSignal | undefined }>();

  constructor(
    private readonly compute: (p: P, signal: AbortSignal | undefined) => Promise<R>,
    private readonly maxAgeMs: number,
    private readonly maxKeys = 16,
    private readonly now: () => number = Date.now,
  ) {}

  async get(p: P, signal?: AbortSignal): Promise<R> {
    signal?.throwIfAborted();
    const key = JSON.stringify(p);
    const at = this.now();
    const hit = this.entries.get(key);
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
    const entry = { atMs: at, answer, starter: signal };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxKeys) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    answer.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return answer;
  }
}
