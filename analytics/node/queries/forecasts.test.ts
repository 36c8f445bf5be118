import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import { dataPath } from '../paths.js';
import { loadAlarmRules } from '../ops/alarmService.js';
import { Database } from '../store/database.js';
import { forecasts, warningRules } from './forecasts.js';

const tmp = tempDir('cityops-forecasts-');
let db: Database;
const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
const rules = loadAlarmRules(dataPath('alarm-rules.json'));
const iso = (ms: number): string => new Date(ms).toISOString();

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
    rows.push(row('rising', 'rainfall_mm_h', ago, 60 - ago));
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
    const f = await forecasts(db, rules, { limit: 100 }, NOW);
    expect(f.map((x) => [x.asset, x.metric, x.rule])).toEqual([['rising', 'river_level_m', 'flood.level.warning']]);
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
});
