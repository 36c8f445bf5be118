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
    if (this.closed) return;
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

  close(): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new Error('the database is closing'));
    for (const c of [...this.idle.splice(0), ...this.busy]) {
      c.interrupt();
      c.closeSync();
    }
    this.busy.clear();
  }
}
