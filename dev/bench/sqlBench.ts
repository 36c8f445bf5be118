import { join } from 'node:path';
import { LIVE_SQL_LIMITS } from '../../analytics/node/analysis/sqlWorkbench.js';
import { runExport } from '../../analytics/node/cli/exportCommand.js';
import { verifyBundle } from '../../analytics/node/export/verifyBundle.js';
import { BundleEngine } from '../../analytics/node/replay/bundleEngine.js';
import { tempDir } from '../testing/harness.js';
import { generateCity } from './exportBench.js';
import { ingestUnderLoad } from './ingestUnderLoad.js';
import { addRollupsAndAlarms } from './replayBench.js';
import { percentile, round } from './stats.js';

/** The analyst's typical question: one asset's readings over the 7 days, per minute. */
const typicalSql = (asset: string): string => `SELECT time_bucket(INTERVAL 1 MINUTE, ts) AS minute, metric, count(*) AS n, avg(value) AS mean, min(value) AS lo, max(value) AS hi
FROM readings WHERE asset = '${asset}' GROUP BY ALL ORDER BY minute`;
/** The same from the minute rollup (what the data model recommends). */
const rollupSql = (asset: string): string => `SELECT bucket AS minute, metric, n, avg, min, max FROM rollup_1m_v WHERE asset = '${asset}' ORDER BY minute`;
/** A heavy analyst statement: every series of the whole table, aggregated and ranked with window functions. */
export const HEAVY_SQL = `SELECT asset, metric, count(*) AS n, avg(value) AS mean, max(value) - min(value) AS spread,
  avg(avg(value)) OVER (PARTITION BY metric) AS metric_mean,
  rank() OVER (PARTITION BY metric ORDER BY avg(value) DESC) AS rnk,
  quantile_cont(value, 0.95) AS p95
FROM readings GROUP BY asset, metric ORDER BY rnk, asset LIMIT 1000`;

export interface SqlBenchResult {
  readings: number;
  typical: { runs: number; rowsPerRun: number; p50Ms: number; p95Ms: number; maxMs: number };
  typicalRollup: { runs: number; p50Ms: number; p95Ms: number };
  heavyOnBundleS: number;
  ingest: Record<string, unknown>;
}

/**
 * (a) The SQL console over the 10-million-reading bundle: the typical question (one asset, 7 days
 * per minute) on `runs` different assets through the console (guard included), p50/p95; (b) the
 * engine draining a JetStream backlog alone, while an analyst repeats a heavy statement over the
 * whole table on the console, and alone again (the machine is shared: the rate alone is taken on
 * both sides).
 */
export async function sqlBench(readings: number, runs: number, backlog: number): Promise<SqlBenchResult> {
  const tmp = tempDir('cityops-bench-sql-');
  try {
    const file = join(tmp.dir, 'city.duckdb');
    const endMs = Date.now() - 60_000;
    let t0 = performance.now();
    const w = await generateCity(file, readings, 10_000, 7, 200_000, endMs);
    await addRollupsAndAlarms(file, 50_000, w.fromMs, w.toMs);
    console.log(`generated in ${round((performance.now() - t0) / 1000)} s`);
    const out = join(tmp.dir, 'bundle');
    await runExport({ fromMs: w.fromMs, toMs: w.toMs, domains: [], districts: [], force: false, out, csv: false, target: { kind: 'file', db: file } }, 3650);
    const v = await verifyBundle(out);
    if (!v.ok) throw new Error(v.problems.join('; '));
    const bundle = await BundleEngine.open(out, v.manifest);
    const owner = {};
    const times: number[] = [];
    const rollupTimes: number[] = [];
    let rowsPerRun = 0;
    let heavyOnBundleS = NaN;
    try {
      // one warm-up (the files' metadata read once), then different assets each time
      await bundle.sql.run(owner, { runId: 'warm', sql: typicalSql('a0'), maxRows: 10_000 });
      for (let i = 0; i < runs; i++) {
        const asset = `a${(i * 7919) % 10_000}`;
        t0 = performance.now();
        const r = await bundle.sql.run(owner, { runId: `t${i}`, sql: typicalSql(asset), maxRows: 10_000 });
        times.push(performance.now() - t0);
        rowsPerRun = Math.max(rowsPerRun, r.rows.length);
        t0 = performance.now();
        await bundle.sql.run(owner, { runId: `r${i}`, sql: rollupSql(asset), maxRows: 10_000 });
        rollupTimes.push(performance.now() - t0);
      }
      t0 = performance.now();
      await bundle.sql.run(owner, { runId: 'heavy', sql: HEAVY_SQL, maxRows: 10_000 });
      heavyOnBundleS = (performance.now() - t0) / 1000;
    } finally {
      await bundle.stop();
    }
    const ingest = await ingestDuringSql(file, backlog);
    return {
      readings,
      typical: { runs, rowsPerRun, p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)), maxMs: round(Math.max(...times)) },
      typicalRollup: { runs, p50Ms: round(percentile(rollupTimes, 50)), p95Ms: round(percentile(rollupTimes, 95)) },
      heavyOnBundleS: round(heavyOnBundleS, 2),
      ingest,
    };
  } finally {
    tmp.remove();
  }
}

/**
 * The engine (default configuration: 1 DuckDB thread, 1 GB) drains a backlog of `n` readings from
 * JetStream: the rate over a quarter of it alone, then while an analyst's connection runs HEAVY_SQL
 * on the SQL console again and again, then alone again; the ratio of the rate during to the mean of
 * the rates alone.
 */
async function ingestDuringSql(file: string, n: number): Promise<Record<string, unknown>> {
  // BENCH_SQL_YIELD_MS: the console's ingest-first wait (sql.yieldToIngestMs; 0 runs every statement at once, as before it)
  const yieldMs = process.env['BENCH_SQL_YIELD_MS'];
  const sql = { ...LIVE_SQL_LIMITS, ...(yieldMs !== undefined && yieldMs !== '' ? { yieldToIngestMs: Number(yieldMs) } : {}) };
  return ingestUnderLoad(file, n, 'HeavySql', async (engine, received, until) => {
    // the analyst: the heavy statement again and again until a third of the backlog went in meanwhile
    const owner = {};
    const statementS: number[] = [];
    const waitedS: number[] = [];
    let failures = 0;
    while (received() < until) {
      const t = performance.now();
      let waited = 0;
      try {
        await engine.sql.run(owner, { runId: `h${statementS.length}`, sql: HEAVY_SQL, maxRows: 10_000 }, (p) => {
          if (p.waitingForIngest) waited = p.elapsedMs / 1000;
        });
        statementS.push((performance.now() - t) / 1000);
        waitedS.push(waited);
      } catch (e) {
        failures++;
        console.log(`heavy statement failed: ${e instanceof Error ? e.message : String(e)}`);
        if (failures > 3) break;
      }
    }
    return {
      extra: {
        yieldToIngestMs: sql.yieldToIngestMs, heavyStatements: statementS.length, heavyStatementP50S: round(percentile(statementS, 50), 2),
        waitedForIngestS: waitedS.map((w) => round(w, 1)), failures,
      },
    };
  }, { sql });
}
