import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Batch } from '../../analytics/node/store/batch.js';
import { BatchWriter } from '../../analytics/node/store/batchWriter.js';
import { Database } from '../../analytics/node/store/database.js';
import { tempDir } from '../testing/harness.js';
import { percentile, round } from './stats.js';

/**
 * The writer alone (`node dist/dev/bench/main.js commit`): batches of readings built in memory,
 * shaped like the ingest benchmark's (100 readings per message, one asset per message, 4 metrics),
 * committed one after the other through `BatchWriter.commit` into a fresh DuckDB file opened as
 * the engine opens it (one DuckDB thread, 1 GB). No feed, no decoding: only the commit.
 *   BENCH_COMMIT_SIZES    readings per batch, one run per size (default 20000,2000)
 *   BENCH_COMMIT_READINGS readings committed per size (default 2,000,000)
 * Reports per size: readings/s over the timed batches, ms per batch p50/p95/max, the main thread's
 * CPU time per batch (the JavaScript and the synchronous appender calls; DuckDB's statements run on
 * its own threads; Linux only, from /proc/<pid>/task/<pid>/schedstat, else null) and the process's
 * CPU time per batch (all threads). 2,000,000 readings fill the WAL past the 128 MB checkpoint
 * threshold about once: that commit's automatic checkpoint (about a second) is the max, and is in
 * readings/s; the percentiles barely see it.
 */

const METRICS = ['pressure_mpa', 'flow_m3h', 'lel_pct', 'strain_ue'];
const PER_MESSAGE = 100;
const ASSETS = 2000;

export interface CommitBenchRow {
  batchReadings: number;
  batches: number;
  readingsPerS: number;
  msPerBatch: { p50: number; p95: number; max: number };
  mainThreadCpuMsPerBatch: number | null;
  cpuMsPerBatch: number;
}

/** CPU time of the main thread so far, in ms (null where /proc does not say). */
function mainThreadCpuMs(): number | null {
  try {
    return Number(readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

function makeBatch(first: number, size: number, base: number): Batch {
  const b = new Batch();
  b.startedMs = Date.now();
  for (let i = first; i < first + size; i++) {
    const message = Math.floor(i / PER_MESSAGE);
    const asset = `a${message % ASSETS}`;
    b.readings.push({ id: `b${i}`, tsMs: base + Math.floor(i / 50), metric: METRICS[i % 4] as string, value: Math.round((i % 997) * 37) / 100,
      unit: 'u', quality: i % 101 === 0 ? 'suspect' : 'good' }, 'water', '420302', asset, message + 1);
    b.counts.received++;
    b.counts.stored++;
  }
  b.lastSeq = Math.floor((first + size - 1) / PER_MESSAGE) + 1;
  b.messages = Math.ceil(size / PER_MESSAGE);
  return b;
}

async function runSize(size: number, total: number): Promise<CommitBenchRow> {
  const tmp = tempDir('cityops-commit-bench-');
  const db = await Database.open(`${tmp.dir}/bench.duckdb`, { threads: 1, memoryLimit: '1GB' });
  const writer = await BatchWriter.create(db, { stream: 'CITY', consumer: 'bench' });
  try {
    const base = Date.now() - 3_600_000;
    const batches = Math.max(1, Math.floor(total / size));
    const warmup = Math.min(5, Math.max(1, Math.floor(batches / 20)));
    // the batches are built before the clock starts: only the commits are timed
    const all = Array.from({ length: batches + warmup }, (_, k) => makeBatch(k * size, size, base));
    for (let k = 0; k < warmup; k++) await writer.commit(all[k] as Batch);
    const times: number[] = [];
    const main0 = mainThreadCpuMs();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let k = warmup; k < all.length; k++) {
      const s = performance.now();
      await writer.commit(all[k] as Batch);
      times.push(performance.now() - s);
    }
    const seconds = (performance.now() - t0) / 1000;
    const main1 = mainThreadCpuMs();
    const cpu = process.cpuUsage(cpu0);
    const stored = Number((await db.queryRows('SELECT count(*)::BIGINT AS n FROM readings'))[0]?.['n']);
    if (stored !== (batches + warmup) * size) throw new Error(`stored ${stored} of ${(batches + warmup) * size}`);
    if (await writer.committedSeq() !== (all[all.length - 1] as Batch).lastSeq) throw new Error('position not at the last batch');
    return {
      batchReadings: size,
      batches,
      readingsPerS: Math.round((batches * size) / seconds),
      msPerBatch: { p50: round(percentile(times, 50), 2), p95: round(percentile(times, 95), 2), max: round(Math.max(...times), 2) },
      mainThreadCpuMsPerBatch: main0 === null || main1 === null ? null : round((main1 - main0) / batches, 2),
      cpuMsPerBatch: round((cpu.user + cpu.system) / 1000 / batches, 2),
    };
  } finally {
    writer.close();
    db.close();
    tmp.remove();
  }
}

export async function commitBench(sizes: number[], total: number): Promise<{ loadBefore: number[]; loadAfter: number[]; rows: CommitBenchRow[] }> {
  const loadBefore = loadavg().map((x) => round(x, 2));
  const rows: CommitBenchRow[] = [];
  for (const size of sizes) rows.push(await runSize(size, total));
  return { loadBefore, loadAfter: loadavg().map((x) => round(x, 2)), rows };
}
