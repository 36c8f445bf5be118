/**
 * 预报预警: when a slow-moving measurement (a river or waterlogging level, a foundation pit's
 * displacement, formwork settlement, a building's tilt, landfill methane, a bridge's deflection)
 * will cross its warning level, from a robust trend over a recent window. Pure.
 *
 * The trend is Theil–Sen's: the median of the slopes between every pair of points, robust to a
 * third of them being outliers (a spike, a stuck value). Its uncertainty is the spread of those
 * pairwise slopes: the crossing is forecast between the time the 80th percentile slope gives
 * (earliest) and the one the 20th gives (latest). A forecast is made only when even the
 * 20th percentile slope moves towards the level: a flat or noisy series forecasts nothing.
 */

export interface ForecastOptions {
  /** Points older than this before `nowMs` are not used (ms). */
  windowMs: number;
  /** Fewer points than this in the window: no forecast. */
  minPoints: number;
  /** A crossing forecast later than this after `nowMs` is not a forecast (ms). */
  horizonMs: number;
  /** The newest point must be at most this old (ms): a series that stopped is not extrapolated. */
  maxAgeMs: number;
}

/**
 * A 30-minute window, at least 8 points, a horizon of one hour, the newest point at most 2½ minutes
 * old (a minute's rollup is complete at the minute's end, then rolled up within seconds) (the
 * backtest: docs/forecast.md).
 */
export const DEFAULT_FORECAST: ForecastOptions = { windowMs: 30 * 60_000, minPoints: 8, horizonMs: 3_600_000, maxAgeMs: 150_000 };

/** A forecast is shown once the forecaster made it this many minutes in a row (one noisy minute is not a trend). */
export const FORECAST_CONFIRM_MINUTES = 3;

