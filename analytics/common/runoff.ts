/**
 * A catchment's answer to rain, for the simulator's water levels: the rain over it (mm/h) passes
 * through a cascade of two linear reservoirs of time constant k (Nash's unit hydrograph, n = 2), and
 * the level is its base plus the cascade's outflow times the catchment's gain (level units per mm/h
 * at equilibrium). A downpour raises the level with a delay and the level keeps rising a while after
 * the rain eases; a steady rain R settles the level at base + gain · R.
 */
export class Catchment {
  private s1 = 0;
  private s2 = 0;
  constructor(
    readonly base: number,
    /** Level units per mm/h of steady rain. */
    readonly gain: number,
    /** The reservoirs' time constant, in the caller's time unit. */
    readonly k: number,
  ) {}

  /** The level after `dt` (the caller's time unit) of rain at `rainMmH`. */
  step(rainMmH: number, dt: number): number {
    // exact for a rain constant over dt, each reservoir in turn (the second sees the first's mean outflow)
    const a = Math.exp(-Math.max(0, dt) / this.k);
    const s1Before = this.s1;
    this.s1 = this.s1 * a + (1 - a) * this.gain * rainMmH;
    this.s2 = this.s2 * a + (1 - a) * ((s1Before + this.s1) / 2);
    return this.level;
  }

  get level(): number {
    return this.base + this.s2;
  }
}
