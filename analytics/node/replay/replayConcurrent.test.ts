import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import { writeBundle } from '../export/bundleWriter.js';
import { verifyBundle } from '../export/verifyBundle.js';
import { Database } from '../store/database.js';
import { BundleEngine } from './bundleEngine.js';

const tmp = tempDir('cityops-replay-concurrent-');
const T0 = Date.parse('2026-11-20T00:00:00Z');
const MIN = 60_000;
const D = '420302';
const POINT = `gas/${D}/a0#gas.lel.level2`;
let engine: BundleEngine;

beforeAll(async () => {
  const db = await Database.open(join(tmp.dir, 'city.duckdb'));
  try {
    // a critical alarm raised at T0 + 10 min and cleared at T0 + 50 min
    const row = (atMs: number, active: boolean): string => `(make_timestamptz(${atMs * 1000}), '${POINT}', 'gas.lel.level2', 'critical', 'gas', '${D}', 'a0', 'lel_pct', false, ${active}, ${active ? 70 : 1})`;
    await db.writer.run(`INSERT INTO alarm_log VALUES ${row(T0 + 10 * MIN, true)}, ${row(T0 + 50 * MIN, false)}`);
    // the asset, and a failed inspection item at T0 + 30 min (it raises a hazard case)
    await db.writer.run(`INSERT INTO asset_versions VALUES (make_timestamptz(${(T0 - MIN) * 1000}), 'gas', '${D}', 'a0', '调压站', 'regulator', 32.6, 110.8, '燃气公司', '市城管局', '市住建局', '{}', 'city.asset.gas.${D}.a0', 1, now())`);
    await db.writer.run(`INSERT INTO inspections VALUES (make_timestamptz(${(T0 + 30 * MIN) * 1000}), 'gas', '${D}', 'i1', 'a0', '阀门', 'fail', 'general', '锈蚀', '张三', 'city.inspection.gas.${D}', 2, now())`);
    await db.readers.run((c) => writeBundle(c, {
      out: join(tmp.dir, 'bundle'), window: { fromMs: T0, toMs: T0 + 120 * MIN, domains: [], districts: [] }, csv: false, force: false, timeZone: 'Asia/Shanghai',
      engine: { id: 'test', db: db.path, source: 'file' }, alarmRules: [], wallConfigs: {},
    }));
  } finally {
    db.close();
  }
  const v = await verifyBundle(join(tmp.dir, 'bundle'));
  if (!v.ok) throw new Error(v.problems.join('\n'));
  engine = await BundleEngine.open(join(tmp.dir, 'bundle'), v.manifest);
});
afterAll(async () => {
  await engine.stop();
  tmp.remove();
});

describe('replayed answers asked at once by several screens at different instants', () => {
  it('a shift report is the state at the shift end, whatever another screen asks meanwhile about a later instant', async () => {
    const shift = { fromMs: T0, toMs: T0 + 20 * MIN };
    const alone = await engine.query('handover', shift, undefined, T0 + 120 * MIN);
    expect(alone.alarms.standing.map((a) => a.point)).toEqual([POINT]);
    // the same report, while another screen looks at T0 + 60 min (the alarm cleared by then)
    const [together, later] = await Promise.all([
      engine.query('handover', shift, undefined, T0 + 120 * MIN),
      engine.query('alarms', { all: true }, undefined, T0 + 60 * MIN),
    ]);
    expect(later.filter((a) => a.active).map((a) => a.point)).toEqual([]);
    expect(together.alarms.standing.map((a) => a.point)).toEqual([POINT]);
    expect({ ...together, generatedAtMs: 0, sha256: '' }).toEqual({ ...alone, generatedAtMs: 0, sha256: '' });
  });

  it('the checklist progress counts the cases open at its instant, whatever another screen asks meanwhile about a later instant', async () => {
    const at = T0 + 20 * MIN;
    const alone = await engine.query('checklist', {}, undefined, at);
    expect(alone.map((r) => r.openHazards)).toEqual([0]);
    const [together, later] = await Promise.all([
      engine.query('checklist', {}, undefined, at),
      engine.query('hazards', {}, undefined, T0 + 60 * MIN),
    ]);
    expect(later).toHaveLength(1);
    expect(together).toEqual(alone);
  });
});
