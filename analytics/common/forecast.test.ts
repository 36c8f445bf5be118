import { describe, expect, it } from 'vitest';
import { confirmedForecast, DEFAULT_FORECAST, FORECAST_METRICS, FORECAST_MIN_HIT_RATE, FORECAST_RELIABILITY, forecastCrossing, RAIN_OF } from './forecast.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 6, 1, 3);
/** One point a minute over the last `n` minutes, value by minutes before now. */
function series(n: number, f: (minAgo: number, i: number) => number): { t: number[]; v: number[] } {
  const t: number[] = [];
  const v: number[] = [];
  for (let k = n - 1; k >= 0; k--) {
    t.push(NOW - k * MIN);
    v.push(f(k, n - 1 - k));
  }
  return { t, v };
}
/** A fixed pseudo-random noise in [-1, 1]. */
const noise = (i: number): number => Math.sin(i * 12.9898) * 43758.5453 % 1;

describe('预报预警: the crossing of a warning level from a robust trend', () => {
  it('a steady rise: the crossing when the line reaches the level, earliest ≤ eta ≤ latest', () => {
    // river level 4.0 m now, rising 0.01 m/min: 4.5 m in 50 min
    const s = series(30, (ago) => 4.0 - 0.01 * ago);
    const f = forecastCrossing(s.t, s.v, 4.5, 'up', NOW);
    expect(f).not.toBeNull();
    expect((f!.etaMs - NOW) / MIN).toBeCloseTo(50, 5);
    expect(f!.slopePerMin).toBeCloseTo(0.01, 8);
    expect(f!.earliestMs).toBeLessThanOrEqual(f!.etaMs);
    expect(f!.latestMs).toBeGreaterThanOrEqual(f!.etaMs);
  });

  it('a rise with noise and spikes: still near the true crossing; the spikes do not move it', () => {
    const s = series(30, (ago, i) => 4.0 - 0.01 * ago + 0.02 * noise(i) + (i % 9 === 4 ? 0.8 : 0));
    const f = forecastCrossing(s.t, s.v, 4.5, 'up', NOW);
    expect(f).not.toBeNull();
    expect(Math.abs((f!.etaMs - NOW) / MIN - 50)).toBeLessThan(8);
    expect(f!.earliestMs).toBeLessThan(NOW + 50 * MIN);
    expect(f!.latestMs).toBeGreaterThan(NOW + 50 * MIN);
  });

  it('nothing to forecast: a flat noisy series, a level already crossed, a crossing past the horizon, too few points, a trend away from the level', () => {
    const flat = series(30, (_a, i) => 4.0 + 0.05 * noise(i));
    expect(forecastCrossing(flat.t, flat.v, 4.5, 'up', NOW)).toBeNull();
    const rising = series(30, (ago) => 4.6 - 0.01 * ago);
    expect(forecastCrossing(rising.t, rising.v, 4.5, 'up', NOW)).toBeNull();
    const slow = series(30, (ago) => 2.0 - 0.001 * ago);
    expect(forecastCrossing(slow.t, slow.v, 4.5, 'up', NOW)).toBeNull();
    expect(forecastCrossing(slow.t, slow.v, 4.5, 'up', NOW, { ...DEFAULT_FORECAST, horizonMs: 3 * 24 * 3_600_000 })).not.toBeNull();
    const few = series(DEFAULT_FORECAST.minPoints - 1, (ago) => 4.0 - 0.01 * ago);
    expect(forecastCrossing(few.t, few.v, 4.5, 'up', NOW)).toBeNull();
    const falling = series(30, (ago) => 4.0 + 0.01 * ago);
    expect(forecastCrossing(falling.t, falling.v, 4.5, 'up', NOW)).toBeNull();
    // a rise whose newest point is 20 minutes old: the sensor stopped, nothing is extrapolated, not even confirmed
    const stopped = series(30, (ago) => 4.0 - 0.01 * ago);
    const old = { t: stopped.t.slice(0, 10), v: stopped.v.slice(0, 10) };
    expect(forecastCrossing(old.t, old.v, 4.5, 'up', NOW)).toBeNull();
    expect(confirmedForecast(old.t, old.v, 4.5, 'up', NOW)).toBeNull();
    expect(forecastCrossing(old.t, old.v, 4.5, 'up', NOW, { ...DEFAULT_FORECAST, maxAgeMs: 30 * MIN })).not.toBeNull();
  });

  it('falling towards a low level, and points outside the window or in the future are not used', () => {
    // a pressure falling 0.002/min from 0.30 towards 0.20: 50 min
    const s = series(30, (ago) => 0.3 + 0.002 * ago);
    const f = forecastCrossing(s.t, s.v, 0.2, 'down', NOW);
    expect((f!.etaMs - NOW) / MIN).toBeCloseTo(50, 5);
    expect(f!.slopePerMin).toBeCloseTo(-0.002, 8);
    // an old plateau and a future value change nothing
    const t = [NOW - 120 * MIN, ...s.t, NOW + 5 * MIN];
    const v = [9, ...s.v, -9];
    expect(forecastCrossing(t, v, 0.2, 'down', NOW)?.etaMs).toBeCloseTo(f!.etaMs, 0);
    expect(forecastCrossing([NaN, ...s.t], [1, ...s.v], 0.2, 'down', NOW)?.etaMs).toBeCloseTo(f!.etaMs, 0);
  });
});

describe('which forecasts are shown', () => {
  it('every forecast metric has backtest figures for its trend that pass the gate; every figure belongs to a forecast metric and a basis it can have', () => {
    for (const m of FORECAST_METRICS) expect(FORECAST_RELIABILITY[`${m}/trend`]?.hitRate ?? 0).toBeGreaterThanOrEqual(FORECAST_MIN_HIT_RATE);
    for (const key of Object.keys(FORECAST_RELIABILITY)) {
      const [metric, basis] = key.split('/') as [string, string];
      expect(FORECAST_METRICS).toContain(metric);
      expect(basis === 'trend' || (basis === 'rain' && RAIN_OF[metric] !== undefined)).toBe(true);
    }
  });
});
