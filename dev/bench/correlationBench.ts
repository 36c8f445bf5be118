import { join } from 'node:path';
import { DOMAINS } from '../../analytics/common/city.js';
import { correlate, CorrelationPointsCache } from '../../analytics/node/analysis/correlation.js';
import { DEFAULT_RADIUS_M, DEFAULT_WINDOW_S } from '../../analytics/node/analysis/correlationSql.js';
import { Database } from '../../analytics/node/store/database.js';
import { tempDir } from '../testing/harness.js';
import { percentile, round } from './stats.js';

const DAY_MS = 86_400_000;
/** The centre of Shiyan's urban area (茅箭区 / 张湾区). */
const CENTRE = { lat: 32.62, lon: 110.78 };
/** The share of places in the urban core (within 5 km of the centre); the rest within 15 km. */
const CORE_SHARE = Number(process.env['BENCH_CORRELATION_CORE'] ?? 0.2);

/**
 * A week of the city in a real DuckDB file: `assets` registry records (60 % in the urban core within
 * 5 km of the centre, the rest within 15 km: the city ~30 km across, every domain), `events` events
 * (half with their own lat/lon, half placed by their asset's registry record), `alarms` alarm raises
 * on assets (each with its clear, which the correlation leaves out). Deterministic (setseed).
 */
export async function fillCorrelationCity(file: string, o: { events: number; alarms: number; assets: number; fromMs: number; toMs: number }): Promise<void> {
  const db = await Database.open(file);
  try {
    const w = db.writer;
    const domains = `[${DOMAINS.map((d) => `'${d}'`).join(', ')}]`;
    // a point r metres (uniform over a disc of radius 5 or 15 km) from the centre
    const place = (u: string, v: string, k: string): string => `
      ${CENTRE.lat} + (CASE WHEN ${k} < ${CORE_SHARE} THEN 5000 ELSE 15000 END) * sqrt(${u}) * cos(2 * pi() * ${v}) / 111195.0 AS lat,
      ${CENTRE.lon} + (CASE WHEN ${k} < ${CORE_SHARE} THEN 5000 ELSE 15000 END) * sqrt(${u}) * sin(2 * pi() * ${v}) / (111195.0 * cos(radians(${CENTRE.lat}))) AS lon`;
    await w.run('SELECT setseed(0.613)');
    await w.run(`CREATE TEMP TABLE bench_assets AS SELECT i, ${domains}[1 + i % ${DOMAINS.length}] AS domain, '42030' || (2 + i % 3) AS district,
      'a' || lpad(i::VARCHAR, 6, '0') AS asset, ${place('random()', 'random()', 'random()')} FROM range(${o.assets}) t(i)`);
    await w.run(`INSERT INTO asset_versions SELECT make_timestamptz(${(o.fromMs - DAY_MS) * 1000}::BIGINT), domain, district, asset, asset, 'kind', lat, lon,
      'owner', 'supervisor', NULL, NULL, 'city.asset.' || domain || '.' || district || '.' || asset, NULL, now() FROM bench_assets`);
    const span = o.toMs - o.fromMs;
    await w.run(`INSERT INTO events
      SELECT make_timestamptz((${o.fromMs} + floor(random() * ${span}))::BIGINT * 1000), a.domain, a.district, 'ev' || e.i, 'report', 'blue', '巡查发现', a.asset,
             CASE WHEN e.own THEN e.lat END, CASE WHEN e.own THEN e.lon END, NULL, 'city.event.' || a.domain || '.' || a.district, e.i, now()
      FROM (SELECT i, random() < 0.5 AS own, CAST(floor(random() * ${o.assets}) AS BIGINT) AS k, ${place('random()', 'random()', 'random()')} FROM range(${o.events}) t(i)) e
      JOIN bench_assets a ON a.i = e.k`);
    await w.run(`INSERT INTO alarm_log
      SELECT make_timestamptz((x.t + CASE WHEN c.active THEN 0 ELSE 600000 END)::BIGINT * 1000), a.domain || '/' || a.district || '/' || a.asset || '#' || a.domain || '.rule',
             a.domain || '.rule', 'high', a.domain, a.district, a.asset, 'metric', false, c.active, 1
      FROM (SELECT i, CAST(floor(random() * ${o.assets}) AS BIGINT) AS k, ${o.fromMs} + floor(random() * ${span}) AS t FROM range(${o.alarms}) t(i)) x
      JOIN bench_assets a ON a.i = x.k CROSS JOIN (VALUES (true), (false)) c(active)`);
    await w.run('CHECKPOINT');
  } finally {
    db.close();
  }
}

