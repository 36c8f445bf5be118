/**
 * The wall's windows follow its displays: planned once, and re-planned (all windows replaced)
 * when the set of displays changes. Bursts of display events are waited out before re-planning.
 * A wall window closed by hand (Alt+F4) is opened again on its display; none is reopened while the
 * app quits.
 */
import type { WallConfig } from '../../analytics/common/wallConfig.js';
import { systemClock, type Clock } from './clock.js';
import { planWall, samePlan, type PhysicalDisplay, type PlannedWindow, type WallPlan } from './windowPlanner.js';

export const REPLAN_SETTLE_MS = 1_000;
/** A wall window closed by hand comes back after this. */
export const REOPEN_MS = 1_000;

export interface Closable {
  destroy(): void;
  isDestroyed(): boolean;
  once(event: 'closed', listener: () => void): unknown;
}

export class WallWindows<W extends Closable> {
  private current: WallPlan | null = null;
  private readonly open = new Map<number, W>();
  private pending: { cancel(): void } | null = null;
  private readonly reopening = new Map<number, { cancel(): void }>();
  private quitting = false;

  constructor(
    private readonly wall: WallConfig,
    private readonly displays: () => PhysicalDisplay[],
    private readonly openWindow: (planned: PlannedWindow) => W,
    private readonly clock: Clock = systemClock,
  ) {}

  plan(): WallPlan | null {
    return this.current;
  }

  windows(): W[] {
    return [...this.open.values()].filter((w) => !w.isDestroyed());
  }

  replan(): void {
    if (this.quitting) return;
    const plan = planWall(this.wall, this.displays());
    if (this.current && samePlan(this.current, plan)) return;
    this.current = plan;
    const old = [...this.open.values()];
    // cleared first: the 'closed' of a window destroyed here is not a hand-closed one
    this.open.clear();
    for (const r of this.reopening.values()) r.cancel();
    this.reopening.clear();
    for (const w of old) if (!w.isDestroyed()) w.destroy();
    for (const p of plan.windows) this.place(p);
  }

  /** A display was added, removed or changed: re-plan once the changes settle. */
  displaysChanged(): void {
    if (this.quitting) return;
    this.pending?.cancel();
    this.pending = this.clock.later(() => {
      this.pending = null;
      this.replan();
    }, REPLAN_SETTLE_MS);
  }

  /** The app quits: windows close for good, nothing is reopened or re-planned. */
  quit(): void {
    this.quitting = true;
    this.pending?.cancel();
    this.pending = null;
    for (const r of this.reopening.values()) r.cancel();
    this.reopening.clear();
  }

  private place(p: PlannedWindow): void {
    const w = this.openWindow(p);
    this.open.set(p.displayId, w);
    w.once('closed', () => {
      if (this.open.get(p.displayId) !== w) return;
      this.open.delete(p.displayId);
      if (this.quitting) return;
      this.reopening.get(p.displayId)?.cancel();
      this.reopening.set(p.displayId, this.clock.later(() => {
        this.reopening.delete(p.displayId);
        if (!this.quitting && !this.open.has(p.displayId)) this.place(p);
      }, REOPEN_MS));
    });
  }
}
