import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_TABLES, type BundleManifest } from '../../common/bundle.js';
import type { Engine } from '../engine.js';
import { packageRoot } from '../paths.js';
import { Database } from '../store/database.js';
import { AccessTokens } from '../server/access.js';
import { DEFAULT_SERVER, startServer } from '../server/httpServer.js';
import { engineSuite } from '../../../dev/testing/engineSuite.js';
import { waitFor } from '../../../dev/testing/harness.js';
import { AckedPublisher, type PublishedMessage } from '../../../dev/testing/jsPublisher.js';
import { bundleTableSpecs } from './bundleTables.js';
import { EngineRefusal, exportThroughEngine } from './engineExportClient.js';
import { verifyBundle } from './verifyBundle.js';

const suite = engineSuite();
const D = '420302';
const ANALYST = 'analyst-token-0123456789abcdef';
const WALL = 'wall-token-0123456789abcdef0123';
const LEADER = 'leader-token-0123456789abcdef01';
const MIN = 60_000;

function reading(domain: string, asset: string, metric: string, value: number, tsMs: number, id: string, district = D): PublishedMessage {
  return { subject: `city.telemetry.${domain}.${district}.${asset}`, body: JSON.stringify({ id, ts: tsMs, metric, value }), msgId: id };
}

/** A small city with history before the window and life inside it: readings, an alarm and its acknowledgement, an event, a failed inspection, a quarantined message. */
async function fillCity(e: Engine, fromMs: number): Promise<number> {
  const msgs: PublishedMessage[] = [];
  for (const a of ['g1', 'g2']) {
    msgs.push({ subject: `city.asset.gas.${D}.${a}`, body: JSON.stringify({ id: a, ts: fromMs - 60 * MIN, name: `调压站 ${a}`, kind: 'regulator', lat: 32.6, lon: 110.8, owner: '十堰燃气公司', supervisor: '市城管局' }), msgId: `asset-${a}` });
  }
  msgs.push({ subject: `city.asset.water.${D}.w1`, body: JSON.stringify({ id: 'w1', ts: fromMs - 60 * MIN, name: '人民北路 消火栓', kind: 'hydrant', lat: 32.6, lon: 110.8, owner: '十堰市水务集团', supervisor: '市城管局' }), msgId: 'asset-w1' });
  // before the window: g1 raises its level-2 alarm; g2 and w1 report
  msgs.push(reading('gas', 'g1', 'lel_pct', 62, fromMs - 30 * MIN, 'pre-g1'), reading('gas', 'g2', 'lel_pct', 3, fromMs - 20 * MIN, 'pre-g2'), reading('water', 'w1', 'pressure_mpa', 0.31, fromMs - 10 * MIN, 'pre-w1'));
  let n = 3;
  for (let i = 0; i < 40; i++) {
    msgs.push(reading('gas', 'g2', 'lel_pct', 2 + (i % 5), fromMs + i * MIN, `in-g2-${i}`), reading('water', 'w1', 'pressure_mpa', 0.3 + i / 1000, fromMs + i * MIN + 500, `in-w1-${i}`));
    n += 2;
  }
  msgs.push({ subject: `city.event.gas.${D}`, body: JSON.stringify({ id: 'ev-1', ts: fromMs + 5 * MIN, type: 'citizen_report', severity: 'orange', title: '市民报告 燃气异味', asset: 'g2', detail: '人民北路口' }), msgId: 'ev-1' });
  msgs.push({ subject: `city.inspection.gas.${D}`, body: JSON.stringify({ id: 'in-1', ts: fromMs - 24 * 60 * MIN, asset: 'g2', item: '阀门井', result: 'fail', level: 'general', note: '积水', inspector: '李四' }), msgId: 'in-1' });
  msgs.push({ subject: `city.telemetry.gas.${D}.g2`, body: '{"id": "bad", "ts": "not a time", "metric": "lel_pct", "value": 1}', msgId: 'bad-1' });
  await new AckedPublisher(suite.nc).publishAll(msgs);
  await waitFor(() => e.health().ingest.received >= n + 6 && e.health().ingest.quarantined >= 1, 'the city ingested');
  const point = `gas/${D}/g1#gas.lel.level2`;
  await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 100 }).find((a) => a.point === point), 'the alarm');
  await e.controlRoom.submit({ kind: 'alarm.ack', point, raisedAtMs: fromMs - 30 * MIN }, 'console-1', 'shift_leader');
  await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 100 }).find((a) => a.point === point && a.state === 'ack'), 'acknowledged');
  // the register is assessed when asked: its colour changes are then kept
  await e.query('risks', {});
  await waitFor(async () => Number((await e.db.queryRows('SELECT count(*)::INTEGER AS n FROM risk_changes'))[0]?.['n']) > 0, 'risk changes kept');
  await e.rollUp();
  return n;
}

