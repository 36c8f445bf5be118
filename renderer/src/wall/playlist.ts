export interface Interrupt {
  id: string;
  /** A critical alarm (id: its occurrence) or a red city event (id: the event's). */
  kind: 'alarm' | 'event';
  title: string;
  severity: string;
  asset: string | null;
  domain: string;
  district: string;
  atMs: number;
}

/** Who handled the interrupt at a console, and when (the wall itself never acknowledges). */
export interface Handled {
  by: string;
  atMs: number;
  /** Acknowledged, or taken off the screens (shelved, suppressed, out of service). */
  how: 'acked' | 'shelved';
}

/** What the interrupt display shows: the event, whether a console handled it, how many wait behind it. */
export interface Takeover {
  interrupt: Interrupt;
  handled: Handled | null;
  queued: number;
}

/** How long the wall says "已确认 · who · when" before it hands the rotation back. */
export const HANDLED_SHOWN_MS = 5_000;
/** Bound on waiting interrupts: beyond it the oldest waiting one leaves (the alarm list still has it). */
export const QUEUE_LIMIT = 20;

/**
 * A display's rotation through its screens. A critical event interrupts it and takes focus; more
 * of them queue behind it, in order. Nothing leaves the screen until a console has handled it: the
 * wall says who and when, then shows the next one or hands the rotation back, where it was. When
 * several wait and none is handled, each has the screen for `interruptMs` in turn, so none is
 * hidden behind another for long.
 */
export class Playlist {
  private index = 0;
  private shownSinceMs: number;
  private queue: Interrupt[] = [];
  private headSinceMs = 0;
  private handled: (Handled & { releaseAtMs: number }) | null = null;

  constructor(readonly screens: readonly string[], readonly rotateMs: number, readonly interruptMs: number, nowMs: number) {
    if (screens.length === 0) throw new Error('a playlist needs at least one screen');
    this.shownSinceMs = nowMs;
  }

  /** Advances the rotation and the queue to `nowMs` and says what to show. */
  at(nowMs: number): { screen: string; takeover: Takeover | null } {
    this.advance(nowMs);
    const head = this.queue[0];
    if (head) return { screen: 'asset', takeover: { interrupt: head, handled: this.handled ? { by: this.handled.by, atMs: this.handled.atMs, how: this.handled.how } : null, queued: this.queue.length - 1 } };
    const steps = Math.floor((nowMs - this.shownSinceMs) / this.rotateMs);
    if (steps > 0) {
      this.index = (this.index + steps) % this.screens.length;
      this.shownSinceMs += steps * this.rotateMs;
    }
    return { screen: this.screens[this.index] ?? 'overview', takeover: null };
  }

  /** A critical event (`nowMs`: when it reached the wall): on screen now if nothing else is, otherwise it waits its turn (never replaces). */
  interrupt(i: Interrupt, nowMs = i.atMs): void {
    if (this.queue.some((q) => q.id === i.id)) return;
    if (this.queue.length === 0) this.headSinceMs = nowMs;
    this.queue.push(i);
    if (this.queue.length > QUEUE_LIMIT) this.queue.splice(1, 1);
  }

  /** The interrupts on screen or waiting, oldest first. */
  waiting(): readonly Interrupt[] {
    return this.queue;
  }

  /**
   * A console handled one: on screen, the wall says who and when, then moves on; waiting, it leaves
   * the queue (nobody needs to see it interrupt any more).
   */
  handledAt(id: string, h: Handled, nowMs: number): void {
    if (this.queue[0]?.id === id) {
      if (!this.handled) this.handled = { ...h, releaseAtMs: nowMs + HANDLED_SHOWN_MS };
      return;
    }
    this.queue = this.queue.filter((q) => q.id !== id);
  }

  private advance(nowMs: number): void {
    for (;;) {
      if (this.queue.length === 0) return;
      if (!this.handled) {
        // unhandled: it stays; with others waiting it takes its turn again after them
        if (this.queue.length > 1 && nowMs - this.headSinceMs >= this.interruptMs) {
          this.queue.push(this.queue.shift() as Interrupt);
          this.headSinceMs = nowMs;
        }
        return;
      }
      if (nowMs < this.handled.releaseAtMs) return;
      this.queue.shift();
      this.handled = null;
      this.headSinceMs = nowMs;
      // back to the rotation, on the screen it was showing, for a full period
      if (this.queue.length === 0) this.shownSinceMs = nowMs;
    }
  }
}
