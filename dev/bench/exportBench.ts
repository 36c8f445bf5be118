import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { BundleSummary, ExportProgress } from '../../analytics/common/bundle.js';
import { DOMAINS } from '../../analytics/common/city.js';
import { runExport } from '../../analytics/node/cli/exportCommand.js';
import { verifyBundle } from '../../analytics/node/export/verifyBundle.js';
import { Database } from '../../analytics/node/store/database.js';
import { tempDir } from '../testing/harness.js';
import { ingestUnderLoad } from './ingestUnderLoad.js';
import { round } from './stats.js';

const DAY_MS = 86_400_000;
const DISTRICTS = ['420302', '420303', '420304', '420322', '420323', '420324', '420325', '420381'];

/**
 * A stopped engine's database with `readings` readings of `series` series evenly over `days` days
 * (in time order, as ingest writes them), `events` events and the series' registry, written
 * straight into DuckDB (not through NATS).
 */
export async function generateCity(file: string, readings: number, series: number, days: number, events: number, endMs: number): Promise<{ fromMs: number; toMs: number }> {
  const db = await Database.open(file, { threads: availableParallelism() });
  const fromMs = endMs - days * DAY_MS;
  const span = days * DAY_MS;
  const domains = `[${DOMAINS.map((d) => `'${d}'`).join(', ')}]`;
  const districts = `[${DISTRICTS.map((d) => `'${d}'`).join(', ')}]`;
  try {
    const w = db.writer;
    await w.run(`INSERT INTO readings SELECT make_timestamptz(($from + i * $span // $n)::BIGINT * 1000) AS ts,
        ${domains}[(i % $s) % 14 + 1], ${districts}[(i % $s) % 8 + 1], 'a' || (i % $s), 'm' || ((i % $s) % 4),
        (hash(i) % 100000) / 100.0, 'u', 'good', 'r' || i, i, make_timestamptz(($from + i * $span // $n + 50)::BIGINT * 1000), i // 1000
      FROM range($n) t(i)`, { from: fromMs, span, n: readings, s: series });
    await w.run(`INSERT INTO events SELECT make_timestamptz(($from + i * $span // $n)::BIGINT * 1000), ${domains}[i % 14 + 1], ${districts}[i % 8 + 1], 'e' || i,
        'incident', ['red', 'orange', 'yellow', 'blue'][i % 4 + 1], '第' || i || '号事件 燃气泄漏', 'a' || (i % $s), 32.6, 110.8, '现场处置中，已通知责任单位',
        'city.event.x', i, now() FROM range($n) t(i)`, { from: fromMs, span, n: events, s: series });
    await w.run(`INSERT INTO asset_versions SELECT make_timestamptz(($from - 60000)::BIGINT * 1000), ${domains}[i % 14 + 1], ${districts}[i % 8 + 1], 'a' || i,
        '设施' || i, 'kind', 32.6, 110.8, '十堰市水务集团', '市城管局', NULL, NULL, 'city.asset.x', i, now() FROM range($s) t(i)`, { from: fromMs, s: series });
    await w.run('CHECKPOINT');
  } finally {
    db.close();
  }
  return { fromMs, toMs: endMs };
}

/** Times each file from the progress (a file starts when the previous one ends). */
function fileTimer(): { onProgress: (p: ExportProgress) => void; times: Map<string, number> } {
  const times = new Map<string, number>();
  let last: { key: string; t: number } | null = null;
  const seen = new Map<string, number>();
  return {
    times,
    onProgress: (p) => {
      const t = performance.now();
      if (last) times.set(last.key, t - last.t);
      // each table comes as Parquet, then (with --csv) as CSV
      const n = (seen.get(p.table) ?? 0) + 1;
      seen.set(p.table, n);
      last = { key: `${p.table}.${n === 1 ? 'parquet' : 'csv'}`, t };
    },
  };
}