describe('export through a live engine', () => {
  it('round trip: every table of the bundle holds exactly the live database\'s rows of the window; ingest goes on meanwhile', async () => {
    const e = await suite.engineOn(suite.config({}, 'export'));
    const tokens = new AccessTokens();
    tokens.add(ANALYST, 'analyst', 'analyst-1');
    tokens.add(WALL, 'wall', 'wall-1');
    tokens.add(LEADER, 'shift_leader', 'console-1');
    const audit: string[] = [];
    const server = await startServer(e, { ...DEFAULT_SERVER, port: 0, tokens, audit: (l) => audit.push(l) });
    try {
      const fromMs = Date.now() - 60 * MIN;
      await fillCity(e, fromMs);
      const toMs = Date.now();
      const out = join(suite.dir, 'bundle-live');
      const args = { fromMs, toMs, out, csv: true };

      // readings after the window keep arriving while the engine exports (in another district: the
      // rollup buckets overlapping the window's end are exported whole, and these must not change them)
      const before = e.health().ingest.stored;
      const LATE = '420303';
      const late = Array.from({ length: 3000 }, (_, i) => reading('water', 'w9', 'pressure_mpa', 0.4, toMs + 1000 + i, `late-${i}`, LATE));
      const progress: string[] = [];
      const [summary] = await Promise.all([
        exportThroughEngine(server.url, ANALYST, args, (p) => progress.push(p.table)),
        new AckedPublisher(suite.nc).publishAll(late),
      ]);
      await waitFor(() => e.health().ingest.stored >= before + 3000, 'ingest went on');
      expect(summary).toMatchObject({ out, empty: false, files: BUNDLE_TABLES.length * 2 });
      expect(progress).toContain('readings');
      expect(audit.some((l) => l.includes(`to ${out}`))).toBe(true);

      const v = await verifyBundle(out);
      if (!v.ok) throw new Error(v.problems.join('\n'));
      const manifest: BundleManifest = v.manifest;
      expect(manifest.engine.source).toBe('engine');
      expect(manifest.engine.streamPosition).toBeGreaterThan(0);
      expect(manifest.alarmRules.length).toBeGreaterThan(0);
      const rows = Object.fromEntries(manifest.files.filter((f) => f.format === 'parquet').map((f) => [f.table, f.rows]));
      expect(rows).toMatchObject({ readings: 80, events: 1, quarantine: 1, ops_log: 1, initial_readings: 3, initial_alarm_log: 2, initial_inspections: 1, asset_versions: 3 });
      expect(rows['rollup_1m']).toBeGreaterThan(0);
      expect(rows['risk_changes']).toBeGreaterThan(0); // risk colours change at the engine's clock: inside the window here

      // the same SQL on the live database and on the files: row for row, both ways, and the aggregates
      const specs = bundleTableSpecs({ fromMs, toMs, domains: [], districts: [] });
      for (const spec of specs) {
        const file = join(out, `${spec.table}.parquet`);
        const hasDistrict = manifest.files.find((f) => f.path === `${spec.table}.parquet`)?.columns.some((c) => c.name === 'district');
        const s = { ...spec, sql: hasDistrict ? `SELECT * FROM (${spec.sql}) WHERE district <> '${LATE}'` : spec.sql };
        const parquet = `SELECT * FROM read_parquet('${file}')${hasDistrict ? ` WHERE district <> '${LATE}'` : ''}`;
        if (s.table === 'feed_freshness') {
          // saved every few seconds by the running engine: the same feeds, not the same instant
          const live = await e.db.queryRows(`SELECT kind, domain, district FROM (${s.sql}) ORDER BY ALL`);
          expect(await e.db.queryRows(`SELECT kind, domain, district FROM (${parquet}) ORDER BY ALL`)).toEqual(live);
          continue;
        }
        const diff = await e.db.queryRows(`SELECT (SELECT count(*) FROM ((${s.sql}) EXCEPT ALL ${parquet}))::INTEGER AS missing,
          (SELECT count(*) FROM (${parquet} EXCEPT ALL (${s.sql})))::INTEGER AS extra,
          (SELECT count(*) FROM (${s.sql}))::INTEGER AS live`);
        expect({ table: s.table, ...diff[0] }).toEqual({ table: s.table, missing: 0, extra: 0, live: rows[s.table] });
      }
      const agg = `SELECT domain, count(*)::INTEGER AS n, round(sum(value), 6) AS total, epoch_ms(min(ts))::DOUBLE AS first, epoch_ms(max(ts))::DOUBLE AS last FROM`;
      const live = await e.db.queryRows(`${agg} readings WHERE ts BETWEEN make_timestamptz(${fromMs * 1000}) AND make_timestamptz(${toMs * 1000}) GROUP BY domain ORDER BY domain`);
      expect(await e.db.queryRows(`${agg} read_parquet('${join(out, 'readings.parquet')}') GROUP BY domain ORDER BY domain`)).toEqual(live);
      expect(live.map((r) => r['n'])).toEqual([40, 40]);
      // the operator's acknowledgement comes with its device and role
      expect(await e.db.queryRows(`SELECT kind, device, role FROM read_parquet('${join(out, 'ops_log.parquet')}')`)).toEqual([{ kind: 'alarm.ack', device: 'console-1', role: 'shift_leader' }]);
      // the CSV decodes as UTF-8 after its byte-order mark and says the Chinese title
      const csv = readFileSync(join(out, 'events.csv'));
      expect(csv.subarray(0, 3).toString('hex')).toBe('efbbbf');
      expect(new TextDecoder('utf-8', { fatal: true }).decode(csv)).toContain('市民报告 燃气异味');
    } finally {
      await server.close();
    }
  });

  it('only analysts, shift leaders and administrators export; a bad folder or window is a bad request; one export at a time', async () => {
    const e = await suite.engineOn(suite.config({}, 'refusals'));
    const tokens = new AccessTokens();
    tokens.add(ANALYST, 'analyst', 'analyst-1');
    tokens.add(WALL, 'wall', 'wall-1');
    tokens.add(LEADER, 'shift_leader', 'console-1');
    const server = await startServer(e, { ...DEFAULT_SERVER, port: 0, tokens, audit: () => undefined });
    try {
      const toMs = Date.now();
      const ok = { fromMs: toMs - MIN, toMs, out: join(suite.dir, 'refusals-ok') };
      const refusal = (token: string, args: Record<string, unknown>) => exportThroughEngine(server.url, token, { ...ok, ...args }).then(() => null, (x: unknown) => (x instanceof EngineRefusal ? x.code : String(x)));
      expect(await refusal(WALL, {})).toBe('forbidden');
      expect(await refusal(ANALYST, { out: 'relative/bundle' })).toBe('bad_request');
      expect(await refusal(ANALYST, { out: `${suite.dir}/../../etc/x` })).toBe('bad_request');
      expect(await refusal(ANALYST, { out: join(packageRoot(), 'renderer', 'dist', 'b') })).toBe('bad_request');
      expect(await refusal(ANALYST, { fromMs: toMs, toMs: toMs - 1 })).toBe('bad_request');
      expect(await refusal(ANALYST, { fromMs: toMs - 90 * 86_400_000, toMs: toMs - 60 * 86_400_000 })).toBe('bad_request');
      expect(await refusal(ANALYST, { domains: ['moon'] })).toBe('bad_request');
      expect(await refusal(ANALYST, { districts: ["4203'--"] })).toBe('bad_request');
      expect(await refusal(ANALYST, { fromMs: 1e300 })).toBe('bad_request');
      expect(await refusal(ANALYST, { fromMs: null })).toBe('bad_request');
      expect(await refusal(ANALYST, { out: `${suite.dir}/a\u0000b` })).toBe('bad_request');
      // the widest window the contract allows is a window like any other
      expect(await refusal(ANALYST, { fromMs: -8.64e15, toMs: 8.64e15, out: join(suite.dir, 'widest') })).toBe(null);
      expect(await refusal(LEADER, {})).toBe(null);
      expect(await refusal(ANALYST, {})).toBe('bad_request'); // the folder now holds a bundle
      expect(await refusal(ANALYST, { force: true })).toBe(null);
      // a second export while one runs is refused busy
      const a = e.exportBundle({ ...ok, out: join(suite.dir, 'busy-a'), domains: [], districts: [], csv: false, force: false });
      const b = e.exportBundle({ ...ok, out: join(suite.dir, 'busy-b'), domains: [], districts: [], csv: false, force: false });
      await expect(b).rejects.toThrow(/already running/);
      await a;
      expect((await verifyBundle(join(suite.dir, 'busy-a'))).ok).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('an export whose client leaves stops, leaves nothing that looks complete, and the engine takes the next one', async () => {
    const cfg = suite.config({}, 'leave');
    const now = Date.now();
    const db = await Database.open(cfg.db);
    await db.writer.run(`INSERT INTO readings SELECT make_timestamptz(($t - (i % 3000000))::BIGINT * 1000), 'water', '420302', 'w' || (i % 500), 'pressure_mpa',
      hash(i) % 1000 / 100.0, 'MPa', 'good', 'r' || i, NULL, now(), 1 FROM range(2000000) t(i)`, { t: now });
    db.close();
    const e = await suite.engineOn(cfg);
    const tokens = new AccessTokens();
    tokens.add(ANALYST, 'analyst', 'analyst-1');
    const server = await startServer(e, { ...DEFAULT_SERVER, port: 0, tokens, audit: () => undefined });
    try {
      const out = join(suite.dir, 'left');
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/ws`, { headers: { Authorization: `Bearer ${ANALYST}` } });
      await new Promise<void>((resolve, reject) => {
        ws.on('message', (d) => {
          const m = JSON.parse(d.toString()) as { t: string; id?: number };
          if (m.t === 'hello') {
            ws.send(JSON.stringify({ t: 'subscribe', id: 1, topic: 'export' }));
            ws.send(JSON.stringify({ t: 'command', id: 2, name: 'export', args: { fromMs: now - 3_600_000, toMs: now, out, csv: true } }));
          } else if (m.t === 'push' && m.id === 1) {
            ws.terminate(); // the client leaves while the readings are being written
            resolve();
          } else if (m.t === 'result' && m.id === 2) {
            reject(new Error(`the export answered before the client could leave: ${d.toString().slice(0, 200)}`));
          }
        });
        ws.on('error', reject);
      });
      // the engine takes the next export once the first has stopped
      const next = await waitFor(() => e.exportBundle({ fromMs: now - 60_000, toMs: now, domains: [], districts: [], out: join(suite.dir, 'after-left'), csv: false, force: false })
        .catch((x: unknown) => { if (x instanceof Error && /already running/.test(x.message)) return null; throw x; }), 'the export stopped');
      expect(next.rows).toBeGreaterThan(0);
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);
      expect(existsSync(join(out, '_SUCCESS'))).toBe(false);
      expect(readdirSync(out)).toEqual([]);
      expect(e.health().server.handlerErrors).toBe(0);
    } finally {
      await server.close();
    }
  });
});
