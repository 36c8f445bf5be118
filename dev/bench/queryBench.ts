import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DOMAINS } from '../../analytics/common/city.js';
import { defaultEngineConfig, startEngine, type Engine } from '../../analytics/node/engine.js';
import { MemoryFeed } from '../../analytics/node/feeds/memorySource.js';
import { AccessTokens } from '../../analytics/node/server/access.js';
import { DEFAULT_SERVER, startServer } from '../../analytics/node/server/httpServer.js';
import { tempDir } from '../testing/harness.js';
import { percentile, round } from './stats.js';
import { wallClient, type WallQuestion } from './wallClient.js';

const HOUR = 3_600_000;

/**
 * Fills a database with `total` readings spread over the last 24 hours (10,000 series across every
 * domain and district), builds the rollups with the engine's own rollup pass, then times the
 * wall's dashboard queries, on a quiet engine and, with `withIngest`, again while ingest drains an
 * in-process feed kept full (messages of 100 readings, new ids) at the engine's full rate.
 */
export async function queryBench(total: number, runs: number, withIngest = false): Promise<Record<string, unknown>> {
  const tmp = tempDir('cityops-bench-');
  const feed = new MemoryFeed();
  const engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/q.duckdb`, nats: null, maintenanceIntervalMs: 3_600_000, rollupEveryMs: 3_600_000 }), feed);
  try {
    const t0 = Date.now();
    await fill(engine, total);
    const fillS = (Date.now() - t0) / 1000;
    const t1 = Date.now();
    await engine.rollUp();
    await engine.compact();
    await engine.checkpoint();
    const rollupS = (Date.now() - t1) / 1000;
    const counts = await engine.db.queryRows(`SELECT (SELECT count(*) FROM readings) AS readings, (SELECT count(*) FROM rollup_10s) AS r10,
      (SELECT count(*) FROM rollup_1m) AS r1m, (SELECT count(*) FROM rollup_1h) AS r1h`);
    // each query's window ends at the instant it is asked, as a wall's panel computes it at every refresh
    const queries: Record<string, () => Promise<unknown>> = {
      'series 24h 1m (one metric, city)': () => engine.query('series', { metric: 'm0', resolution: '1m', fromMs: Date.now() - 24 * HOUR }),
      'asset detail: 24h at 1h (one asset)': () => engine.query('series', { metric: 'm1', asset: 'a42', domain: 'gas', resolution: '1h', fromMs: Date.now() - 24 * HOUR }),
      'asset detail: last hour at 1m (one asset)': () => engine.query('series', { metric: 'm1', asset: 'a42', domain: 'gas', resolution: '1m', fromMs: Date.now() - HOUR }),
      'analyst: 24h at 1m (one asset, not a wall query)': () => engine.query('series', { metric: 'm1', asset: 'a42', domain: 'gas', resolution: '1m', fromMs: Date.now() - 24 * HOUR }),
      'series 1h 10s (one domain)': () => engine.query('series', { metric: 'm0', domain: 'water', resolution: '10s', fromMs: Date.now() - HOUR }),
      'kpis per domain (60 s)': () => engine.query('kpis', { windowS: 60 }),
      'latest values (one domain)': () => engine.query('latest', { domain: 'bridge' }),
    };
    const result: Record<string, unknown> = { readings: Number(counts[0]?.['readings']), rollupRows: counts[0], fillS: round(fillS), rollupS: round(rollupS) };
    const timeAll = async (): Promise<Record<string, unknown>> => {
      const out: Record<string, unknown> = {};
      for (const [name, q] of Object.entries(queries)) {
        for (let i = 0; i < 5; i++) await q();
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          const t = performance.now();
          await q();
          times.push(performance.now() - t);
        }
        out[name] = { p50Ms: round(percentile(times, 50), 2), p95Ms: round(percentile(times, 95), 2) };
      }
      return out;
    };
    result['quiet'] = await timeAll();
    if (withIngest) {
      // the same queries while ingest drains at full rate: a publisher keeps the in-process feed full
      const load = fullRateLoad(feed);
      // the load reaches its pace first, then ingest's rate alone
      await new Promise((r) => setTimeout(r, 2_000));
      result['ingestAloneReadingsPerS'] = await ingestRate(engine, async () => new Promise((r) => setTimeout(r, 5_000)));
      // the wall's queries at walls' pace: each one every PACED_EVERY_MS, staggered, as many walls refreshing their panels
      const paced: Record<string, unknown> = {};
      result['ingestDuringPacedReadingsPerS'] = await ingestRate(engine, async () => {
        Object.assign(paced, await timePaced(Object.fromEntries(Object.entries(queries).filter(([name]) => !name.startsWith('analyst'))), runs));
      });
      result['pacedDuringIngest'] = { everyMs: PACED_EVERY_MS, ...paced };
      // the same through the WebSocket, from a wall in a process of its own: what a wall gets, waits for the engine's thread included
      const tokens = new AccessTokens();
      const token = AccessTokens.generate();
      tokens.add(token, 'wall');
      const server = await startServer(engine, { ...DEFAULT_SERVER, port: 0, tokens, audit: () => undefined });
      const loopPaced = monitorEventLoopDelay({ resolution: 5 });
      try {
        loopPaced.enable();
        result['ingestDuringWallReadingsPerS'] = await ingestRate(engine, async () => {
          result['wallThroughWebSocketDuringIngest'] = { everyMs: PACED_EVERY_MS, ...await wallClient(`${server.url.replace('http', 'ws')}/api/ws?token=${token}`, PACED_EVERY_MS, runs, WALL_QUESTIONS) };
        });
        loopPaced.disable();
        result['eventLoopDelayDuringWallMs'] = { p50: round(loopPaced.percentile(50) / 1e6, 1), p95: round(loopPaced.percentile(95) / 1e6, 1), p99: round(loopPaced.percentile(99) / 1e6, 1), max: round(loopPaced.max / 1e6, 1) };
      } finally {
        await server.close();
      }
      const r0 = engine.health().ingest.received;
      const t2 = performance.now();
      const loopDelay = monitorEventLoopDelay({ resolution: 5 });
      loopDelay.enable();
      result['duringIngest'] = await timeAll();
      loopDelay.disable();
      // how long the engine's thread was held at a time: a query's answer waits behind it
      result['eventLoopDelayMs'] = { p50: round(loopDelay.percentile(50) / 1e6, 1), p99: round(loopDelay.percentile(99) / 1e6, 1), max: round(loopDelay.max / 1e6, 1) };
      const seconds = (performance.now() - t2) / 1000;
      await load.stop();
      result['ingestDuringQueriesReadingsPerS'] = Math.round((engine.health().ingest.received - r0) / seconds);
    }
    return result;
  } finally {
    await engine.stop();
    tmp.remove();
  }
}

/** The six wall queries as a wall's panels ask them (windows ending when asked). */
const WALL_QUESTIONS: WallQuestion[] = [
  { label: 'series 24h 1m (one metric, city)', name: 'series', params: { metric: 'm0', resolution: '1m' }, spanMs: 24 * HOUR },
  { label: 'asset detail: 24h at 1h (one asset)', name: 'series', params: { metric: 'm1', asset: 'a42', domain: 'gas', resolution: '1h' }, spanMs: 24 * HOUR },
  { label: 'asset detail: last hour at 1m (one asset)', name: 'series', params: { metric: 'm1', asset: 'a42', domain: 'gas', resolution: '1m' }, spanMs: HOUR },
  { label: 'series 1h 10s (one domain)', name: 'series', params: { metric: 'm0', domain: 'water', resolution: '10s' }, spanMs: HOUR },
  { label: 'kpis per domain (60 s)', name: 'kpis', params: { windowS: 60 } },
  { label: 'latest values (one domain)', name: 'latest', params: { domain: 'bridge' } },
];

/** Each wall query issued every this many ms (staggered): about ten walls' panels refreshing, far above one wall's load. */
const PACED_EVERY_MS = 200;

/** Readings per second ingest stored while `during` ran. */
async function ingestRate(engine: Engine, during: () => Promise<void>): Promise<number> {
  const r0 = engine.health().ingest.received;
  const t0 = performance.now();
  await during();
  return Math.round((engine.health().ingest.received - r0) / ((performance.now() - t0) / 1000));
}

/** Each query `runs` times, every {@link PACED_EVERY_MS}, the queries staggered over that period; p50/p95 each. */
async function timePaced(queries: Record<string, () => Promise<unknown>>, runs: number): Promise<Record<string, unknown>> {
  const names = Object.keys(queries);
  const times = new Map<string, number[]>(names.map((n) => [n, []]));
  await Promise.all(names.map(async (name, k) => {
    const q = queries[name] as () => Promise<unknown>;
    const start = performance.now() + (k * PACED_EVERY_MS) / names.length;
    for (let i = 0; i < runs; i++) {
      const due = start + i * PACED_EVERY_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t = performance.now();
      await q();
      times.get(name)?.push(performance.now() - t);
    }
  }));
  return Object.fromEntries(names.map((n) => {
    const t = times.get(n) ?? [];
    return [n, { p50Ms: round(percentile(t, 50), 2), p95Ms: round(percentile(t, 95), 2), maxMs: round(Math.max(...t), 2) }];
  }));
}

/** Readings written straight with SQL, in the engine's batches (batch_no), as ingest would have. */
export async function fill(engine: Engine, total: number): Promise<void> {
  const series = 10_000;
  const chunk = 20_000;
  const end = Date.now() - 60_000;
  const span = 24 * HOUR;
  const domains = `[${DOMAINS.map((d) => `'${d}'`).join(',')}]`;
  const w = engine as unknown as { writer: { exclusive: <T>(f: (c: { run: (s: string) => Promise<unknown> }) => Promise<T>) => Promise<T>; lastBatch: number } };
  let batch = 0;
  for (let off = 0; off < total; off += chunk) {
    const n = Math.min(chunk, total - off);
    batch++;
    await w.writer.exclusive(async (c) => {
      await c.run(`INSERT INTO readings
        SELECT make_timestamptz(((${end - span} + (i / ${total}) * ${span}) * 1000)::BIGINT),
               ${domains}[(i % ${series}) % 14 + 1], (420300 + ((i % ${series}) % 8))::VARCHAR, 'a' || ((i % ${series}) // 2),
               'm' || (i % 2), (i % 1000) / 10.0, 'u', 'good', 'q' || i, i::UBIGINT, now(), ${batch}
        FROM range(${off}, ${off + n}) t(i)`);
      await c.run(`UPDATE ingest_totals SET last_batch = ${batch}`);
    });
  }
  w.writer.lastBatch = batch;
}

/**
 * Publishes messages of 100 new readings into the feed as fast as the engine takes them, until
 * stopped. The bench shares the engine's thread: each message is one buffer whose fixed-width id
 * digits are overwritten in place (no JSON or buffer made per message), and the publisher gives the event
 * loop back every 64 messages, so its own cost stays out of the queries' times.
 */
export function fullRateLoad(feed: MemoryFeed): { stop: () => Promise<void> } {
  const enc = new TextEncoder();
  let stopping = false;
  const ts = Date.now() - 1_000;
  // "load-MMMMMMMMM-KK": the message number in 9 digits at a fixed offset in every reading's id
  const parts: string[] = [];
  for (let k = 0; k < 100; k++) parts.push(`{"id":"load-000000000-${String(k).padStart(2, '0')}","ts":${ts - k},"metric":"m${k % 2}","value":${k}}`);
  const template = enc.encode(`[${parts.join(',')}]`);
  const marker = enc.encode('load-');
  const offsets: number[] = [];
  for (let i = 0; i + marker.length <= template.length; i++) {
    if (marker.every((b, j) => template[i + j] === b)) offsets.push(i + marker.length);
  }
  // one message body, rewritten for each message: the feed copies it in (no buffer per message here)
  const body = template.slice();
  const run = (async () => {
    for (let m = 0; !stopping; m++) {
      let n = m;
      for (let d = 8; d >= 0; d--) {
        const digit = 48 + (n % 10);
        n = Math.floor(n / 10);
        for (const o of offsets) body[o + d] = digit;
      }
      await feed.publish(`city.telemetry.${DOMAINS[m % DOMAINS.length]}.42030${m % 8}.a${m % 5000}`, body);
      if (m % 64 === 63) await new Promise((r) => setImmediate(r));
    }
  })();
  return { stop: async () => { stopping = true; await run; } };
}
