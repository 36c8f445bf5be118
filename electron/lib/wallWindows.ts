/**
 * The wall's windows follow its displays: planned once, and re-planned (all windows replaced)
 * when the set of displays changes. Bursts of display events are waited out before re-planning.
 */
import type { WallConfig } from '../../analytics/common/wallConfig.js';
import { systemClock, type Clock } from './clock.js';
import { planWall, samePlan, type PhysicalDisplay, type PlannedWindow, type WallPlan } from './windowPlanner.js';

export const REPLAN_SETTLE_MS = 1_000;

export interface Closable {
  destroy(): void;
}

export class WallWindows<W extends Closable> {
  private current: WallPlan | null = null;
  private readonly open = new Map<number, W>();
  private pending: { cancel(): void } | null = null;

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
    return [...this.open.values()];
  }

  replan(): void {
    const plan = planWall(this.wall, this.displays());
    if (this.current && samePlan(this.current, plan)) return;
    this.current = plan;
    for (const w of this.open.values()) w.destroy();
    this.open.clear();
    for (const p of plan.windows) this.open.set(p.displayId, this.openWindow(p));
  }

  /** A display was added, removed or changed: re-plan once the changes settle. */
  displaysChanged(): void {
    this.pending?.cancel();
    this.pending = this.clock.later(() => {
      this.pending = null;
      this.replan();
    }, REPLAN_SETTLE_MS);
  }
}
