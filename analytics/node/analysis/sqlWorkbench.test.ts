import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlResult } from '../../common/analysis.js';
import { Database } from '../store/database.js';
import { tempDir } from '../../../dev/testing/harness.js';
import { DbSavedQueries } from './savedQueries.js';
import { DEFAULT_SQL_LIMITS, SqlWorkbench } from './sqlWorkbench.js';

const tmp = tempDir();
let db: Database;
let wb: SqlWorkbench;
const NOW = Date.now();
const H = 3_600_000;

/** A populated database: alarms over the shift (a flood in one 10 minutes), acknowledgements, hazards, a silent feed, events, rollups. */
beforeAll(async () => {
  db = await Database.open(`${tmp.dir}/ready.duckdb`);
  const w = db.writer;
  // within one 10-minute bucket (aligned, so the flood is one period whatever the clock)
  const floodStart = Math.floor((NOW - 2 * H) / 600_000) * 600_000 + 1000;
  await w.run(`INSERT INTO alarm_log SELECT make_timestamptz(($start + i * 20000)::BIGINT * 1000), 'gas/420302/a' || (i % 3) || '#gas.lel', 'gas.lel',
    CASE WHEN i % 3 = 0 THEN 'critical' ELSE 'high' END, 'gas', '420302', 'a' || (i % 3), 'lel_pct', false, true, 30 FROM range(15) t(i)`, { start: floodStart });
  await w.run(`INSERT INTO asset_versions VALUES (make_timestamptz(($now - 48 * 3600000)::BIGINT * 1000), 'gas', '420302', 'a0', '调压站一号', 'regulator', 32.6, 110.8, '燃气公司', '市城管局', NULL, NULL, 'city.asset.gas.420302.a0', 1, now())`, { now: NOW });
  const op = (ts: number, id: string, action: Record<string, unknown>): string => `(make_timestamp(${ts * 1000}), '${id}', '${String(action['kind'])}', 'console-1', 'shift_leader', NULL, true, NULL,
    '${JSON.stringify({ id, ts, device: 'console-1', role: 'shift_leader', action })}', make_timestamp(${ts * 1000}))`;
  await w.run(`INSERT INTO ops_log VALUES
    ${op(NOW - H, 'ack0000001', { kind: 'alarm.ack', point: 'gas/420302/a0#gas.lel', raisedAtMs: NOW - 2 * H })},
    ${op(NOW - 30 * H, 'haz0000001', { kind: 'hazard.raise', hazard: 'HZ-1', grade: 'major', title: '燃气管线腐蚀', domain: 'gas', district: '420302', asset: 'a0', fromAlarm: null, responsible: { owner: null, supervisor: null, approver: null } })},
    ${op(NOW - 29 * H, 'dis0000001', { kind: 'hazard.dispatch', hazard: 'HZ-1', assignee: '燃气公司', deadlineMs: NOW - 5 * H })},
    ${op(NOW - 30 * H, 'haz0000002', { kind: 'hazard.raise', hazard: 'HZ-2', grade: 'general', title: '井盖缺失', domain: 'drainage', district: '420303', asset: null, fromAlarm: null, responsible: { owner: null, supervisor: null, approver: null } })},
    ${op(NOW - 29 * H, 'dis0000002', { kind: 'hazard.dispatch', hazard: 'HZ-2', assignee: '排水公司', deadlineMs: NOW - 5 * H })},
    ${op(NOW - 6 * H, 'ver0000002', { kind: 'hazard.verify', hazard: 'HZ-2', passed: true, note: '已整改' })}`);
  await w.run(`INSERT INTO feed_freshness VALUES
    ('telemetry', 'gas', '420302', make_timestamptz(($now - 600000)::BIGINT * 1000), make_timestamptz(($now - 600000)::BIGINT * 1000), 10000, 100),
    ('telemetry', 'water', '420302', make_timestamptz(($now - 5000)::BIGINT * 1000), make_timestamptz(($now - 5000)::BIGINT * 1000), 10000, 100)`, { now: NOW });
  await w.run(`INSERT INTO events SELECT make_timestamptz(($now - i * 3600000)::BIGINT * 1000), 'gas', '42030' || (2 + i % 2), 'ev' || i, 'leak', CASE WHEN i % 2 = 0 THEN 'red' ELSE 'orange' END,
    '燃气泄漏', NULL, 32.6, 110.8, NULL, 'city.event.gas', NULL, now() FROM range(6) t(i)`, { now: NOW });
  await w.run(`INSERT INTO rollup_1h SELECT make_timestamptz(((($now - i * 3600000) // 3600000) * 3600000)::BIGINT * 1000), 'gas', '420302', 'a0', 'lel_pct', 360, 3600, 5, 15, NULL, NULL, 2, NULL FROM range(5) t(i)`, { now: NOW });
  await w.run(`INSERT INTO risk_changes VALUES
    (make_timestamptz(($now - 5 * 3600000)::BIGINT * 1000), 'district/420302', 'yellow', 'orange', 'x'),
    (make_timestamptz(($now - 4 * 3600000)::BIGINT * 1000), 'district/420302', 'orange', 'red', 'x'),
    (make_timestamptz(($now - 3 * 3600000)::BIGINT * 1000), 'district/420303', 'blue', 'yellow', 'x'),
    (make_timestamptz(($now - 2 * 3600000)::BIGINT * 1000), 'gas/420302/a0', 'blue', 'red', 'not a district')`, { now: NOW });
  wb = new SqlWorkbench({
    source: 'live', connect: () => db.connectOwn(), limits: DEFAULT_SQL_LIMITS, nowSql: () => 'now()', allowParquetScan: false, timeZone: 'Asia/Shanghai',
    saved: new DbSavedQueries((fn) => fn(db.writer), (sql) => db.queryRows(sql)),
    // a table macro made on each of the console's connections, as the correlation's correlated_pairs is
    setup: () => Promise.resolve(['CREATE OR REPLACE TEMP MACRO alarms_of(asset_id, since_h := 24) AS TABLE SELECT * FROM alarm_log WHERE asset = asset_id AND ts >= now() - to_hours(since_h)']),
  });
});
afterAll(async () => {
  await wb?.close();
  db?.close();
  tmp.remove();
});

