import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import { Database } from '../store/database.js';
import { loadDistrictShapes, randomPointIn } from '../sim/geo.js';
import { Rng } from '../sim/rng.js';
import { baseline, dayEnds } from './baseline.js';

const tmp = tempDir('cityops-baseline-');
let db: Database;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.now();
const iso = (ms: number): string => new Date(ms).toISOString();

beforeAll(async () => {
  db = await Database.open(`${tmp.dir}/b.duckdb`);
  const shapes = new Map(loadDistrictShapes().map((s) => [s.code, s]));
  const rng = new Rng(7);
  const [inZw, inMj] = [randomPointIn(shapes.get('420303')!, rng), randomPointIn(shapes.get('420302')!, rng)];
  const asset = (ts: number, id: string, kind: string, [lon, lat]: [number, number], approver: string | null): string =>
    `('${iso(ts)}', 'gas', '420303', '${id}', '${id}', '${kind}', ${lat}, ${lon}, '十堰燃气', '市城管局', ${approver === null ? 'NULL' : `'${approver}'`}, NULL, 'city.asset.gas.420303', NULL, '${iso(ts)}')`;
  await db.writer.run(`INSERT INTO asset_versions VALUES
    ${asset(NOW - 10 * DAY, 'ok', 'regulator', inZw, '市住建局')},
    ${asset(NOW - 10 * DAY, 'late-approver', 'regulator', inZw, null)},
    ${asset(NOW - 1.5 * DAY, 'late-approver', 'regulator', inZw, '市住建局')},
    ${asset(NOW - 10 * DAY, 'elsewhere', 'regulator', inMj, '市住建局')},
    ${asset(NOW - 10 * DAY, 'unwatched', 'valve_pit', inZw, '市住建局')}`);
  const insp = (ts: number, id: string): string => `('${iso(ts)}', 'gas', '420303', 'i-${id}-${ts}', '${id}', '燃气设施设备安全运行', 'pass', NULL, NULL, '张三', 'city.inspection.gas.420303', NULL, '${iso(ts)}')`;
  await db.writer.run(`INSERT INTO inspections VALUES ${insp(NOW - 2 * DAY, 'ok')}, ${insp(NOW - 2 * DAY, 'late-approver')}, ${insp(NOW - 2 * DAY, 'elsewhere')}, ${insp(NOW - 20 * DAY, 'unwatched')}`);
  // the regulators report; 'elsewhere' stopped two hours ago; valve pits are not monitored at all
  const bucket = (ms: number): number => Math.floor(ms / HOUR) * HOUR;
  const roll = (id: string, last: number): string => `('${iso(bucket(last))}', 'gas', '420303', '${id}', 'pressure_mpa', 1, 0.3, 0.3, 0.3, '${iso(last)}', 0.3, 0, NULL)`;
  await db.writer.run(`INSERT INTO rollup_1h VALUES ${roll('ok', NOW - 60_000)}, ${roll('elsewhere', NOW - 2 * HOUR - 60_000)}`);
  // 'late-approver' reported seconds ago in a batch the rollups have not taken yet (batch 5, rolled up to 4)
  await db.writer.run('UPDATE ingest_totals SET rolled_batch = 4');
  await db.writer.run(`INSERT INTO readings VALUES ('${iso(NOW - 5_000)}', 'gas', '420303', 'late-approver', 'pressure_mpa', 0.3, 'MPa', 'good', 'r1', NULL, '${iso(NOW)}', 5),
    ('${iso(NOW - 5_000)}', 'gas', '420303', 'elsewhere', 'pressure_mpa', 0.3, 'MPa', 'good', 'r0', NULL, '${iso(NOW)}', 4)`);
});
afterAll(() => {
  db?.close();
  tmp.remove();
});

describe('摸清底数 on a real DuckDB file', () => {
  it('judges location against the district\'s boundary, the registry as it stood, inspections in the period and sensors in the hour', async () => {
    const r = await baseline(db, { limit: 100, days: 3 }, NOW);
    expect(r).toMatchObject({ assets: 4, complete: 2 });
    expect(Object.fromEntries(r.gaps.map((g) => [g.asset, g.missing]))).toEqual({ elsewhere: ['location', 'sensors'], unwatched: ['inspection'] });
    // 42 hours ago the approver was not yet in the registry; no regulator had reported in the day before, so sensors were no gap then
    const before = await baseline(db, { limit: 100, days: 1 }, NOW - 1.75 * DAY);
    expect(Object.fromEntries(before.gaps.map((g) => [g.asset, g.missing]))).toEqual({ 'late-approver': ['approver'], elsewhere: ['location'], unwatched: ['inspection'] });
    // 3 days ago nothing had been inspected yet
    const earlier = await baseline(db, { limit: 100, days: 1 }, NOW - 3 * DAY);
    expect(earlier.gaps.every((g) => g.missing.includes('inspection'))).toBe(true);
    // the trend: one point per day end before, then now
    expect(r.trend.map((p) => p.atMs)).toEqual([...dayEnds(NOW, 2), NOW]);
    expect(r.trend.at(-1)).toEqual({ atMs: NOW, assets: 4, complete: 2 });
  });

  it('filters by domain and district, and lists no more gaps than asked', async () => {
    expect((await baseline(db, { domain: 'water', limit: 100, days: 1 }, NOW)).assets).toBe(0);
    const r = await baseline(db, { district: '420303', limit: 1, days: 1 }, NOW);
    expect(r.gaps.length).toBe(1);
    expect(r.gapCount).toBe(2);
  });
});
