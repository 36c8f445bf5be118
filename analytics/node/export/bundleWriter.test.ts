import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_TABLES, type BundleManifest } from '../../common/bundle.js';
import { Database } from '../store/database.js';
import { tempDir } from '../../../dev/testing/harness.js';
import { writeBundle, type WriteBundleOptions } from './bundleWriter.js';
import { verifyBundle } from './verifyBundle.js';

const tmp = tempDir('cityops-export-');
let db: Database;
const T0 = Date.parse('2026-11-20T00:00:00Z');
const HOUR = 3_600_000;

beforeAll(async () => {
  db = await Database.open(join(tmp.dir, 'city.duckdb'));
  const w = db.writer;
  // readings of two series before, inside and after the window [T0, T0 + 2 h]
  await w.run(`INSERT INTO readings SELECT make_timestamptz(($t0 + i * 600000)::BIGINT * 1000), CASE WHEN (i + 6) % 2 = 0 THEN 'gas' ELSE 'water' END, '420302',
    'a' || ((i + 6) % 2), 'lel_pct', i, '%LEL', 'good', 'r' || i, i + 6, now(), 1 FROM range(-6, 18) t(i)`, { t0: T0 });
  await w.run(`INSERT INTO events VALUES (make_timestamptz(${(T0 + HOUR) * 1000}), 'gas', '420302', 'e1', 'leak', 'red', '燃气泄漏 茅箭区', 'a0', 32.6, 110.8, '现场有异味，已疏散', 'city.event.gas.420302', 7, now())`);
  await w.run(`INSERT INTO alarm_log VALUES (make_timestamptz(${(T0 - HOUR) * 1000}), 'gas/420302/a0#r1', 'r1', 'high', 'gas', '420302', 'a0', 'lel_pct', false, true, 30),
    (make_timestamptz(${(T0 - 2 * HOUR) * 1000}), 'gas/420302/a0#r1', 'r1', 'high', 'gas', '420302', 'a0', 'lel_pct', false, false, 10)`);
  await w.run(`INSERT INTO risk_changes VALUES (make_timestamptz(${(T0 - HOUR) * 1000}), 'gas/420302/a0', 'blue', 'yellow', 'alarm'),
    (make_timestamptz(${(T0 - HOUR) * 1000}), 'district/420302', 'blue', 'yellow', 'worst asset gas/420302/a0')`);
  await w.run(`INSERT INTO inspections VALUES (make_timestamptz(${(T0 - 24 * HOUR) * 1000}), 'gas', '420302', 'i1', 'a0', '阀门', 'fail', 'major', '锈蚀', '张三', 'city.inspection.gas.420302', 3, now())`);
  await w.run(`INSERT INTO consumer_position VALUES ('CITY', 'test', 4242, now())`);
});
afterAll(() => {
  db.close();
  tmp.remove();
});

function options(out: string, over: Partial<WriteBundleOptions> = {}): WriteBundleOptions {
  return {
    out, window: { fromMs: T0, toMs: T0 + 2 * HOUR, domains: [], districts: [] }, csv: false, force: false, timeZone: 'Asia/Shanghai',
    engine: { id: 'test', db: db.path, source: 'file' }, alarmRules: [], wallConfigs: {}, ...over,
  };
}

const exportTo = (out: string, over: Partial<WriteBundleOptions> = {}) => db.readers.run((c) => writeBundle(c, options(out, over)));

