import { DEFAULT_FORECAST, forecastCrossing, type ForecastOptions } from '../../analytics/common/forecast.js';
import { DEFAULT_RAIN_FORECAST, forecastWithRain, type RainForecastOptions } from '../../analytics/common/rainForecast.js';
import { Rng } from '../../analytics/node/sim/rng.js';
import { Catchment } from '../../analytics/common/runoff.js';

/**
 * The forecast's backtest (issue 16 part 3, docs/forecast.md): trajectories built from the demo
 * city's noise models (analytics/node/sim/profiles.ts) and the shapes of its scenarios (a linear
 * ramp from the normal value, like `flood` and `gas-leak`, scenarios.ts), at the warning levels of
 * data/alarm-rules.json, sampled once a minute as the 1-minute rollups give them. Per metric, three
 * kinds of case in equal numbers: a ramp that crosses the warning level (30 min to 3 h after it
 * starts), a ramp that levels off below it (60-95 % of the way), and the normal value alone. The
 * forecaster runs every minute on the 30 minutes before.
 */
export interface MetricCase {
  metric: string;
  base: number;
  /** The simulator's noise parameter for the metric (its per-minute spread, roughly). */
  noise: number;
  warning: number;
}

export const BACKTEST_METRICS: readonly MetricCase[] = [
  { metric: 'river_level_m', base: 2.4, noise: 0.03, warning: 4.5 },
  { metric: 'pit_displacement_mm', base: 6, noise: 0.3, warning: 30 },
  { metric: 'tilt_deg', base: 0.12, noise: 0.01, warning: 0.4 },
  { metric: 'methane_pct', base: 0.3, noise: 0.08, warning: 1.25 },
];

export interface BacktestResult {
  metric: string;
  crossings: number;
  /** Crossings forecast before they happened, inside the first forecast's interval (± the tolerance). */
  hits: number;
  /** Cases without a crossing in which a forecast was made anyway; of them, on a ramp that levelled off, and on the normal value alone. */
  falseAlarms: number;
  falseOnPlateau: number;
  falseOnFlat: number;
  quiet: number;
  forecastsMade: number;
  hitRate: number;
  falseAlarmRate: number;
  /** Of the forecasts made, the share whose crossing came (within its interval ± tolerance). */
  precision: number;
  medianLeadMin: number;
  p10LeadMin: number;
}

const MIN = 60_000;

/** One trajectory, a point a minute over `minutes`. */
function trajectory(c: MetricCase, rng: Rng, kind: 'cross' | 'plateau' | 'flat', minutes: number): { v: number[]; crossAt: number | null } {
  const start = Math.floor(rng.range(20, 90));
  const gap = c.warning - c.base;
  // crossing 30 min - 3 h after the ramp starts; a plateau stops at 60-95 % of the way
  const rampMin = rng.range(30, 180);
  const stopAt = kind === 'plateau' ? rng.range(0.6, 0.95) : 1.6;
  const v: number[] = [];
  let dev = 0;
  let crossAt: number | null = null;
  for (let m = 0; m < minutes; m++) {
    // mean-reverting noise as the simulator's, with a sensor's occasional spike (1 in 60)
    dev = dev * 0.7 + c.noise * rng.gauss() * 0.7;
    const along = kind === 'flat' || m < start ? 0 : Math.min(stopAt, (m - start) / rampMin);
    const trend = c.base + gap * along;
    const spike = rng.next() < 1 / 60 ? c.noise * 8 * (rng.next() < 0.5 ? -1 : 1) : 0;
    v.push(trend + dev + spike);
    if (crossAt === null && kind === 'cross' && trend >= c.warning) crossAt = m;
  }
  return { v, crossAt };
}

/** The first forecast shown in a case, in minutes from its start: when, and its interval. */
export interface FirstForecast { at: number; earliest: number; latest: number }

/**
 * The first forecast shown before the crossing (or at all, without one): the first minute at which
 * `forecastAt` has forecast `confirm` minutes in a row.
 */
function firstShown(minutes: number, crossAt: number | null, confirm: number, t0: number, forecastAt: (m: number) => { earliestMs: number; latestMs: number } | null): FirstForecast | null {
  let run = 0;
  for (let m = 1; m < minutes; m++) {
    if (crossAt !== null && m >= crossAt) break;
    const f = forecastAt(m);
    run = f ? run + 1 : 0;
    if (f && run >= confirm) return { at: m, earliest: (f.earliestMs - t0) / MIN, latest: (f.latestMs - t0) / MIN };
  }
  return null;
}

