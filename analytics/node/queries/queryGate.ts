import { sleep } from '../../common/vocabulary.js';

/** Bounds on the query load, set by configuration (never by the client). */
export interface QueryLimits {
  /** Queries running at once in the whole engine; one more is refused as `busy`. */
  maxInFlight: number;
  /** Queries running at once for one client connection; one more is refused as `busy`. */
  maxInFlightPerClient: number;
  /** A query still running after this long is interrupted and answered `timeout`. */
  timeoutMs: number;
  /** A result larger than this (as JSON) is answered `too_large` instead. */
  maxResultBytes: number;
}

/** Worst case held by queries: maxInFlight results of maxResultBytes, beside DuckDB's own memory limit. */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxInFlight: 12, maxInFlightPerClient: 4, timeoutMs: 15_000, maxResultBytes: 16 * 1024 * 1024 };

export type RefusalCode = 'busy' | 'timeout' | 'too_large';

/** A query the engine would not run or finish; the code goes to the client as the error code. */
export class QueryRefused extends Error {
  constructor(readonly code: RefusalCode, message: string) {
    super(message);
    this.name = 'QueryRefused';
  }
}

/**
 * Admits queries up to the engine-wide cap and gives each a time limit. A query counts as in flight
 * until its work has really ended (not merely until its caller gave up), so the cap bounds the
 * memory queries hold; an abort (time limit, client gone, engine stopping) interrupts the work.
 */
export class QueryGate {
  inFlight = 0;
  refusedBusy = 0;
  timedOut = 0;
  private readonly running = new Set<AbortController>();
  private closed = false;
  /** One promise per busy period, resolved when the last query of it ends. */
  private idle: { promise: Promise<void>; resolve: () => void } | null = null;

  /** Told when the first query of a busy period starts (true) and when the last one ends (false). */
  onBusy: ((busy: boolean) => void) | null = null;

  constructor(readonly limits: QueryLimits) {}

  run<T>(work: (signal: AbortSignal) => Promise<T>, callerSignal?: AbortSignal): Promise<T> {
    if (this.closed) return Promise.reject(new QueryRefused('busy', 'the engine is stopping'));
    if (this.inFlight >= this.limits.maxInFlight) {
      this.refusedBusy++;
      return Promise.reject(new QueryRefused('busy', `${this.inFlight} queries are running (at most ${this.limits.maxInFlight}): try again shortly`));
    }
    const ac = new AbortController();
    const timer = setTimeout(() => {
      this.timedOut++;
      ac.abort(new QueryRefused('timeout', `the query ran longer than ${this.limits.timeoutMs} ms and was interrupted`));
    }, this.limits.timeoutMs);
    const fromCaller = (): void => ac.abort(callerSignal?.reason ?? new Error('the client left'));
    if (callerSignal?.aborted) fromCaller();
    else callerSignal?.addEventListener('abort', fromCaller, { once: true });
    this.inFlight++;
    if (this.inFlight === 1) this.onBusy?.(true);
    this.running.add(ac);
    const done = (): void => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', fromCaller);
      this.running.delete(ac);
      this.inFlight--;
      if (this.inFlight === 0) this.onBusy?.(false);
      if (this.inFlight === 0 && this.idle) {
        this.idle.resolve();
        this.idle = null;
      }
    };
    let started: Promise<T>;
    try {
      started = work(ac.signal);
    } catch (e) {
      started = Promise.reject(e);
    }
    started.then(done, done);
    // the answer goes out as soon as the abort happens, even if the work (a non-interruptible
    // in-memory computation) takes a moment longer to notice
    const aborted = new Promise<never>((_, reject) => {
      if (ac.signal.aborted) reject(ac.signal.reason);
      else ac.signal.addEventListener('abort', () => reject(ac.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    return Promise.race([started, aborted]).catch((e: unknown) => {
      // an interrupted query fails inside DuckDB with its own message: answer with why it was interrupted
      throw ac.signal.aborted ? ac.signal.reason : e;
    });
  }

  /** Null when no query runs; otherwise resolves when none runs any more (ingest gives way to the wall's queries). */
  whenIdle(): Promise<void> | null {
    if (this.inFlight === 0) return null;
    if (!this.idle) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }

  /** Refuses new queries and interrupts the running ones (the engine is stopping). */
  close(): void {
    this.closed = true;
    for (const ac of this.running) ac.abort(new QueryRefused('busy', 'the engine is stopping'));
  }

  /** Resolves when no query's work is running any more, or after `limitMs` (interrupted work ends quickly). */
  async drained(limitMs: number): Promise<void> {
    const end = Date.now() + limitMs;
    while (this.inFlight > 0 && Date.now() < end) await sleep(10);
  }
}
