export interface Interrupt {
  id: string;
  title: string;
  severity: string;
  asset: string | null;
  domain: string;
  district: string;
  atMs: number;
}

/**
 * A display's rotation through its screens. A critical event interrupts it and takes focus; the
 * rotation comes back, where it was, when the event is acknowledged or after the timeout.
 */
export class Playlist {
  private index = 0;
  private shownSinceMs: number;
  private interruption: Interrupt | null = null;

  constructor(readonly screens: readonly string[], readonly rotateMs: number, readonly interruptMs: number, nowMs: number) {
    if (screens.length === 0) throw new Error('a playlist needs at least one screen');
    this.shownSinceMs = nowMs;
  }

  /** Advances the rotation to `nowMs` and says what to show. */
  at(nowMs: number): { screen: string; interrupt: Interrupt | null } {
    if (this.interruption && nowMs - this.interruption.atMs >= this.interruptMs) this.resume(nowMs);
    if (this.interruption) return { screen: 'asset', interrupt: this.interruption };
    const steps = Math.floor((nowMs - this.shownSinceMs) / this.rotateMs);
    if (steps > 0) {
      this.index = (this.index + steps) % this.screens.length;
      this.shownSinceMs += steps * this.rotateMs;
    }
    return { screen: this.screens[this.index] ?? 'overview', interrupt: null };
  }

  interrupt(i: Interrupt): void {
    // a newer critical event replaces the one on screen; the clock starts again
    this.interruption = i;
  }

  /** The operator acknowledged: back to the rotation, on the screen it was showing. */
  acknowledge(nowMs: number): void {
    this.resume(nowMs);
  }

  private resume(nowMs: number): void {
    this.interruption = null;
    this.shownSinceMs = nowMs;
  }
}
