/**
 * 预报预警 of a water level driven by the rain (issue 16 part 3, docs/forecast.md). Pure.
 *
 * A river's or a low street's level answers the rain over its catchment with a delay: the level
 * keeps rising for a while after a downpour starts, and stops rising after it ends, whatever the
 * level's own trend says. The forecaster fits that answer on the recent window — the level as a
 * base plus the rain passed through a cascade of one or two linear reservoirs (Nash's unit
 * hydrograph) of time constant k, k and the cascade's length chosen by least squares over a grid —
 * and runs it forward assuming the rain keeps its intensity of the last minutes. It forecasts only
 * when the level would be reached even if the rain eased by a fifth; the interval is the crossing
 * with the rain a quarter heavier (earliest) and a fifth lighter (latest).
 *
 * When there is no rain worth the name in the window, or the rain does not explain the level (the
 * fitted gain is nil), it gives no verdict and the trend forecaster (forecast.ts) judges alone.
 */

import { forecastCrossing, FORECAST_CONFIRM_MINUTES, type Forecast } from './forecast.js';

export interface RainForecastOptions {
  /** Minutes of history fitted. */
  windowMin: number;
  /** Fewer level points than this in the window while it rains: no forecast. */
  minPoints: number;
  /** Rain below this (mm/h) throughout the window is not rain: no verdict. */
  minRainMmH: number;
  /** The rain assumed to go on is the mean of the last this many minutes. */
  persistMin: number;
  /** A crossing further than this is not a forecast (minutes). */
  horizonMin: number;
  /** The newest level point must be at most this old (ms). */
  maxAgeMs: number;
}

export const DEFAULT_RAIN_FORECAST: RainForecastOptions = {
  windowMin: 180, minPoints: 30, minRainMmH: 2, persistMin: 10, horizonMin: 120, maxAgeMs: 150_000,
};

/** Time constants (minutes) and cascade lengths tried. */
const K_GRID = [5, 8, 12, 18, 25, 35, 50, 70, 100, 140, 200];
const N_GRID = [1, 2] as const;

/** The rain-driven verdict: a forecast, or none because the rain would not bring the level there (`forecast: null`). */
export interface RainVerdict {
  forecast: (Forecast & { rainMmH: number }) | null;
  /** The fitted catchment: time constant (min), cascade length, gain (level units per mm/h at equilibrium). */
  kMin: number;
  n: number;
  gain: number;
}

const MIN = 60_000;

/** Solve the small symmetric system A x = b (Gaussian elimination with pivoting); null when singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((m[r] as number[])[c] as number) > Math.abs((m[p] as number[])[c] as number)) p = r;
    const piv = (m[p] as number[])[c] as number;
    if (Math.abs(piv) < 1e-12) return null;
    [m[c], m[p]] = [m[p] as number[], m[c] as number[]];
    const rowC = m[c] as number[];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = m[r] as number[];
      const f = (row[c] as number) / piv;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) row[k] = (row[k] as number) - f * (rowC[k] as number);
    }
  }
  return m.map((row, i) => (row[n] as number) / (row[i] as number));
}

/**
 * The response of an n-cascade of unit-gain reservoirs with constant k to `rain` (one value a
 * minute), from rest: the value at i is the outflow at the end of minute i. Each reservoir is exact
 * for an input constant over the minute; the next one takes the mean of its inflow over the minute.
 */
function cascade(rain: readonly number[], kMin: number, n: number): number[] {
  const a = Math.exp(-1 / kMin);
  let input: readonly number[] = rain;
  let out: number[] = [];
  for (let stage = 0; stage < n; stage++) {
    out = new Array<number>(rain.length);
    let x = 0;
    let before = 0;
    for (let i = 0; i < rain.length; i++) {
      const into = stage === 0 ? (input[i] as number) : (before + (input[i] as number)) / 2;
      if (stage > 0) before = input[i] as number;
      x = x * a + (1 - a) * into;
      out[i] = x;
    }
    input = out;
  }
  return out;
}

/** The median of each point and its neighbours (a one-minute spike does not move a fit). */
function despike(v: readonly number[]): number[] {
  return v.map((x, i) => {
    if (!Number.isFinite(x)) return x;
    const w = [v[i - 1], x, v[i + 1]].filter((y): y is number => y !== undefined && Number.isFinite(y)).sort((p, q) => p - q);
    return w[Math.floor((w.length - 1) / 2)] as number;
  });
}

interface Fit { score: number; coef: number[]; k: number; n: number; gain: number }