describe('an export bundle', () => {
  it('holds one Parquet file per table, the state at the start, a manifest that verifies, and _SUCCESS last', async () => {
    const out = join(tmp.dir, 'b1');
    const { manifest } = await exportTo(out);
    expect(readdirSync(out).sort()).toEqual([...BUNDLE_TABLES.map((t) => `${t}.parquet`), 'manifest.json', '_SUCCESS'].sort());
    const rows = Object.fromEntries(manifest.files.map((f) => [f.table, f.rows]));
    expect(rows['readings']).toBe(13); // i = 0..12: T0 to T0 + 2 h inclusive
    expect(rows['events']).toBe(1);
    expect(rows['initial_readings']).toBe(2); // the latest of each series before T0
    expect(rows['initial_alarm_log']).toBe(1);
    expect(rows['initial_risk']).toBe(2);
    expect(rows['initial_inspections']).toBe(1);
    expect(manifest.engine.streamPosition).toBe(4242);
    expect(manifest.empty).toBe(false);
    const readings = manifest.files.find((f) => f.path === 'readings.parquet');
    expect(readings).toMatchObject({ minTime: new Date(T0).toISOString(), maxTime: new Date(T0 + 2 * HOUR).toISOString(), timeColumn: 'ts' });
    expect(readings?.columns.slice(0, 2)).toEqual([{ name: 'ts', type: 'TIMESTAMP WITH TIME ZONE' }, { name: 'domain', type: 'VARCHAR' }]);
    // the initial state: the latest before from, per series
    const init = await db.queryRows(`SELECT asset, epoch_ms(ts)::DOUBLE AS ts FROM read_parquet('${out}/initial_readings.parquet') ORDER BY asset`);
    expect(init).toEqual([{ asset: 'a0', ts: T0 - 2 * 600_000 }, { asset: 'a1', ts: T0 - 600_000 }]);
    // the state at the start has the live tables' columns and types, as a replay expects
    const cols = (t: string) => manifest.files.find((f) => f.table === t)?.columns;
    expect(cols('initial_readings')).toEqual(cols('readings'));
    expect(cols('initial_alarm_log')).toEqual(cols('alarm_log'));
    expect(cols('initial_risk')).toEqual(cols('risk_changes'));
    expect(cols('initial_inspections')).toEqual(cols('inspections'));
    const v = await verifyBundle(out);
    expect(v.ok).toBe(true);
  });

  it('an empty window is a valid bundle that says it is empty', async () => {
    const out = join(tmp.dir, 'empty');
    const { manifest } = await exportTo(out, { window: { fromMs: T0 + 100 * HOUR, toMs: T0 + 101 * HOUR, domains: [], districts: [] } });
    expect(manifest.empty).toBe(true);
    expect(manifest.notes.join(' ')).toMatch(/empty/);
    expect(manifest.files.find((f) => f.table === 'readings')).toMatchObject({ rows: 0, minTime: null, maxTime: null });
    expect((await verifyBundle(out)).ok).toBe(true);
  });

  it('filters by domain and district, risk keys by their parts, and says which tables it could not filter', async () => {
    const out = join(tmp.dir, 'gas');
    const { manifest } = await exportTo(out, { window: { fromMs: T0, toMs: T0 + 2 * HOUR, domains: ['gas'], districts: ['420302'] } });
    const rows = Object.fromEntries(manifest.files.map((f) => [f.table, f.rows]));
    expect(rows['readings']).toBe(7); // even i of 0..12
    expect(rows['initial_risk']).toBe(2); // the gas asset and its district
    expect(manifest.notes.join('\n')).toMatch(/ops_log .* unfiltered/);
    const none = await exportTo(join(tmp.dir, 'other'), { window: { fromMs: T0, toMs: T0 + 2 * HOUR, domains: ['water'], districts: ['420303'] } });
    expect(none.manifest.files.find((f) => f.table === 'readings')?.rows).toBe(0);
    expect(none.manifest.files.find((f) => f.table === 'initial_risk')?.rows).toBe(0);
  });

  it('refuses a non-empty folder unless forced, and a forced export never removes files that are not a bundle\'s', async () => {
    const out = join(tmp.dir, 'again');
    await exportTo(out);
    await expect(exportTo(out)).rejects.toThrow(/not empty .*--force/);
    await exportTo(out, { force: true });
    expect((await verifyBundle(out)).ok).toBe(true);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    await expect(exportTo(out, { force: true })).rejects.toThrow(/notes\.txt/);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
  });

  it('verification refuses a changed byte, a missing file and an extra file, naming each', async () => {
    const out = join(tmp.dir, 'tamper');
    await exportTo(out);
    const events = join(out, 'events.parquet');
    const bytes = readFileSync(events);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    writeFileSync(events, bytes);
    let v = await verifyBundle(out);
    expect(v).toEqual({ ok: false, problems: ['events.parquet: SHA-256 differs from the manifest (the file was changed)'] });
    appendFileSync(events, 'x');
    v = await verifyBundle(out);
    expect(v.ok ? [] : v.problems).toEqual([expect.stringMatching(/^events\.parquet: \d+ bytes, the manifest says \d+/)]);
    writeFileSync(events, bytes.map((b, i) => (i === 100 ? b ^ 0xff : b)));
    expect((await verifyBundle(out)).ok).toBe(true);
    rmSync(join(out, 'alarm_log.parquet'));
    writeFileSync(join(out, 'readings_extra.parquet'), 'PAR1');
    v = await verifyBundle(out);
    expect(v.ok ? [] : v.problems).toEqual(['alarm_log.parquet: missing', 'readings_extra.parquet: not in the manifest (an extra file)']);
  });

  it('an unfinished bundle (no _SUCCESS, no manifest) and a hostile manifest are refused', async () => {
    const out = join(tmp.dir, 'hostile');
    const { manifest } = await exportTo(out);
    rmSync(join(out, '_SUCCESS'));
    expect(await verifyBundle(out)).toEqual({ ok: false, problems: ['_SUCCESS: missing, the export did not finish'] });
    writeFileSync(join(out, '_SUCCESS'), '');
    const evil: BundleManifest = { ...manifest, files: [{ ...(manifest.files[0] as BundleManifest['files'][number]), path: '../../etc/passwd.parquet' }] };
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(evil));
    const v = await verifyBundle(out);
    expect(v.ok ? [] : v.problems).toEqual([expect.stringMatching(/^manifest\.json: does not follow the bundle format \(files\.0\.path/)]);
    writeFileSync(join(out, 'manifest.json'), JSON.stringify({ ...manifest, formatVersion: 99 }));
    expect(await verifyBundle(out)).toEqual({ ok: false, problems: ['manifest.json: bundle format version 99, this version reads 1'] });
    rmSync(join(out, 'manifest.json'));
    expect((await verifyBundle(out)).ok).toBe(false);
  });

  it('CSV for Excel: a byte-order mark, Chinese text that decodes, ISO 8601 times with their offset', async () => {
    const out = join(tmp.dir, 'csv');
    const { manifest } = await exportTo(out, { csv: true });
    expect(manifest.timeZone).toBe('Asia/Shanghai');
    expect(manifest.files.filter((f) => f.format === 'csv').length).toBe(BUNDLE_TABLES.length);
    const raw = readFileSync(join(out, 'events.csv'));
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(3));
    const [header, row] = text.split('\n');
    expect(header?.startsWith('ts,domain,district,msg_id')).toBe(true);
    expect(row).toContain('燃气泄漏 茅箭区');
    expect(row).toContain('现场有异味，已疏散');
    expect(row?.startsWith('2026-11-20T09:00:00+08:00,gas,420302,e1')).toBe(true);
    expect(readFileSync(join(out, 'readings.csv')).subarray(0, 3).toString('hex')).toBe('efbbbf');
    // an empty table is its header
    const empty = await exportTo(join(tmp.dir, 'csv-empty'), { csv: true, window: { fromMs: T0 + 100 * HOUR, toMs: T0 + 101 * HOUR, domains: [], districts: [] } });
    expect(empty.manifest.files.find((f) => f.path === 'readings.csv')?.rows).toBe(0);
    expect(readFileSync(join(tmp.dir, 'csv-empty', 'readings.csv'), 'utf8')).toMatch(/^\uFEFFts,domain,/);
    expect((await verifyBundle(out)).ok).toBe(true);
    // the reader connection is back in its own zone
    expect((await db.queryRows(`SELECT current_setting('TimeZone') AS z`))[0]?.['z']).not.toBe('Asia/Shanghai');
  });

  it('a failure mid-export leaves no manifest, no _SUCCESS and no data files', async () => {
    const out = join(tmp.dir, 'fail');
    // an unknown zone fails at the start; a read-only target folder fails at the first COPY
    await expect(exportTo(out, { csv: true, timeZone: 'Mars/Olympus' })).rejects.toThrow(/unknown time zone/);
    expect(readdirSync(out)).toEqual([]);
    const w = { fromMs: T0, toMs: T0 + 2 * HOUR, domains: [], districts: [] };
    await expect(exportTo(out, { window: { ...w, districts: ["1'; DROP TABLE readings; --"] } })).rejects.toThrow(/6-digit/);
    await expect(exportTo(out, { window: { ...w, fromMs: T0 + 3 * HOUR } })).rejects.toThrow(/from before to/);
  });
});