describe('the SQL console on a populated database: ready questions, macros, downloads', () => {
  it('each runs through the guard on a populated database and answers what it says', async () => {
    const { ready } = await wb.saved();
    expect(ready.map((q) => q.id)).toEqual(['alarm_kpis_shift', 'worst_assets', 'silent_feeds', 'hazards_overdue', 'readings_per_hour', 'red_events_by_district',
      'alarms_per_10min', 'chattering_top10', 'feed_silence', 'hazards_by_stage', 'district_risk_over_time']);
    const owner = {};
    const answers = new Map<string, SqlResult>();
    for (const q of ready) {
      expect(q.titleKey).toBe(`sql_ready_${q.id}`);
      answers.set(q.id, await wb.run(owner, { runId: q.id, sql: q.sql, maxRows: 1000 }));
    }
    const obj = (r: SqlResult | undefined, i = 0): Record<string, unknown> => Object.fromEntries((r?.columns ?? []).map((c, j) => [c.name, r?.rows[i]?.[j]]));
    // 15 raises within 5 minutes: one flood period of 10 minutes, 5 of them critical, one acknowledgement
    expect(obj(answers.get('alarm_kpis_shift'))).toMatchObject({ alarms_raised: 15, peak_10_min: 15, flood_periods: 1, alarm_points: 3, critical_raised: 5, acknowledged: 1 });
    const worst = answers.get('worst_assets');
    expect(worst?.rows).toHaveLength(3);
    expect(obj(worst)).toMatchObject({ asset: 'a0', name: '调压站一号', alarms_raised: 5 });
    expect(answers.get('silent_feeds')?.rows.map((r) => r[1])).toEqual(['gas']);
    const overdue = answers.get('hazards_overdue');
    expect(overdue?.rows).toHaveLength(1);
    expect(obj(overdue)).toMatchObject({ hazard: 'HZ-1', title: '燃气管线腐蚀', assignee: '燃气公司', hours_overdue: 5 });
    expect(answers.get('readings_per_hour')?.rows.length).toBeGreaterThanOrEqual(4);
    expect(answers.get('red_events_by_district')?.rows).toHaveLength(2);
    // the pictures: the flood's 15 raises in one or two 10-minute buckets per priority (5 critical, 10 high)
    const per10 = answers.get('alarms_per_10min')?.rows ?? [];
    expect(per10.filter((r) => r[1] === 'critical').reduce((n, r) => n + Number(r[2]), 0)).toBe(5);
    expect(per10.filter((r) => r[1] === 'high').reduce((n, r) => n + Number(r[2]), 0)).toBe(10);
    // each of the 3 points raised every 60 s: 4 of its 5 raises within 60 s of the previous
    expect(answers.get('chattering_top10')?.rows.map((r) => [r[1], r[2]])).toEqual([[4, 5], [4, 5], [4, 5]]);
    // one feed (gas/420302) over 24 hours: 24 cells, five hours with readings (360 good + 2 bad each), the rest silent
    const silence = answers.get('feed_silence')?.rows ?? [];
    expect(silence).toHaveLength(24);
    expect(silence.filter((r) => Number(r[2]) === 362)).toHaveLength(5);
    expect(new Set(silence.map((r) => r[1]))).toEqual(new Set(['gas/420302']));
    // HZ-1 dispatched and past its deadline, HZ-2 verified and closed
    expect(answers.get('hazards_by_stage')?.rows).toEqual([['closed', 'closed', 1], ['dispatched', 'overdue', 1]]);
    expect(answers.get('district_risk_over_time')?.rows.map((r) => [r[1], r[2]])).toEqual([['420302', 3], ['420302', 4], ['420303', 2]]);
  });

  it('offers the table macros made on its connections: listed with their parameters, callable, nothing else', async () => {
    const schema = await wb.schema();
    expect(schema.find((e) => e.name === 'alarms_of')).toMatchObject({ kind: 'macro', columns: [{ name: 'asset_id' }, { name: 'since_h' }] });
    expect(schema.find((e) => e.name === 'alarm_log')?.description).toContain('alarm transition');
    const r = await wb.run({}, { runId: 'm', sql: "SELECT count(*) FROM alarms_of('a0', since_h := 48)", maxRows: 10 });
    expect(r.rows).toEqual([[5]]);
    await expect(wb.run({}, { runId: 'm2', sql: "SELECT * FROM no_macro('a0')", maxRows: 10 })).rejects.toMatchObject({ code: 'not_offered' });
  });

  it('bounds the files waiting for download: their count, and their bytes (an export past them is stopped and leaves nothing)', async () => {
    const small = new SqlWorkbench({
      source: 'live', connect: () => db.connectOwn(), nowSql: () => 'now()', allowParquetScan: false, timeZone: 'UTC',
      limits: { ...DEFAULT_SQL_LIMITS, downloads: { maxFiles: 1, maxBytes: 200_000, ttlMs: 60_000 } },
      saved: new DbSavedQueries((fn) => fn(db.writer), (sql) => db.queryRows(sql)),
    });
    try {
      await expect(small.exportQuery({}, { runId: 'big', sql: 'SELECT range AS i, md5(range::VARCHAR) AS h FROM range(100000)', format: 'csv' }, 'analyst-1'))
        .rejects.toMatchObject({ code: 'too_large' });
      expect(readdirSync(small.downloads.dir)).toEqual([]);
      const one = await small.exportQuery({}, { runId: 'one', sql: 'SELECT 1 AS x', format: 'csv' }, 'analyst-1');
      expect(one.rows).toBe(1);
      await expect(small.exportQuery({}, { runId: 'two', sql: 'SELECT 2 AS x', format: 'csv' }, 'analyst-1')).rejects.toMatchObject({ code: 'busy' });
      expect(small.downloads.take(one.downloadId, 'analyst-2')).toBe('forbidden');
      const got = small.downloads.take(one.downloadId, 'analyst-1');
      expect(typeof got).toBe('object');
      if (typeof got === 'object') small.downloads.discard(got);
      expect(small.downloads.take(one.downloadId, 'analyst-1')).toBe('missing');
      // the place is free again
      expect((await small.exportQuery({}, { runId: 'three', sql: 'SELECT 3 AS x', format: 'parquet' }, 'analyst-1')).rows).toBe(1);
    } finally {
      await small.close();
    }
  });
});

