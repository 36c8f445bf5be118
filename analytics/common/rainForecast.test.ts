import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Catchment } from './runoff.js';
import { forecastCrossing } from './forecast.js';
import { confirmedForecastWithRain, forecastWithRain, rainCrossing } from './rainForecast.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 6, 1, 6);
const WARN = 4.5;
/** 60 mm/h over the last 40 minutes of three hours. */
const STORM = (m: number): number => (m >= 140 ? 60 : 0.3);

/**
 * `minutes` of a gauge ending now: the rain by minute (from the first), the level the catchment
 * answers with (base 2.4 m, `gain` m per mm/h, k minutes), plus a fixed small noise. Returns the
 * minute points and the catchment itself, to run the truth on.
 */
function gauge(minutes: number, rainAt: (m: number) => number, gain = 0.06, k = 40, noise = 0.02) {
  const c = new Catchment(2.4, gain, k);
  const t: number[] = [];
  const level: number[] = [];
  const rain: number[] = [];
  for (let m = 0; m < minutes; m++) {
    const r = rainAt(m);
    const h = c.step(r, 1);
    // a point stands at its minute's end: the last one at now
    t.push(NOW - (minutes - 1 - m) * MIN);
    level.push(h + noise * Math.sin(m * 12.9898) * 0.9);
    rain.push(r);
  }
  return { t, level, rain, c };
}

/** When the catchment, left as it is, would reach the level under `rain` (minutes from now), or null. */
function truthCrossing(c: Catchment, rain: number, level: number, horizon = 300): number | null {
  for (let m = 1; m <= horizon; m++) if (c.step(rain, 1) >= level) return m;
  return null;
}

