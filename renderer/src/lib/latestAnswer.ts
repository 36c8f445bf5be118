/** What a live query shows: the newest answer to the current question, or why there is none. */
export interface AnswerState<T> {
  data: T | null;
  /** The last failure's message, cleared by the next answer; null when the last request succeeded. */
  error: string | null;
  /** A request for the current question is on its way. */
  loading: boolean;
}

/**
 * The newest answer wins. A question is named by a key (its inputs); asking a new question drops
 * every answer still on its way to an older one, and among answers to the same question one older
 * than the last shown is dropped. An answer is never held back for a newer request that has not
 * answered yet, so a question refreshed faster than the engine answers still shows its answers.
 * Plain TypeScript, so the rule is tested without a component around it.
 */
export class LatestAnswer<T> {
  private state: AnswerState<T> = { data: null, error: null, loading: false };
  private key: string | null = null;
  private asked = 0;
  private shown = 0;
  private inFlight = 0;
  private stopped = false;

  constructor(private readonly onChange: (s: AnswerState<T>) => void) {}

  get current(): AnswerState<T> {
    return this.state;
  }

  /** A request for the current question is on its way. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Asks `key` through `load`; a new key makes every earlier request's answer stale. */
  ask(key: string, load: () => Promise<T>): void {
    if (this.stopped) return;
    if (key !== this.key) {
      this.key = key;
      this.shown = this.asked;
      this.inFlight = 0;
    }
    const seq = ++this.asked;
    this.inFlight++;
    this.set({ loading: true });
    let answer: Promise<T>;
    try {
      answer = load();
    } catch (e) {
      answer = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    answer.then(
      (data) => this.settle(key, seq, { data, error: null }),
      (e: unknown) => this.settle(key, seq, { error: e instanceof Error ? e.message : String(e) }),
    );
  }

  /** No answer is taken after this (the component that asked is gone). */
  stop(): void {
    this.stopped = true;
  }

  private settle(key: string, seq: number, patch: Partial<AnswerState<T>>): void {
    if (this.stopped || key !== this.key) return;
    this.inFlight--;
    if (seq < this.shown) {
      if (this.inFlight === 0) this.set({ loading: false });
      return;
    }
    this.shown = seq;
    this.set({ ...patch, loading: this.inFlight > 0 });
  }

  private set(patch: Partial<AnswerState<T>>): void {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }
}