/**
 * The correlation over a week at the defaults (R 200 m, Δt 2 h) of `events` events and `alarms`
 * alarms, `runs` times after 3 warm-ups, on a database opened as the engine opens it (1 DuckDB
 * thread and a 1 GB memory limit by default: CITYOPS_DUCKDB_THREADS, as the engine reads it).
 */
export async function correlationBench(events: number, alarms: number, runs: number): Promise<Record<string, unknown>> {
  const tmp = tempDir('cityops-bench-correlation-');
  const toMs = Date.UTC(2026, 10, 20);
  const fromMs = toMs - 7 * DAY_MS;
  try {
    const file = join(tmp.dir, 'city.duckdb');
    const t0 = performance.now();
    await fillCorrelationCity(file, { events, alarms, assets: 5_000, fromMs, toMs });
    const fillS = (performance.now() - t0) / 1000;
    const threads = Number(process.env['CITYOPS_DUCKDB_THREADS'] ?? 1);
    const db = await Database.open(file, { threads, memoryLimit: process.env['CITYOPS_DUCKDB_MEMORY'] ?? '1GB' });
    try {
      const params = { fromMs, toMs, radiusM: DEFAULT_RADIUS_M, windowS: DEFAULT_WINDOW_S, minDomains: 2, limit: 50 };
      for (let i = 0; i < 3; i++) await correlate(db, params, toMs);
      const times: number[] = [];
      let last = await correlate(db, params, toMs);
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        last = await correlate(db, params, toMs);
        times.push(performance.now() - t);
      }
      // every pair and every cluster, not only the 50 returned
      const all = await correlate(db, { ...params, limit: 1_000_000 }, toMs);
      const pairs = all.clusters.reduce((n, c) => n + c.pairs, 0);
      const expected = all.clusters.reduce((n, c) => n + c.expectedPairs, 0);
      // as over an opened bundle (2 DuckDB threads, the points placed once and kept): the first correlation, then the analyst
      // moving R, Δt and the window
      const bundle = await Database.open(file, { threads: 2, memoryLimit: process.env['CITYOPS_DUCKDB_MEMORY'] ?? '1GB' });
      const kept: number[] = [];
      let firstKeptMs = 0;
      try {
        const cache = new CorrelationPointsCache();
        let t = performance.now();
        await correlate(bundle, params, toMs, undefined, { cache });
        firstKeptMs = performance.now() - t;
        const variants = [params, { ...params, radiusM: 150 }, { ...params, windowS: 3_600 }, { ...params, fromMs: fromMs + DAY_MS }];
        for (let i = 0; i < runs; i++) {
          t = performance.now();
          await correlate(bundle, variants[i % variants.length] ?? params, toMs, undefined, { cache });
          kept.push(performance.now() - t);
        }
      } finally {
        bundle.close();
      }
      return {
        events, alarms, threads, considered: last.considered, fillS: round(fillS),
        p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)), maxMs: round(times.reduce((m, t) => Math.max(m, t), 0)), runs,
        bundleFirstMs: round(firstKeptMs), bundleKeptP50Ms: round(percentile(kept, 50)), bundleKeptP95Ms: round(percentile(kept, 95)),
        pairs, clusters: all.clusters.length, expectedPairs: round(expected), largestCluster: all.clusters.reduce((n, c) => Math.max(n, c.members.length), 0),
        clustersWithPValueBelow1e3: all.clusters.filter((c) => c.pValue < 1e-3).length,
      };
    } finally {
      db.close();
    }
  } finally {
    tmp.remove();
  }
}