describe('预报预警 of a water level from the rain', () => {
  it('a downpour that goes on: forecast from the rain, near when the catchment really gets there, before the level itself rises much', () => {
    // 60 mm/h for the last 40 minutes of three hours (k 30 min): the level, 3.8 m now, would settle at 2.4 + 0.06 · 60 = 6 m
    const g = gauge(180, STORM, 0.06, 30);
    const v = rainCrossing(g.t, g.level, g.t, g.rain, WARN, NOW);
    expect(v?.forecast).toBeTruthy();
    const f = v!.forecast!;
    const truth = truthCrossing(g.c, 60, WARN);
    expect(truth).not.toBeNull();
    // the catchment really gets there inside the interval, and the forecast is near it
    const at = (ms: number): number => (ms - NOW) / MIN;
    expect(truth!).toBeGreaterThanOrEqual(at(f.earliestMs));
    expect(truth!).toBeLessThanOrEqual(at(f.latestMs));
    expect(Math.abs(at(f.etaMs) - truth!)).toBeLessThan(Math.max(8, truth! * 0.4));
    expect(f.earliestMs).toBeLessThanOrEqual(f.etaMs);
    expect(f.latestMs).toBeGreaterThanOrEqual(f.etaMs);
    expect(f.rainMmH).toBeCloseTo(60, 5);
    expect(forecastWithRain(g.t, g.level, g.t, g.rain, WARN, NOW)?.basis).toBe('rain');
  });

  it('the rain stopped: no forecast, though the level is still rising and its trend alone would forecast a crossing', () => {
    // 60 mm/h for 15 minutes over a quick catchment (k 15 min), ended 10 minutes ago: the level rose 30 cm in the last
    // ten minutes and still rises, then peaks at about 3.7 m
    const g = gauge(180, (m) => (m >= 155 && m < 170 ? 60 : 0.3), 0.06, 15);
    expect(g.level[179]! - g.level[169]!).toBeGreaterThan(0.25);
    const verdict = rainCrossing(g.t, g.level, g.t, g.rain, WARN, NOW);
    expect(verdict).toBeDefined();
    expect(verdict!.forecast).toBeNull();
    expect(truthCrossing(g.c, 0.3, WARN)).toBeNull();
    // the trend of the last half hour says otherwise: the rain is what knows better
    expect(forecastCrossing(g.t, g.level, WARN, 'up', NOW)).not.toBeNull();
    expect(forecastWithRain(g.t, g.level, g.t, g.rain, WARN, NOW)).toBeNull();
  });

  it('a steady rain too light to bring the level there: no forecast', () => {
    // 12 mm/h settles the level at 3.1 m
    const g = gauge(180, (m) => (m >= 120 ? 12 : 0.3));
    expect(rainCrossing(g.t, g.level, g.t, g.rain, WARN, NOW)?.forecast).toBeNull();
  });

  it('no rain worth the name: no verdict, the trend judges (a flood wave from upstream is still forecast)', () => {
    const t = Array.from({ length: 60 }, (_, i) => NOW - (59 - i) * MIN);
    const level = t.map((_, i) => 3.0 + 0.02 * i);
    const drizzle = t.map(() => 0.5);
    expect(rainCrossing(t, level, t, drizzle, WARN, NOW)).toBeUndefined();
    const f = forecastWithRain(t, level, t, drizzle, WARN, NOW);
    expect(f?.basis).toBe('trend');
    expect(f?.rainMmH).toBeNull();
  });

  it('a level sensor that stopped reporting is not extrapolated, whatever the rain', () => {
    const g = gauge(180, (m) => (m >= 120 ? 50 : 0.3));
    // the last 10 minutes of level missing: no forecast, from the rain or the trend
    expect(rainCrossing(g.t.slice(0, 170), g.level.slice(0, 170), g.t, g.rain, WARN, NOW)?.forecast).toBeNull();
    expect(forecastWithRain(g.t.slice(0, 170), g.level.slice(0, 170), g.t, g.rain, WARN, NOW)).toBeNull();
  });

  it('rain over a level known for too few minutes to fit: no forecast, not the trend\'s (a trend under rain is mostly wrong)', () => {
    // the gauge reported only the last 15 minutes, a steep rise its trend alone would forecast across the level
    const g = gauge(180, STORM, 0.06, 30);
    const t = g.t.slice(165);
    const level = g.level.slice(165);
    expect(forecastCrossing(t, level, WARN, 'up', NOW)).not.toBeNull();
    expect(rainCrossing(t, level, g.t, g.rain, WARN, NOW)?.forecast).toBeNull();
    expect(forecastWithRain(t, level, g.t, g.rain, WARN, NOW)).toBeNull();
  });

  it('a one-minute spike of a metre does not make a forecast, nor does it hide one', () => {
    const quiet = gauge(180, (m) => (m >= 150 ? 12 : 0.3));
    const spiked = quiet.level.map((x, i) => (i === 176 ? x + 1.0 : x));
    expect(rainCrossing(quiet.t, spiked, quiet.t, quiet.rain, WARN, NOW)?.forecast ?? null).toBeNull();
    const storm = gauge(180, STORM, 0.06, 30);
    const spikedDown = storm.level.map((x, i) => (i === 176 ? x - 1.0 : x));
    expect(rainCrossing(storm.t, spikedDown, storm.t, storm.rain, WARN, NOW)?.forecast).toBeTruthy();
  });

  it('is shown only when made at now and the two minutes before', () => {
    const g = gauge(180, STORM, 0.06, 30);
    expect(confirmedForecastWithRain(g.t, g.level, g.t, g.rain, WARN, NOW)?.basis).toBe('rain');
    // the downpour began a minute ago: at the minutes before there was no rain, so no confirmed forecast
    const fresh = gauge(180, (m) => (m >= 178 ? 60 : 0.3));
    expect(confirmedForecastWithRain(fresh.t, fresh.level, fresh.t, fresh.rain, WARN, NOW)?.basis ?? null).not.toBe('rain');
  });

  it('any input: never throws, and a forecast it makes is finite, in the future, within the horizon, earliest ≤ eta ≤ latest', () => {
    const num = fc.oneof(fc.double({ noNaN: false }), fc.double({ min: -10, max: 100, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity, -0));
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: -400, max: 5 }), num), { maxLength: 300 }),
      fc.array(fc.tuple(fc.integer({ min: -400, max: 5 }), num), { maxLength: 300 }),
      num,
      (lv, rn, level) => {
        const f = forecastWithRain(lv.map(([m]) => NOW + m * MIN), lv.map(([, x]) => x), rn.map(([m]) => NOW + m * MIN), rn.map(([, x]) => x), level, NOW);
        if (f) {
          for (const x of [f.etaMs, f.earliestMs, f.latestMs, f.valueNow, f.slopePerMin]) expect(Number.isFinite(x)).toBe(true);
          expect(f.etaMs).toBeGreaterThan(NOW);
          expect(f.earliestMs).toBeLessThanOrEqual(f.etaMs + 1e-6);
          expect(f.latestMs).toBeGreaterThanOrEqual(f.etaMs - 1e-6);
          expect(f.etaMs - NOW).toBeLessThanOrEqual(120 * MIN + 1);
        }
      },
    ), { numRuns: 300 });
  });
});
