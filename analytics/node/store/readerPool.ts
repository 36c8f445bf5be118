import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * Read connections, one per query running at a time. A connection of its own is what lets one
 * query be interrupted (its client left, its time passed, the engine stops) without touching the
 * others: DuckDB interrupts per connection.
 */
export class ReaderPool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly busy = new Set<DuckDBConnection>();
  private readonly waiting: { resolve: (c: DuckDBConnection) => void; reject: (e: unknown) => void }[] = [];
  private opening = 0;
  private closed = false;
  /** While closing: resolves once no connection is busy any more (each is closed when its work ends). */
  private allClosed: { promise: Promise<void>; resolve: () => void } | null = null;
  private nagging: NodeJS.Timeout | null = null;

  constructor(private readonly instance: DuckDBInstance, readonly size: number) {}

  /** Runs `fn` on a connection of its own; an abort of `signal` interrupts the query it runs. */
  async run<T>(fn: (c: DuckDBConnection) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const c = await this.acquire(signal);
    const interrupt = (): void => c.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      signal?.throwIfAborted();
      return await fn(c);
    } finally {
      signal?.removeEventListener('abort', interrupt);
      this.release(c);
    }
  }

  private async acquire(signal?: AbortSignal): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('the database is closing');
    const c = this.idle.pop();
    if (c) {
      this.busy.add(c);
      return c;
    }
    if (this.busy.size + this.opening < this.size) {
      this.opening++;
      try {
        const fresh = await this.instance.connect();
        if (this.closed) {
          fresh.closeSync();
          throw new Error('the database is closing');
        }
        this.busy.add(fresh);
        return fresh;
      } finally {
        this.opening--;
      }
    }
    return new Promise<DuckDBConnection>((resolve, reject) => {
      const w = { resolve, reject };
      this.waiting.push(w);
      signal?.addEventListener('abort', () => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal.reason);
      }, { once: true });
    });
  }

  private release(c: DuckDBConnection): void {
    if (this.closed) {
      // the pool is closing and this connection's work has ended: only now may it be closed
      this.busy.delete(c);
      closeQuietly(c);
      this.settleClose();
      return;
    }
    const w = this.waiting.shift();
    if (w) {
      w.resolve(c);
      return;
    }
    this.busy.delete(c);
    this.idle.push(c);
  }

  /** Interrupts every running query (the engine is stopping). */
  interruptAll(): void {
    for (const c of this.busy) c.interrupt();
  }

  /**
   * Refuses new work, closes the idle connections, and interrupts the busy ones: each is closed when
   * its work ends (release). A connection is never closed under a running query or fetch: DuckDB
   * would free the connection's context while a libuv thread still runs in it (a native crash).
   * Resolves when every connection is closed.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      this.allClosed = { promise, resolve };
      for (const w of this.waiting.splice(0)) w.reject(new Error('the database is closing'));
      for (const c of this.idle.splice(0)) closeQuietly(c);
      for (const c of this.busy) c.interrupt();
      if (this.busy.size > 0) {
        // an interrupt that falls between two statements (or before one starts) is forgotten by DuckDB
        this.nagging = setInterval(() => {
          for (const c of this.busy) c.interrupt();
        }, 50);
        this.nagging.unref();
      }
      this.settleClose();
    }
    return (this.allClosed as { promise: Promise<void> }).promise;
  }

  private settleClose(): void {
    if (!this.closed || this.busy.size > 0) return;
    if (this.nagging) clearInterval(this.nagging);
    this.nagging = null;
    this.allClosed?.resolve();
  }
}

function closeQuietly(c: DuckDBConnection): void {
  try {
    c.closeSync();
  } catch {
    // closing anyway
  }
}
