import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import { dataPath } from '../paths.js';
import { loadAlarmRules } from '../ops/alarmService.js';
import { Database } from '../store/database.js';
import { Catchment } from '../../common/runoff.js';
import { forecasts, warningRules } from './forecasts.js';

const tmp = tempDir('cityops-forecasts-');
let db: Database;
const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
const rules = loadAlarmRules(dataPath('alarm-rules.json'));
const iso = (ms: number): string => new Date(ms).toISOString();
/** 60 mm/h over the last 40 minutes of three hours. */
const STORM = (m: number): number => (m >= 140 ? 60 : 0.3);

beforeAll(async () => {
  db = await Database.open(`${tmp.dir}/f.duckdb`);
  const rows: string[] = [];
  const row = (asset: string, metric: string, minAgo: number, v: number): string =>
    `('${iso(NOW - minAgo * MIN)}', 'flood', '420381', '${asset}', '${metric}', 6, ${v * 6}, ${v}, ${v}, '${iso(NOW - minAgo * MIN + 50_000)}', ${v}, 0, NULL)`;
  // earlier: rising 1 cm a minute from 3.6 m (90 minutes ago) to 4.09 m (41 minutes ago), then a fall to 3.22 m
  for (let ago = 90; ago >= 41; ago--) rows.push(row('rising', 'river_level_m', ago, 3.6 + 0.01 * (90 - ago)));
  for (let ago = 40; ago >= 1; ago--) {
    // now rising 2 cm a minute: 4.0 m a minute ago, the warning level (4.5 m) in about 25 minutes
    rows.push(row('rising', 'river_level_m', ago, 4.0 - 0.02 * (ago - 1)));
    rows.push(row('steady', 'river_level_m', ago, 3.1 + (ago % 3) * 0.01));
    rows.push(row('over', 'river_level_m', ago, 4.8 - 0.01 * ago));
    // a metric the backtest did not judge: never forecast
    rows.push(row('raingauge', 'rainfall_mm_h', ago, 60 - ago));
  }
  // two gauges under rain, three hours of it, their levels answering through a catchment (base 2.4 m, 0.06 m per mm/h):
  // over 'storm' 60 mm/h for the last 40 minutes (k 30 min; the level would settle at 6 m, over the warning level);
  // over 'burst' 60 mm/h for 15 minutes that ended 10 minutes ago (k 15 min: the level still rises, then peaks at 3.7 m)
  for (const [asset, rainAt, k] of [['storm', STORM, 30], ['burst', (m: number) => (m >= 155 && m < 170 ? 60 : 0.3), 15]] as const) {
    const c = new Catchment(2.4, 0.06, k);
    for (let m = 0; m < 180; m++) {
      const level = c.step(rainAt(m), 1);
      rows.push(row(asset, 'river_level_m', 180 - m, Math.round(level * 1000) / 1000), row(asset, 'rainfall_mm_h', 180 - m, rainAt(m)));
    }
  }
  await db.writer.run(`INSERT INTO rollup_1m VALUES ${rows.join(', ')}`);
});
afterAll(() => {
  db?.close();
  tmp.remove();
});

describe('预报预警 from the 1-minute rollups', () => {
  it('forecasts the warning level of the rules for a rising level only, confirmed, with its interval; nothing for a steady one or one already over', async () => {
    expect(warningRules(rules).get('flood/river_level_m')?.setpoint).toBe(4.5);
    const all = await forecasts(db, rules, { limit: 100 }, NOW);
    const f = all.filter((x) => x.basis === 'trend');
    expect(f.map((x) => [x.asset, x.metric, x.rule])).toEqual([['rising', 'river_level_m', 'flood.level.warning']]);
    expect(f[0]!.rainMmH).toBeNull();
    expect(f[0]!.reliability.hitRate).toBeGreaterThan(0.5);
    const eta = (f[0]!.etaMs - NOW) / MIN;
    expect(eta).toBeGreaterThan(20);
    expect(eta).toBeLessThan(30);
    expect(f[0]!.earliestMs).toBeLessThanOrEqual(f[0]!.etaMs);
    expect(f[0]!.latestMs).toBeGreaterThanOrEqual(f[0]!.etaMs);
    expect(f[0]!.title.zh).toContain('警戒');
  });

  it('as of an earlier instant: what the data known then forecast (the slower rise, about 45 minutes away), not what came after', async () => {
    const past = await forecasts(db, rules, { limit: 100 }, NOW - 45 * MIN);
    expect(past.map((x) => x.asset)).toEqual(['rising']);
    const eta = (past[0]!.etaMs - (NOW - 45 * MIN)) / MIN;
    expect(eta).toBeGreaterThan(38);
    expect(eta).toBeLessThan(52);
    expect(past[0]!.slopePerMin).toBeCloseTo(0.01, 3);
    // a sensor silent for the last minutes is not extrapolated: 10 minutes after the newest point, nothing
    expect(await forecasts(db, rules, { limit: 100 }, NOW + 10 * MIN)).toEqual([]);
    expect(await forecasts(db, rules, { limit: 100, district: '420302' }, NOW)).toEqual([]);
    expect((await forecasts(db, rules, { limit: 100, asset: 'steady' }, NOW)).length).toBe(0);
    expect((await forecasts(db, rules, { limit: 100, asset: 'rising' }, NOW)).length).toBe(1);
  });

  it('a level with its rain gauge: forecast from the rain while the downpour goes on; not at all once it stopped, though the level still rises', async () => {
    const f = await forecasts(db, rules, { limit: 100 }, NOW);
    expect(f.map((x) => [x.asset, x.basis]).sort()).toEqual([['rising', 'trend'], ['storm', 'rain']]);
    const storm = f.find((x) => x.asset === 'storm')!;
    expect(storm.rainMmH).toBeCloseTo(60, 5);
    expect(storm.reliability.hitRate).toBeGreaterThan(0.5);
    // the catchment left under 60 mm/h reaches 4.5 m this many minutes from now: inside the forecast's interval
    const c = new Catchment(2.4, 0.06, 30);
    for (let m = 0; m < 180; m++) c.step(STORM(m), 1);
    let truth = 1;
    while (c.step(60, 1) < 4.5) truth++;
    expect(truth).toBeGreaterThanOrEqual((storm.earliestMs - NOW) / MIN);
    expect(truth).toBeLessThanOrEqual((storm.latestMs - NOW) / MIN);
    // the rain gauge alone is not forecast, nor the gauge whose downpour ended
    expect((await forecasts(db, rules, { limit: 100, asset: 'burst' }, NOW)).length).toBe(0);
    expect((await forecasts(db, rules, { limit: 100, asset: 'raingauge' }, NOW)).length).toBe(0);
  });
});