describe('ingest first on the live engine', () => {
  it('holds a statement back while ingest is behind its stream, says so, runs it once ingest caught up; a cancel ends the wait', async () => {
    let lag = 60_000;
    const held = new SqlWorkbench({
      source: 'live', connect: () => db.connectOwn(), limits: { ...DEFAULT_SQL_LIMITS, yieldToIngestMs: 600_000, ingestBehindMs: 2_000 }, nowSql: () => 'now()',
      allowParquetScan: false, timeZone: 'Asia/Shanghai', saved: new DbSavedQueries((fn) => fn(db.writer), (sql) => db.queryRows(sql)), ingestLagMs: () => lag,
    });
    try {
      const progress: boolean[] = [];
      let done = false;
      const run = held.run({}, { runId: 'r1', sql: 'SELECT count(*) AS n FROM alarm_log', maxRows: 10 }, (p) => progress.push(p.waitingForIngest === true)).then((r) => {
        done = true;
        return r;
      });
      await waitUntil(() => progress.filter(Boolean).length >= 3);
      expect(done).toBe(false);
      // ingest caught up: the statement runs
      lag = 1_999;
      const r = await run;
      expect(r.rows).toEqual([[15]]);

      // a cancel while it waits ends the wait, and nothing ran
      lag = 60_000;
      const owner = {};
      const waiting: boolean[] = [];
      const cancelled = held.run(owner, { runId: 'r2', sql: 'SELECT 1', maxRows: 10 }, (p) => waiting.push(p.waitingForIngest === true));
      await waitUntil(() => waiting.length > 0);
      expect(held.cancel(owner, 'r2')).toBe(true);
      await expect(cancelled).rejects.toThrow('cancelled');
      expect(held.running).toBe(0);
    } finally {
      await held.close();
    }
  });

  it('waits at most yieldToIngestMs, then runs whatever the lag; never waits without a lag to read (a bundle)', async () => {
    const impatient = new SqlWorkbench({
      source: 'live', connect: () => db.connectOwn(), limits: { ...DEFAULT_SQL_LIMITS, yieldToIngestMs: 300, ingestBehindMs: 2_000 }, nowSql: () => 'now()',
      allowParquetScan: false, timeZone: 'Asia/Shanghai', saved: new DbSavedQueries((fn) => fn(db.writer), (sql) => db.queryRows(sql)), ingestLagMs: () => 3_600_000,
    });
    try {
      const waits: boolean[] = [];
      const r = await impatient.run({}, { runId: 'r3', sql: 'SELECT 42 AS x', maxRows: 10 }, (p) => waits.push(p.waitingForIngest === true));
      expect(r.rows).toEqual([[42]]);
      expect(waits.some(Boolean)).toBe(true);
    } finally {
      await impatient.close();
    }
    const seen: boolean[] = [];
    expect((await wb.run({}, { runId: 'r4', sql: 'SELECT 7 AS x', maxRows: 10 }, (p) => seen.push(p.waitingForIngest === true))).rows).toEqual([[7]]);
    expect(seen.some(Boolean)).toBe(false);
  });
});

async function waitUntil(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((r) => setTimeout(r, 20));
}