/** Minutes of a level's noise that go together (the simulator's gauges: a noise that decays by 0.7 a minute). */
const NOISE_CORRELATION = 5;
/** Fits within this of the best criterion are ones the data cannot tell apart. */
const PLAUSIBLE = 4;
/** The rain factors of the earliest and the latest crossing. */
const EARLIEST_RAIN = 1.25;
const LATEST_RAIN = 0.8;

/**
 * The level's crossing of `level` upwards at `nowMs`, from minute points of the level (`t`, `v`) and
 * of the rain (`rt`, `rv`, mm/h) at the same place; `undefined` when the rain gives no verdict (the
 * trend forecaster then judges), a verdict otherwise.
 */
export function rainCrossing(
  t: readonly number[], v: readonly number[], rt: readonly number[], rv: readonly number[], level: number, nowMs: number,
  o: RainForecastOptions = DEFAULT_RAIN_FORECAST,
): RainVerdict | undefined {
  if (!Number.isFinite(level)) return undefined;
  const w = o.windowMin;
  // a minute grid ending at now: index w - 1 is the minute ending at now
  const start = nowMs - w * MIN;
  const slot = (ts: number): number => Math.round((ts - start) / MIN) - 1;
  const lv = new Array<number>(w).fill(NaN);
  let newest = -Infinity;
  for (let i = 0; i < t.length && i < v.length; i++) {
    const ts = t[i] as number;
    const x = v[i] as number;
    if (!Number.isFinite(ts) || !Number.isFinite(x) || ts > nowMs) continue;
    const j = slot(ts);
    if (j < 0 || j >= w) continue;
    lv[j] = x;
    newest = Math.max(newest, ts);
  }
  const rain = new Array<number>(w).fill(NaN);
  for (let i = 0; i < rt.length && i < rv.length; i++) {
    const ts = rt[i] as number;
    const x = rv[i] as number;
    if (!Number.isFinite(ts) || !Number.isFinite(x) || ts > nowMs || x < 0) continue;
    const j = slot(ts);
    if (j >= 0 && j < w) rain[j] = x;
  }
  // a minute without a rain reading keeps the one before (a gauge reports less often than a minute)
  let last = 0;
  for (let j = 0; j < w; j++) rain[j] = Number.isFinite(rain[j]) ? (last = rain[j] as number) : last;
  if (Math.max(...rain) < o.minRainMmH) return undefined;
  const points = lv.filter(Number.isFinite).length;
  // it rains, but too little of the level is known to tell how it answers (or its sensor stopped):
  // no forecast, and not the trend's either — a trend is wrong under rain more often than not
  if (points < o.minPoints || nowMs - newest > o.maxAgeMs) return { forecast: null, kMin: NaN, n: 0, gain: NaN };
  const y = despike(lv);

  const fits: Fit[] = [];
  for (const n of N_GRID) {
    for (const k of K_GRID) {
      const a = Math.exp(-1 / k);
      const u = cascade(rain, k, n);
      // the level = c0 + the free decay of what was stored before the window (a^i, and i·a^i for two reservoirs) + gain · u
      const basis = (i: number): number[] => (n === 1 ? [1, a ** i, u[i] as number] : [1, a ** i, i * a ** i, u[i] as number]);
      const p = n + 2;
      const ata = Array.from({ length: p }, () => new Array<number>(p).fill(0));
      const atb = new Array<number>(p).fill(0);
      for (let i = 0; i < w; i++) {
        const yi = y[i] as number;
        if (!Number.isFinite(yi)) continue;
        const b = basis(i);
        for (let r = 0; r < p; r++) {
          atb[r] = (atb[r] as number) + (b[r] as number) * yi;
          const row = ata[r] as number[];
          for (let c = 0; c < p; c++) row[c] = (row[c] as number) + (b[r] as number) * (b[c] as number);
        }
      }
      // a tiny ridge keeps the decay terms solvable when the window starts at rest
      for (let r = 1; r < p - 1; r++) (ata[r] as number[])[r] = ((ata[r] as number[])[r] as number) + 1e-6;
      const coef = solve(ata, atb);
      if (!coef || !coef.every(Number.isFinite)) continue;
      const gain = coef[p - 1] as number;
      if (!(gain > 0)) continue;
      let sse = 0;
      for (let i = 0; i < w; i++) {
        const yi = y[i] as number;
        if (!Number.isFinite(yi)) continue;
        const b = basis(i);
        let f = 0;
        for (let r = 0; r < p; r++) f += (coef[r] as number) * (b[r] as number);
        sse += (yi - f) ** 2;
      }
      // Akaike's criterion over the effective number of points: a level's noise is correlated from minute to minute
      const eff = Math.max(p + 1, points / NOISE_CORRELATION);
      const score = eff * Math.log(Math.max(sse, 1e-12) / points) + 2 * p;
      if (Number.isFinite(score)) fits.push({ score, coef, k, n, gain });
    }
  }
  if (fits.length === 0) return undefined;
  const bestScore = Math.min(...fits.map((f) => f.score));
  // every catchment the data cannot tell from the best: early in a downpour a slow catchment with a large gain and a quick
  // one with a small gain fit alike, and the forecast must hold for all of them
  const plausible = fits.filter((f) => f.score <= bestScore + PLAUSIBLE);
  const best = plausible.find((f) => f.score === bestScore) as Fit;

  // run a fitted catchment forward with the rain held at its recent mean (× a factor)
  const recent = rain.slice(w - o.persistMin);
  const rainNow = recent.reduce((s, x) => s + x, 0) / recent.length;
  /** A fitted catchment's level at minute `i` of `series` (the window's rain, and after it what is assumed). */
  const levelAt = (f: Fit, series: readonly number[]): ((i: number) => number) => {
    const a = Math.exp(-1 / f.k);
    const u = cascade(series, f.k, f.n);
    return (i) => (f.coef[0] as number) + (f.coef[1] as number) * a ** i + (f.n === 2 ? (f.coef[2] as number) * i * a ** i : 0) + f.gain * (u[i] as number);
  };
  const crossingAfter = (f: Fit, factor: number): number | null => {
    const at = levelAt(f, [...rain, ...new Array<number>(o.horizonMin + 1).fill(rainNow * factor)]);
    // the fitted level at the minute ending now, then each minute after
    let prev = at(w - 1);
    if (prev >= level) return null;
    for (let m = 1; m <= o.horizonMin; m++) {
      const cur = at(w - 1 + m);
      if (cur >= level) return m - 1 + (level - prev) / (cur - prev);
      prev = cur;
    }
    return null;
  };
  const verdict = { kMin: best.k, n: best.n, gain: best.gain };
  const eta = crossingAfter(best, 1);
  if (eta === null) return { forecast: null, ...verdict };
  let earliest = eta;
  let latest = eta;
  for (const f of plausible) {
    const e = crossingAfter(f, EARLIEST_RAIN);
    const l = crossingAfter(f, LATEST_RAIN);
    // a catchment the data allows that would not get there (with the rain a fifth lighter): no forecast
    if (e === null || l === null) return { forecast: null, ...verdict };
    earliest = Math.min(earliest, e);
    latest = Math.max(latest, l);
  }
  const nowLevel = levelAt(best, rain)(w - 1);
  return {
    forecast: {
      etaMs: nowMs + eta * MIN, earliestMs: nowMs + earliest * MIN, latestMs: nowMs + latest * MIN,
      // the mean rate to the level (the level's rise is not straight under rain)
      valueNow: nowLevel, slopePerMin: (level - nowLevel) / Math.max(eta, 1e-9), rainMmH: rainNow,
    },
    ...verdict,
  };
}

