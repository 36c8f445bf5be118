import type { Clock } from '../clock.js';

/** Time that moves only when the test says so. */
export class ManualClock implements Clock {
  private t = 0;
  private timers: { at: number; run: () => void; live: boolean }[] = [];
  now(): number {
    return this.t;
  }
  later(run: () => void, delayMs: number): { cancel(): void } {
    const timer = { at: this.t + delayMs, run, live: true };
    this.timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const next = this.timers.filter((x) => x.live && x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      next.live = false;
      this.t = next.at;
      next.run();
    }
    this.t = until;
  }
  pending(): number {
    return this.timers.filter((x) => x.live).length;
  }
}
