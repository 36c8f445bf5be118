/**
 * Background work on the engine's thread, one piece per turn of the event loop. Node runs, in one
 * check phase, every `setImmediate` callback queued before that phase began: ingest taking a
 * decoded chunk and the writer appending a slice of a commit, each yielding with its own
 * `setImmediate`, would run back to back, and a wall's request (read from its socket in the poll
 * phase) would wait for both. Waiting here instead, they take turns: one piece, then the loop
 * polls its sockets again.
 */
export class ThreadTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves in a turn of its own: at most one waiter is let go per turn of the event loop. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Waiters not let go yet. */
  get queued(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(this.run);
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const next = this.waiting.shift();
    // queued from inside the check phase: it runs in the next turn, after the loop has polled
    this.schedule();
    next?.();
  };
}

/** The engine thread's turns, shared by ingest and the writer. */
export const engineTurns = new ThreadTurns();