export interface ExportBenchResult {
  readings: number;
  events: number;
  rows: number;
  rounds: number;
  parquet: { bestS: number; medianS: number; rowsPerS: number; bytes: number; readingsFileBestS: number; readingsRowsPerS: number };
  bareCopy: { bestS: number; medianS: number; rowsPerS: number; bytes: number };
  /** DuckDB's own COPY of the readings with no sort at all: zstd, and uncompressed (the ceiling of any Parquet export here). */
  unsortedCopy: { zstdBestS: number; zstdRowsPerS: number; plainBestS: number; plainRowsPerS: number };
  /** Our readings file against DuckDB's own COPY of the same readings, best of each (1 = as fast). */
  ratioToBare: number;
  csv: { bestS: number; rowsPerS: number; bytes: number; readingsFileBestS: number; readingsRowsPerS: number };
  verifyS: { parquet: number; csvBundle: number };
  ingest: Record<string, unknown>;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * Export of a stopped engine's file (`cityops export --db`, 2 DuckDB threads) to Parquet and to
 * CSV, against DuckDB's own sorted COPY of the same readings, alternated over `rounds` rounds (the
 * machine is shared: best and median of each); verification time; then ingest into a running
 * engine on the same data with and without an export running in that engine.
 */
export async function exportBench(readings: number, series: number, events: number, ingestReadings: number, rounds = 3): Promise<ExportBenchResult> {
  const tmp = tempDir('cityops-bench-export-');
  try {
    const file = join(tmp.dir, 'city.duckdb');
    const endMs = Date.now() - 60_000;
    let t0 = performance.now();
    const w = await generateCity(file, readings, series, 7, events, endMs);
    console.log(`generated ${readings} readings, ${events} events in ${round((performance.now() - t0) / 1000)} s`);
    const base = { fromMs: w.fromMs, toMs: w.toMs, domains: [], districts: [], target: { kind: 'file' as const, db: file } };

    const bundleS: number[] = [];
    const readingsS: number[] = [];
    const bareS: number[] = [];
    const unsortedS: number[] = [];
    const plainS: number[] = [];
    let p: BundleSummary | null = null;
    const bareFile = join(tmp.dir, 'bare.parquet');
    for (let r = 0; r < rounds; r++) {
      const pq = fileTimer();
      t0 = performance.now();
      p = await runExport({ ...base, out: join(tmp.dir, 'parquet'), csv: false, force: true }, 3650, pq.onProgress);
      bundleS.push((performance.now() - t0) / 1000);
      readingsS.push((pq.times.get('readings.parquet') ?? NaN) / 1000);
      // DuckDB alone: the same readings, sorted, zstd, same threads
      const inst = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY', threads: String(availableParallelism()) });
      const c = await inst.connect();
      t0 = performance.now();
      await c.run(`COPY (SELECT * FROM readings ORDER BY ts) TO '${bareFile}' (FORMAT parquet, COMPRESSION zstd)`);
      bareS.push((performance.now() - t0) / 1000);
      // and with no sort at all: the most any Parquet export of these readings can do here
      t0 = performance.now();
      await c.run(`COPY readings TO '${bareFile}.unsorted' (FORMAT parquet, COMPRESSION zstd)`);
      unsortedS.push((performance.now() - t0) / 1000);
      t0 = performance.now();
      await c.run(`COPY readings TO '${bareFile}.plain' (FORMAT parquet, COMPRESSION uncompressed)`);
      plainS.push((performance.now() - t0) / 1000);
      c.closeSync();
      inst.closeSync();
      console.log(`round ${r + 1}: parquet bundle ${p.rows} rows in ${round(bundleS[r] ?? NaN, 2)} s (readings file ${round(readingsS[r] ?? NaN, 2)} s); bare DuckDB COPY of the readings ${round(bareS[r] ?? NaN, 2)} s sorted, ${round(unsortedS[r] ?? NaN, 2)} s unsorted, ${round(plainS[r] ?? NaN, 2)} s unsorted uncompressed`);
    }
    if (!p) throw new Error('no rounds');
    const rows = p.rows;

    let t1 = performance.now();
    const vp = await verifyBundle(p.out);
    const verifyParquetS = (performance.now() - t1) / 1000;
    if (!vp.ok) throw new Error(`the bundle does not verify: ${vp.problems.join('; ')}`);

    const csvS: number[] = [];
    const csvReadingsS: number[] = [];
    let csvBytes = 0;
    let csvOut = '';
    for (let r = 0; r < Math.min(2, rounds); r++) {
      const cs = fileTimer();
      t0 = performance.now();
      const withCsv = await runExport({ ...base, out: join(tmp.dir, 'csv'), csv: true, force: true }, 3650, cs.onProgress);
      let s = 0;
      for (const [k, ms] of cs.times) if (k.endsWith('.csv')) s += ms / 1000;
      csvS.push(s);
      csvReadingsS.push((cs.times.get('readings.csv') ?? NaN) / 1000);
      csvBytes = withCsv.files > 0 ? ['readings', 'events'].reduce((n, f) => n + statSync(join(withCsv.out, `${f}.csv`)).size, 0) : 0;
      csvOut = withCsv.out;
      console.log(`csv round ${r + 1}: bundle ${round((performance.now() - t0) / 1000, 2)} s in all, CSV files ${round(s, 2)} s (readings.csv ${round(csvReadingsS[r] ?? NaN, 2)} s)`);
    }
    t1 = performance.now();
    const vc = await verifyBundle(csvOut);
    const verifyCsvS = (performance.now() - t1) / 1000;
    if (!vc.ok) throw new Error(`the CSV bundle does not verify: ${vc.problems.join('; ')}`);

    const ingest = ingestReadings > 0 ? await ingestDuringExport(file, w, ingestReadings, join(tmp.dir, 'engine-bundle')) : { skipped: true };
    const best = (xs: number[]): number => Math.min(...xs);
    return {
      readings, events, rows, rounds,
      parquet: {
        bestS: round(best(bundleS), 2), medianS: round(median(bundleS), 2), rowsPerS: Math.round(rows / best(bundleS)), bytes: p.bytes,
        readingsFileBestS: round(best(readingsS), 2), readingsRowsPerS: Math.round(readings / best(readingsS)),
      },
      bareCopy: { bestS: round(best(bareS), 2), medianS: round(median(bareS), 2), rowsPerS: Math.round(readings / best(bareS)), bytes: statSync(bareFile).size },
      ratioToBare: round(best(bareS) / best(readingsS), 2),
      unsortedCopy: {
        zstdBestS: round(best(unsortedS), 2), zstdRowsPerS: Math.round(readings / best(unsortedS)),
        plainBestS: round(best(plainS), 2), plainRowsPerS: Math.round(readings / best(plainS)),
      },
      csv: { bestS: round(best(csvS), 2), rowsPerS: Math.round(rows / best(csvS)), bytes: csvBytes, readingsFileBestS: round(best(csvReadingsS), 2), readingsRowsPerS: Math.round(readings / best(csvReadingsS)) },
      verifyS: { parquet: round(verifyParquetS, 2), csvBundle: round(verifyCsvS, 2) },
      ingest,
    };
  } finally {
    tmp.remove();
  }
}

/**
 * A running engine on the generated file drains a backlog of `n` readings from JetStream: its rate
 * over a quarter of the backlog with no export, then while it exports the whole 7 days (Parquet)
 * from its own read connection, then again with no export (the machine is shared: the rate alone
 * is taken on both sides of the export).
 */
async function ingestDuringExport(file: string, w: { fromMs: number; toMs: number }, n: number, out: string): Promise<Record<string, unknown>> {
  return ingestUnderLoad(file, n, 'Export', async (engine, received) => {
    const t0 = performance.now();
    let drainedAtMs: number | null = null;
    const watch = setInterval(() => { if (drainedAtMs === null && received() >= n) drainedAtMs = performance.now(); }, 5);
    const summary = await engine.exportBundle({ fromMs: w.fromMs, toMs: w.toMs, domains: [], districts: [], out, csv: false, force: false });
    const exportS = (performance.now() - t0) / 1000;
    clearInterval(watch);
    return { drainedAtMs, extra: { engineExportS: round(exportS, 2), engineExportRowsPerS: Math.round(summary.rows / exportS), backlogRanOutDuringExport: drainedAtMs !== null } };
  });
}
