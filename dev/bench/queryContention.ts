import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { DuckDBAppender } from '@duckdb/node-api';
import { defaultEngineConfig, startEngine, type Engine } from '../../analytics/node/engine.js';
import { MemoryFeed } from '../../analytics/node/feeds/memorySource.js';
import { tempDir } from '../testing/harness.js';
import { fill, fullRateLoad } from './queryBench.js';
import { percentile, round } from './stats.js';

const HOUR = 3_600_000;

type Timing = { p50Ms: number; p95Ms: number };

/**
 * Where a wall query's time goes while ingest runs at full rate (issue 14's last figure): the city
 * trend query timed three ways — through `Engine.query` (what a wall gets), on a connection of its
 * own (no give-way), and inside DuckDB (`EXPLAIN ANALYZE`'s total) — beside a `SELECT 1` round trip
 * and the longest pieces of work on ingest's thread. Phases: quiet; ingest at full rate; ingest at
 * full rate with its DuckDB writes left out (the batches are judged, decoded and converted as ever,
 * then dropped: what ingest's JavaScript alone does to a query). A diagnostic, not a figure to meet.
 */
export async function queryContentionBench(total: number, runs: number): Promise<Record<string, unknown>> {
  const tmp = tempDir('cityops-bench-');
  const feed = new MemoryFeed();
  const engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/q.duckdb`, nats: null, maintenanceIntervalMs: 3_600_000, rollupEveryMs: 3_600_000 }), feed);
  const own = await engine.db.connectOwn();
  // the decode thread does not hold the process open: while every await here waits for it, an
  // in-process feed leaves nothing else that would (a served engine has its sockets)
  const keepAlive = setInterval(() => undefined, 1_000);
  try {
    await fill(engine, total);
    await engine.rollUp();
    await engine.compact();
    await engine.checkpoint();
    const now = Date.now();
    const citySql = `SELECT epoch_ms(bucket) AS t, sum(n)::BIGINT AS n, sum(sum) / nullif(sum(n), 0) AS avg, min(min) AS min, max(max) AS max
      FROM rollup_district_1m WHERE metric = 'm0' AND bucket >= make_timestamptz(${(now - 24 * HOUR) * 1000}::BIGINT) GROUP BY bucket ORDER BY bucket`;
    const probes: Record<string, () => Promise<number>> = {
      'city trend via Engine.query': () => elapsed(() => engine.query('series', { metric: 'm0', resolution: '1m', fromMs: now - 24 * HOUR })),
      'city trend, own connection': () => elapsed(() => own.runAndReadAll(citySql)),
      'city trend inside DuckDB (EXPLAIN ANALYZE total)': async () => {
        const r = await own.runAndReadAll(`EXPLAIN ANALYZE ${citySql}`);
        const m = /Total Time: ([0-9.]+)s/.exec(JSON.stringify(r.getRows()));
        return m ? Number(m[1]) * 1000 : NaN;
      },
      'SELECT 1, own connection': () => elapsed(() => own.run('SELECT 1')),
    };
    const phase = async (): Promise<Record<string, unknown>> => {
      const out: Record<string, unknown> = {};
      const work = new WorkOnIngestThread(engine);
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      for (const [name, probe] of Object.entries(probes)) {
        for (let i = 0; i < 5; i++) await probe();
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          times.push(await probe());
          await new Promise((r) => setTimeout(r, 20));
        }
        out[name] = { p50Ms: round(percentile(times, 50), 2), p95Ms: round(percentile(times, 95), 2) } satisfies Timing;
      }
      loop.disable();
      out['eventLoopDelayMs'] = { p50: round(loop.percentile(50) / 1e6, 1), p99: round(loop.percentile(99) / 1e6, 1), max: round(loop.max / 1e6, 1) };
      out['ingestThreadWorkMs'] = work.stop();
      return out;
    };
    const result: Record<string, unknown> = { readings: total };
    result['quiet'] = await phase();
    for (const mode of ['full rate', 'full rate, DuckDB writes left out'] as const) {
      const w = engine as unknown as { writer: { commitNow: unknown; lastBatch: number } };
      const commitNow = w.writer.commitNow;
      if (mode !== 'full rate') {
        // the batch is dropped where its transaction would begin (a diagnostic only: nothing is stored)
        w.writer.commitNow = async function (this: { lastBatch: number }): Promise<void> {
          await new Promise((r) => setImmediate(r));
          this.lastBatch++;
        };
      }
      const load = fullRateLoad(feed);
      await new Promise((r) => setTimeout(r, 3_000));
      const r0 = engine.health().ingest.received;
      const t0 = performance.now();
      const out = await phase();
      out['ingestReadingsPerS'] = Math.round((engine.health().ingest.received - r0) / ((performance.now() - t0) / 1000));
      await load.stop();
      w.writer.commitNow = commitNow;
      result[mode] = out;
    }
    return result;
  } finally {
    clearInterval(keepAlive);
    own.closeSync();
    await engine.stop();
    tmp.remove();
  }
}

async function elapsed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

/** Durations of the pieces of work that hold ingest's thread: taking a decoded chunk, the appender's flush, garbage collections. */
class WorkOnIngestThread {
  private readonly times = new Map<string, number[]>();
  private readonly undo: (() => void)[] = [];
  private readonly gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.note(`gc ${gcKind((e.detail as { kind?: number } | undefined)?.kind)}`, e.duration);
  });

  constructor(engine: Engine) {
    this.wrap((engine as unknown as { ingestor: Record<string, unknown> }).ingestor, 'takeChunk', 'taking a decoded chunk');
    this.wrap(DuckDBAppender.prototype as unknown as Record<string, unknown>, 'flushSync', "the appender's flush");
    this.gc.observe({ entryTypes: ['gc'] });
  }

  private note(k: string, ms: number): void {
    let t = this.times.get(k);
    if (!t) this.times.set(k, (t = []));
    t.push(ms);
  }

  private wrap(o: Record<string, unknown>, method: string, label: string): void {
    const f = o[method] as (...a: unknown[]) => unknown;
    const note = (ms: number): void => this.note(label, ms);
    o[method] = function (this: unknown, ...a: unknown[]): unknown {
      const t = performance.now();
      try {
        return f.apply(this, a);
      } finally {
        note(performance.now() - t);
      }
    };
    this.undo.push(() => (o[method] = f));
  }

  stop(): Record<string, unknown> {
    this.gc.disconnect();
    for (const u of this.undo) u();
    return Object.fromEntries([...this.times].map(([k, t]) => [k, {
      n: t.length, p50: round(percentile(t, 50), 2), p99: round(percentile(t, 99), 2), max: round(t.reduce((a, b) => Math.max(a, b), 0), 1), totalMs: Math.round(t.reduce((a, b) => a + b, 0)),
    }]));
  }
}

const gcKind = (k: number | undefined): string => ({ 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weak callbacks' } as Record<number, string>)[k ?? 0] ?? 'other';