/** A forecast and what it stands on: the level's trend, or the rain (with the intensity assumed to go on). */
export type BasedForecast = Forecast & { basis: 'trend' | 'rain'; rainMmH: number | null };

/**
 * The forecast of a level with a rain gauge beside it at `nowMs`: the rain's verdict where the rain
 * gives one (including "the rain will not bring it there": null), the trend's otherwise.
 */
export function forecastWithRain(
  t: readonly number[], v: readonly number[], rt: readonly number[], rv: readonly number[], level: number, nowMs: number,
  o: RainForecastOptions = DEFAULT_RAIN_FORECAST,
): BasedForecast | null {
  const verdict = rainCrossing(t, v, rt, rv, level, nowMs, o);
  if (verdict) return verdict.forecast ? { ...verdict.forecast, basis: 'rain' } : null;
  const f = forecastCrossing(t, v, level, 'up', nowMs);
  return f ? { ...f, basis: 'trend', rainMmH: null } : null;
}

/** As {@link forecastWithRain}, shown only when made at `atMs` and at each of the minutes before (as `confirmedForecast`). */
export function confirmedForecastWithRain(
  t: readonly number[], v: readonly number[], rt: readonly number[], rv: readonly number[], level: number, atMs: number,
): BasedForecast | null {
  let now: BasedForecast | null = null;
  for (let k = 0; k < FORECAST_CONFIRM_MINUTES; k++) {
    const f = forecastWithRain(t, v, rt, rv, level, atMs - k * 60_000);
    if (!f) return null;
    if (k === 0) now = f;
  }
  return now;
}