export interface Forecast {
  /** When the trend reaches the level (the median slope). */
  etaMs: number;
  /** The earliest and latest crossing the slopes' spread allows. */
  earliestMs: number;
  latestMs: number;
  /** The trend's value now and its slope (units per minute, signed). */
  valueNow: number;
  slopePerMin: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/**
 * The crossing of `level` by the series (`t` in ms, ascending or not), rising (`up`) or falling,
 * forecast at `nowMs`; null when there is nothing to forecast: too few points, no trend towards the
 * level beyond the noise, already at or past it, or further away than the horizon.
 */
export function forecastCrossing(
  t: readonly number[], v: readonly number[], level: number, direction: 'up' | 'down', nowMs: number, o: ForecastOptions = DEFAULT_FORECAST,
): Forecast | null {
  const pts: { t: number; v: number }[] = [];
  for (let i = 0; i < t.length && i < v.length; i++) {
    const ti = t[i] as number;
    const vi = v[i] as number;
    if (Number.isFinite(ti) && Number.isFinite(vi) && ti <= nowMs && ti >= nowMs - o.windowMs) pts.push({ t: ti, v: vi });
  }
  if (pts.length < o.minPoints || !Number.isFinite(level)) return null;
  // a sensor that stopped reporting (or a cut link) is not extrapolated: its level may be anywhere now
  if (nowMs - Math.max(...pts.map((p) => p.t)) > o.maxAgeMs) return null;
  // in the direction's terms: rising towards the level
  const s = direction === 'up' ? 1 : -1;
  const slopes: number[] = [];
  for (let i = 0; i < pts.length; i++) {
    for (let j = i + 1; j < pts.length; j++) {
      const a = pts[i] as { t: number; v: number };
      const b = pts[j] as { t: number; v: number };
      if (a.t !== b.t) slopes.push((s * (b.v - a.v)) / (b.t - a.t));
    }
  }
  if (slopes.length === 0) return null;
  slopes.sort((x, y) => x - y);
  const med = quantile(slopes, 0.5);
  const slow = quantile(slopes, 0.2);
  const fast = quantile(slopes, 0.8);
  if (!(slow > 0)) return null;
  // the line through the median of (v - slope·t), evaluated now
  const offsets = pts.map((p) => s * p.v - med * p.t).sort((x, y) => x - y);
  const now = quantile(offsets, 0.5) + med * nowMs;
  const gap = s * level - now;
  if (!(gap > 0)) return null;
  const eta = nowMs + gap / med;
  if (eta - nowMs > o.horizonMs) return null;
  return { etaMs: eta, earliestMs: nowMs + gap / fast, latestMs: nowMs + gap / slow, valueNow: s * now, slopePerMin: s * med * 60_000 };
}

/**
 * The metrics whose forecasts are shown: those backtested (docs/forecast.md) with a hit rate of at
 * least 0.9 and no more than 3 % false alarms on the normal value. Others are not shown: a forecast
 * that is usually wrong is worse than none.
 */
export const FORECAST_METRICS: readonly string[] = ['river_level_m', 'pit_displacement_mm', 'tilt_deg', 'methane_pct'];

/** A forecast as the console shows it: below the real alarms, never one of them. */
export interface ForecastView {
  domain: string;
  district: string;
  asset: string;
  metric: string;
  /** The alarm rule whose level is forecast to be crossed, its title and level. */
  rule: string;
  title: { zh: string; en: string };
  level: number;
  /** When it was judged (now, or the replayed instant). */
  atMs: number;
  etaMs: number;
  earliestMs: number;
  latestMs: number;
  valueNow: number;
  slopePerMin: number;
  /** What the forecast stands on: the level's own trend, or the rain beside it (rainForecast.ts), whose recent intensity (mm/h) it assumes goes on. */
  basis: 'trend' | 'rain';
  rainMmH: number | null;
  /** How such forecasts fared in the backtest (docs/forecast.md), shown beside them. */
  reliability: ForecastReliability;
}

/** The backtest's figures for one metric and basis: the share of crossings forecast in time, the share of forecasts made that came true, the median lead. */
export interface ForecastReliability { hitRate: number; precision: number; medianLeadMin: number }

/**
 * The backtest's figures (`npm run bench -- forecast` and `-- forecast-rain`, seed 16, the product's
 * settings; docs/forecast.md), keyed `metric/basis`. A metric and basis that is not here is not
 * forecast.
 */
export const FORECAST_RELIABILITY: Readonly<Record<string, ForecastReliability>> = {
  'river_level_m/trend': { hitRate: 0.975, precision: 0.492, medianLeadMin: 55 },
  'river_level_m/rain': { hitRate: 0.95, precision: 0.677, medianLeadMin: 53 },
  'pit_displacement_mm/trend': { hitRate: 0.985, precision: 0.497, medianLeadMin: 55 },
  'tilt_deg/trend': { hitRate: 0.96, precision: 0.481, medianLeadMin: 55 },
  'methane_pct/trend': { hitRate: 0.91, precision: 0.472, medianLeadMin: 54 },
};

/**
 * A forecast is shown only when such forecasts were right this often in the backtest (the crossings
 * forecast in time): a forecast that is usually wrong is worse than none.
 */
export const FORECAST_MIN_HIT_RATE = 0.9;

/** The level beside which a rain gauge at the same asset drives the forecast (rainForecast.ts). */
export const RAIN_OF: Readonly<Record<string, string>> = { river_level_m: 'rainfall_mm_h' };

/**
 * The forecast shown at `atMs` for one series of minute points: made at `atMs` and at each of the
 * {@link FORECAST_CONFIRM_MINUTES} − 1 minutes before (from the points known then), else none.
 */
export function confirmedForecast(t: readonly number[], v: readonly number[], level: number, direction: 'up' | 'down', atMs: number, o: ForecastOptions = DEFAULT_FORECAST): Forecast | null {
  let now: Forecast | null = null;
  for (let k = 0; k < FORECAST_CONFIRM_MINUTES; k++) {
    const f = forecastCrossing(t, v, level, direction, atMs - k * 60_000, o);
    if (!f) return null;
    if (k === 0) now = f;
  }
  return now;
}