/** A hit: the crossing came inside the first forecast's interval, give or take a tenth of the lead (at least 5 minutes). */
export function isHit(crossAt: number, first: FirstForecast): boolean {
  const tol = Math.max(5, (crossAt - first.at) / 10);
  return crossAt >= first.earliest - tol && crossAt <= first.latest + tol;
}

/** The counts of a backtest, case by case. */
class Tally {
  crossings = 0;
  hits = 0;
  falseAlarms = 0;
  quiet = 0;
  made = 0;
  private madeRight = 0;
  private readonly leads: number[] = [];

  /** Counts one case; says whether it was a hit, a false alarm or neither. */
  add(crossAt: number | null, first: FirstForecast | null): 'hit' | 'false' | null {
    if (first) this.made++;
    if (crossAt !== null) {
      this.crossings++;
      if (!first || !isHit(crossAt, first)) return null;
      this.hits++;
      this.madeRight++;
      this.leads.push(crossAt - first.at);
      return 'hit';
    }
    this.quiet++;
    if (!first) return null;
    this.falseAlarms++;
    return 'false';
  }

  rates(): { hitRate: number; falseAlarmRate: number; precision: number; medianLeadMin: number; p10LeadMin: number } {
    const leads = [...this.leads].sort((a, b) => a - b);
    const q = (p: number): number => leads[Math.min(leads.length - 1, Math.floor(p * leads.length))] ?? NaN;
    const r = (x: number): number => Math.round(x * 1000) / 1000;
    return {
      hitRate: r(this.hits / Math.max(1, this.crossings)), falseAlarmRate: r(this.falseAlarms / Math.max(1, this.quiet)),
      precision: r(this.madeRight / Math.max(1, this.made)), medianLeadMin: q(0.5), p10LeadMin: q(0.1),
    };
  }
}

export function backtest(c: MetricCase, cases: number, seed: number, o: ForecastOptions = DEFAULT_FORECAST, confirm = 1): BacktestResult {
  const rng = new Rng(seed);
  const minutes = 360;
  const t0 = Date.UTC(2026, 6, 1);
  const times = Array.from({ length: minutes }, (_, m) => t0 + m * MIN);
  const tally = new Tally();
  let falseOnPlateau = 0;
  for (let k = 0; k < cases; k++) {
    const kind = (['cross', 'plateau', 'flat'] as const)[k % 3] as 'cross' | 'plateau' | 'flat';
    const { v, crossAt } = trajectory(c, rng, kind, minutes);
    const first = firstShown(minutes, crossAt, confirm, t0, (m) => forecastCrossing(times.slice(0, m + 1), v.slice(0, m + 1), c.warning, 'up', times[m] as number, o));
    if (tally.add(crossAt, first) === 'false' && kind === 'plateau') falseOnPlateau++;
  }
  return {
    metric: c.metric, crossings: tally.crossings, hits: tally.hits, falseAlarms: tally.falseAlarms, falseOnPlateau, falseOnFlat: tally.falseAlarms - falseOnPlateau,
    quiet: tally.quiet, forecastsMade: tally.made, ...tally.rates(),
  };
}

/**
 * The rain-driven forecast's backtest (docs/forecast.md): a river gauge whose level answers storms
 * through its catchment as the simulator's flood scenario does (analytics/node/sim/runoff.ts, two
 * linear reservoirs; here k 15–90 min and the gain drawn per case, unknown to the forecaster), with
 * the simulator's noise on the level and a gusty rain. Five kinds of case in equal numbers:
 * - `storm`: a downpour heavy enough to bring the level over the warning level (it crosses);
 * - `upstream`: the level rises to the warning level with no rain here (a flood wave from upstream);
 * - `burst`: a downpour as heavy that stops before the level gets there (it does not cross);
 * - `light`: a steady rain too light to bring the level there (the level rises and settles below);
 * - `dry`: drizzle at most, the normal level.
 * Each forecaster runs every minute on the points known then: `trend` (the trend alone, 30 min),
 * `rain` (the rain-driven forecast where the rain gives a verdict, the trend otherwise: what the
 * product shows).
 */
export type RainCaseKind = 'storm' | 'upstream' | 'burst' | 'light' | 'dry';
export const RAIN_CASE_KINDS: readonly RainCaseKind[] = ['storm', 'upstream', 'burst', 'light', 'dry'];

export interface RainBacktestResult {
  mode: 'trend' | 'rain';
  crossings: number;
  hits: number;
  hitRate: number;
  /** Per kind of case: forecasts made (first forecasts before any crossing), and hits among crossings. */
  made: Record<RainCaseKind, number>;
  hitsBy: Record<RainCaseKind, number>;
  falseAlarms: number;
  quiet: number;
  falseAlarmRate: number;
  precision: number;
  medianLeadMin: number;
  p10LeadMin: number;
}

