import { confirmedForecastWithRain } from '../../analytics/common/rainForecast.js';
import { buildCity } from '../../analytics/node/sim/city.js';
import { CitySimulator, DEFAULT_SIM } from '../../analytics/node/sim/simulator.js';
import { isHit } from './forecastBacktest.js';

/**
 * The forecast on the simulator's own `flood` scenario (docs/forecast.md): the demo city's river
 * gauge in the flooded district, its readings as the simulator publishes them, averaged by minute
 * as the 1-minute rollups are, and the product's forecaster (rain where it rains, the trend
 * otherwise, confirmed over three minutes) run at every minute on the minutes before. The
 * scenario's clock is scaled by `speed` (1: the demo's, the storm within minutes; lower: a storm
 * over the hours a real one takes).
 */
export interface ScenarioForecast {
  speed: number;
  /** Minutes from the scenario's start to the level's first minute at or over the warning level (4.5 m), or null. */
  crossAtMin: number | null;
  /** The first forecast shown: when, on what, and the crossing it forecast (minutes from the start). */
  first: { atMin: number; basis: 'trend' | 'rain'; etaMin: number; earliestMin: number; latestMin: number } | null;
  leadMin: number | null;
  /** The crossing came within the first forecast's interval (± a tenth of the lead, at least 5 minutes: as the backtests count a hit). */
  hit: boolean;
}

const MIN = 60_000;
const WARNING = 4.5;

export async function scenarioForecast(speed: number, minutes = 180, seed = 613): Promise<ScenarioForecast> {
  const city = buildCity(80, seed);
  const gauge = city.assets.find((a) => a.profile.kind === 'river_gauge' && a.district === '420381') ?? city.assets.find((a) => a.profile.kind === 'river_gauge');
  if (!gauge) throw new Error('the demo city has no river gauge');
  const t0 = Math.floor(Date.UTC(2026, 6, 1, 6) / MIN) * MIN;
  const sums = new Map<string, { sum: number; n: number }>();
  const dec = new TextDecoder();
  const publisher = {
    publish(subject: string, data: Uint8Array): void {
      if (!subject.endsWith(`.${gauge.id}`) || !subject.startsWith('city.telemetry.')) return;
      const body = JSON.parse(dec.decode(data)) as unknown;
      for (const r of (Array.isArray(body) ? body : [body]) as { ts: number | string; metric: string; value: number }[]) {
        const ts = typeof r.ts === 'number' ? r.ts : Date.parse(r.ts);
        const k = `${r.metric}/${Math.floor(ts / MIN)}`;
        const s = sums.get(k) ?? { sum: 0, n: 0 };
        s.sum += r.value;
        s.n++;
        sums.set(k, s);
      }
    },
    async flush(): Promise<void> {},
  };
  const sim = new CitySimulator(city, publisher, { ...DEFAULT_SIM, rate: 160, scenarios: ['flood'], speed, eventsPerMin: 0, inspectionsPerMin: 0 });
  for (let s = 10; s <= minutes * 60; s += 10) await sim.tick(t0 + s * 1000, 10_000);
  // minute points at the minute's end, as the forecasts query reads the rollups
  const series = (metric: string): { t: number[]; v: number[] } => {
    const t: number[] = [];
    const v: number[] = [];
    for (let m = 0; m < minutes; m++) {
      const s = sums.get(`${metric}/${Math.floor(t0 / MIN) + m}`);
      if (!s || s.n === 0) continue;
      t.push(t0 + (m + 1) * MIN);
      v.push(s.sum / s.n);
    }
    return { t, v };
  };
  const level = series('river_level_m');
  const rain = series('rainfall_mm_h');
  const crossIx = level.v.findIndex((x) => x >= WARNING);
  const crossAtMin = crossIx < 0 ? null : ((level.t[crossIx] as number) - t0) / MIN;
  let first: ScenarioForecast['first'] = null;
  for (let m = 1; m <= minutes && first === null; m++) {
    if (crossAtMin !== null && m >= crossAtMin) break;
    const at = t0 + m * MIN;
    const f = confirmedForecastWithRain(level.t, level.v, rain.t, rain.v, WARNING, at);
    if (f) first = { atMin: m, basis: f.basis, etaMin: (f.etaMs - t0) / MIN, earliestMin: (f.earliestMs - t0) / MIN, latestMin: (f.latestMs - t0) / MIN };
  }
  const leadMin = first && crossAtMin !== null ? crossAtMin - first.atMin : null;
  const hit = first !== null && crossAtMin !== null && isHit(crossAtMin, { at: first.atMin, earliest: first.earliestMin, latest: first.latestMin });
  return { speed, crossAtMin, first, leadMin, hit };
}
