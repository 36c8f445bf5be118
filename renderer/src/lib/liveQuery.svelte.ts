import { getContext, setContext, untrack } from 'svelte';
import { LatestAnswer } from './latestAnswer';

/** What makes every live query of a page ask again: the replay cursor's moves (`EngineClient.cursorVersion`). */
export interface QueryEpoch {
  readonly version: number;
}
const QUERY_EPOCH = Symbol('cityops.queryEpoch');

/** Makes every live query below the calling component ask again whenever `epoch.version` moves (call while it initialises). */
export function provideQueryEpoch(epoch: QueryEpoch): void {
  setContext(QUERY_EPOCH, epoch);
}

export interface LiveQueryOptions<I, T> {
  /**
   * The question, read reactively: the query runs again whenever what this reads changes. Null
   * means "not now" (the engine link is down, nothing is selected): nothing is asked.
   */
  inputs: () => I | null;
  /** Asks the engine; not tracked, so reading state in here does not re-run the query. */
  load: (inputs: I) => Promise<T>;
  /** Asks the same question again this often while the component lives (skipped while one is on its way). */
  everyMs?: number;
  /** Inputs that only say "ask again" (a snapshot version, say) rather than a different question. */
  key?: (inputs: I) => string;
}

/**
 * A query that follows its inputs, for components: the newest answer in `data` (`$state.raw`,
 * results are replaced, never mutated), the failure in `error` for the component to show, and
 * `loading`. Create it while a component initialises; it stops with the component.
 */
export class LiveQuery<I, T> {
  data = $state.raw<T | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  private readonly answers: LatestAnswer<T>;
  private last: I | null = null;
  private readonly epoch: QueryEpoch | undefined = getContext<QueryEpoch | undefined>(QUERY_EPOCH);

  constructor(private readonly o: LiveQueryOptions<I, T>) {
    this.answers = new LatestAnswer<T>((s) => {
      this.data = s.data;
      this.error = s.error;
      this.loading = s.loading;
    });
    $effect(() => {
      // a new instant is a new question: answers to the old one are dropped (the version is in the key)
      void this.epoch?.version;
      const inputs = o.inputs();
      this.last = inputs;
      if (inputs === null) return;
      untrack(() => this.ask(inputs));
    });
    $effect(() => {
      const every = o.everyMs;
      if (!every) return;
      const timer = setInterval(() => {
        if (!this.answers.busy) this.refresh();
      }, every);
      return () => clearInterval(timer);
    });
    $effect(() => () => this.answers.stop());
  }

  /** Asks the current question again now. */
  refresh(): void {
    if (this.last !== null) this.ask(this.last);
  }

  private ask(inputs: I): void {
    this.last = inputs;
    const key = `${this.epoch?.version ?? 0}|${this.o.key ? this.o.key(inputs) : JSON.stringify(inputs)}`;
    this.answers.ask(key, () => this.o.load(inputs));
  }
}