interface RainCase { kind: RainCaseKind; level: number[]; rain: number[]; crossAt: number | null }

function rainCase(kind: RainCaseKind, rng: Rng, minutes: number, c: MetricCase): RainCase {
  const k = rng.range(15, 90);
  const gap = c.warning - c.base;
  const start = Math.floor(rng.range(30, 150));
  const rampMin = rng.range(5, 20);
  // the equilibrium rise the storm's peak would bring, against the gap to the warning level
  const reach = kind === 'light' ? rng.range(0.4, 0.9) : rng.range(1.15, 2.0);
  const peak = rng.range(15, 60);
  const gain = (reach * gap) / peak;
  let stopAt = Infinity;
  if (kind === 'burst') {
    // the longest downpour that still stops short of the level, less a margin drawn at random
    for (let d = 5; d < minutes; d++) {
      const run = new Catchment(c.base, gain, k);
      let max = -Infinity;
      for (let m = 0; m < minutes; m++) max = Math.max(max, run.step(m < start ? 0 : m < start + d ? peak * Math.min(1, (m - start) / rampMin) : 0, 1));
      if (max >= c.base + gap * 0.97) {
        stopAt = start + Math.max(3, Math.floor((d - 1) * rng.range(0.6, 1)));
        break;
      }
    }
  }
  const upstreamMin = rng.range(40, 180);
  const catchment = new Catchment(c.base, gain, k);
  const level: number[] = [];
  const rain: number[] = [];
  let dev = 0;
  let gust = 0;
  let crossAt: number | null = null;
  for (let m = 0; m < minutes; m++) {
    gust = gust * 0.8 + 0.3 * rng.gauss() * 0.6;
    const drizzle = Math.max(0, 0.3 + 0.3 * rng.gauss());
    const storm = kind === 'dry' || kind === 'upstream' || m < start || m >= stopAt ? 0 : peak * Math.min(1, (m - start) / rampMin) * Math.max(0, 1 + gust);
    const r = Math.round((storm + drizzle) * 10) / 10;
    rain.push(r);
    let truth = catchment.step(storm, 1);
    if (kind === 'upstream') truth = c.base + (m < start ? 0 : gap * 1.6 * Math.min(1, (m - start) / upstreamMin / 1.6));
    dev = dev * 0.7 + c.noise * rng.gauss() * 0.7;
    const spike = rng.next() < 1 / 60 ? c.noise * 8 * (rng.next() < 0.5 ? -1 : 1) : 0;
    level.push(truth + dev + spike);
    if (crossAt === null && truth >= c.warning) crossAt = m;
  }
  return { kind, level, rain, crossAt };
}

export function rainBacktest(mode: 'trend' | 'rain', cases: number, seed: number, o: RainForecastOptions = DEFAULT_RAIN_FORECAST, confirm = 3): RainBacktestResult {
  const c = BACKTEST_METRICS[0] as MetricCase;
  const rng = new Rng(seed);
  const minutes = 360;
  const t0 = Date.UTC(2026, 6, 1);
  const times = Array.from({ length: minutes }, (_, m) => t0 + m * MIN);
  const zero = (): Record<RainCaseKind, number> => ({ storm: 0, upstream: 0, burst: 0, light: 0, dry: 0 });
  const made = zero();
  const hitsBy = zero();
  const tally = new Tally();
  for (let i = 0; i < cases; i++) {
    const kind = RAIN_CASE_KINDS[i % RAIN_CASE_KINDS.length] as RainCaseKind;
    const cs = rainCase(kind, rng, minutes, c);
    const first = firstShown(minutes, cs.crossAt, confirm, t0, (m) => {
      const ts = times.slice(0, m + 1);
      const lv = cs.level.slice(0, m + 1);
      return mode === 'rain' ? forecastWithRain(ts, lv, ts, cs.rain.slice(0, m + 1), c.warning, times[m] as number, o) : forecastCrossing(ts, lv, c.warning, 'up', times[m] as number);
    });
    if (first) made[kind]++;
    if (tally.add(cs.crossAt, first) === 'hit') hitsBy[kind]++;
  }
  const { hitRate, falseAlarmRate, precision, medianLeadMin, p10LeadMin } = tally.rates();
  return {
    mode, crossings: tally.crossings, hits: tally.hits, hitRate, made, hitsBy, falseAlarms: tally.falseAlarms, quiet: tally.quiet,
    falseAlarmRate, precision, medianLeadMin, p10LeadMin,
  };
}
