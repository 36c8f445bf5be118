import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { defaultEngineConfig, startEngine, type Engine } from '../../analytics/node/engine.js';
import { MemoryFeed } from '../../analytics/node/feeds/memorySource.js';
import { forecasts } from '../../analytics/node/queries/forecasts.js';
import { AccessTokens } from '../../analytics/node/server/access.js';
import { DEFAULT_SERVER, startServer } from '../../analytics/node/server/httpServer.js';
import { Database } from '../../analytics/node/store/database.js';
import { fillFloodGauges } from '../testing/floodGauges.js';
import { tempDir } from '../testing/harness.js';
import { percentile, round, weightedPercentile } from './stats.js';
import { clientProcess } from './wallClient.js';

const WALL = AccessTokens.generate();

/**
 * A separate process, as a hostile client would be: `connections` connections with the wall's token,
 * each keeping `perConnection` forecasts queries in flight back to back for `seconds`; prints what it
 * was answered.
 */
const CLIENT = `
import { WebSocket } from 'ws';
const [url, conns, per, seconds, name] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), process.argv[5]];
const out = { ok: 0, errors: {}, latencies: [] };
let open = 0;
const end = Date.now() + seconds * 1000;
for (let c = 0; c < conns; c++) {
  const ws = new WebSocket(url);
  let id = 0;
  const sent = new Map();
  const send = () => { if (Date.now() >= end) return; id++; sent.set(id, performance.now()); ws.send(JSON.stringify({ t: 'query', id, name, params: name === 'forecasts' ? { limit: 100 } : {} })); };
  ws.on('open', () => { open++; for (let i = 0; i < per; i++) send(); });
  ws.on('message', (b) => {
    const m = JSON.parse(String(b));
    if (m.t !== 'result') return;
    const t = sent.get(m.id); sent.delete(m.id);
    if (m.ok) { out.ok++; out.latencies.push(performance.now() - t); } else out.errors[m.error.code] = (out.errors[m.error.code] ?? 0) + 1;
    if (Date.now() < end) send();
    else if (sent.size === 0) ws.close();
  });
  ws.on('close', () => {
    if (--open > 0) return;
    // a summary only: a long line on a pipe is cut at exit
    const l = out.latencies.sort((a, b) => a - b);
    const q = (p) => l[Math.min(l.length - 1, Math.max(0, Math.ceil(p * l.length) - 1))] ?? null;
    process.stdout.write(JSON.stringify({ ok: out.ok, errors: out.errors, p50: q(0.5), p99: q(0.99) }) + '\\n', () => process.exit(0));
  });
  ws.on('error', (e) => { console.error(e.message); process.exit(1); });
}
`;

interface FloodAnswers { ok: number; errors: Record<string, number>; p50: number | null; p99: number | null }

function flood(url: string, connections: number, perConnection: number, seconds: number, query: string): Promise<FloodAnswers> {
  return clientProcess(CLIENT, [url, String(connections), String(perConnection), String(seconds), query], 'flood client');
}

/** Main-thread busy time (the event loop's active time), process CPU (every thread: DuckDB's, the decode thread) and wall-clock of `fn`. */
async function cost<T>(fn: () => Promise<T>): Promise<{ value: T; wallMs: number; mainThreadMs: number; processCpuMs: number }> {
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t;
  const used = performance.eventLoopUtilization(elu);
  const c = process.cpuUsage(cpu);
  return { value, wallMs, mainThreadMs: used.active, processCpuMs: (c.user + c.system) / 1000 };
}

const median = (xs: number[]): number => round(percentile(xs, 50));

/**
 * Ingest at `rate` readings a second (messages of 100, in-process feed) for `seconds` while `load`
 * runs: the readings stored a second, the commit latency (a reading's ts to its batch's commit) and
 * the event loop's delay.
 */
let runs = 0;

async function ingestWhile(engine: Engine, feed: MemoryFeed, rate: number, seconds: number, load: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const enc = new TextEncoder();
  const commits: { value: number; weight: number }[] = [];
  const off = engine.onCommit((b) => {
    if (b.readings > 0) commits.push({ value: b.committedAtMs - b.oldestTsMs, weight: b.readings });
  });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const stored0 = engine.health().ingest.stored;
  const elu = performance.eventLoopUtilization();
  loop.enable();
  const t0 = performance.now();
  let producing = true;
  let sent = 0;
  // ids of this run's own: a second run re-sending the first one's ids would only store duplicates
  const run = (runs++).toString(36);
  const producer = (async () => {
    const tickMs = 20;
    let carry = 0;
    while (producing) {
      carry += (rate * tickMs) / 1000;
      while (carry >= 100) {
        const now = Date.now();
        const items: string[] = [];
        for (let k = 0; k < 100; k++) items.push(`{"id":"f${run}-${sent + k}","ts":${now},"metric":"lel_pct","value":${(sent + k) % 40}}`);
        await feed.publish(`city.telemetry.gas.420303.a${(sent / 100) % 500}`, enc.encode(`[${items.join(',')}]`));
        sent += 100;
        carry -= 100;
      }
      await new Promise((r) => setTimeout(r, tickMs));
    }
  })();
  const [extra] = await Promise.all([load(), new Promise((r) => setTimeout(r, seconds * 1000))]);
  const s = (performance.now() - t0) / 1000;
  producing = false;
  await producer;
  loop.disable();
  off();
  const used = performance.eventLoopUtilization(elu);
  return {
    ingestTargetReadingsPerS: rate, publishedReadingsPerS: Math.round(sent / s), ingestStoredReadingsPerS: Math.round((engine.health().ingest.stored - stored0) / s),
    commitLatencyP50Ms: round(weightedPercentile(commits, 50)), commitLatencyP99Ms: round(weightedPercentile(commits, 99)),
    eventLoopDelayP50Ms: round(loop.percentile(50) / 1e6), eventLoopDelayP99Ms: round(loop.percentile(99) / 1e6), eventLoopDelayMaxMs: round(loop.max / 1e6),
    mainThreadBusy: round(used.utilization, 2), ...extra,
  };
}

/**
 * Issue 18: what one `forecasts` query costs on a city of `gauges` river gauges under a downpour
 * (each with its rain gauge: the rain forecaster fits every one), and what a wall-token client
 * flooding the engine with `forecasts` queries (or `query`, to compare) does to it — answers a second, the event loop's delay,
 * ingest at `rate` readings a second — beside the same ingest alone.
 */
export async function forecastFloodBench(gauges: number, seconds: number, rate: number, connections: number, query = 'forecasts'): Promise<Record<string, unknown>> {
  const tmp = tempDir('cityops-bench-');
  const file = `${tmp.dir}/f.duckdb`;
  try {
    const filled = await Database.open(file);
    await fillFloodGauges(filled, gauges, Date.now());
    filled.close();
    const feed = new MemoryFeed();
    const engine = await startEngine(defaultEngineConfig({ db: file, nats: null, maintenanceIntervalMs: 3_600_000 }), feed);
    const tokens = new AccessTokens();
    tokens.add(WALL, 'wall');
    const server = await startServer(engine, { ...DEFAULT_SERVER, port: 0, tokens, audit: () => undefined });
    try {
      // one computation, as the function (every fit, nothing shared), then as the engine answers it (three times in a row)
      const direct: Awaited<ReturnType<typeof cost>>[] = [];
      for (let i = 0; i < 4; i++) direct.push(await cost(() => forecasts(engine.db, engine.alarmRules(), { limit: 100 }, Date.now())));
      const shown = (direct[0]?.value as unknown[]).length;
      const served: Awaited<ReturnType<typeof cost>>[] = [];
      for (let i = 0; i < 3; i++) served.push(await cost(() => engine.query('forecasts', { limit: 100 })));
      const one = {
        gauges, forecastsShown: shown,
        computeWallMsMedian: median(direct.slice(1).map((c) => c.wallMs)), computeMainThreadMsMedian: median(direct.slice(1).map((c) => c.mainThreadMs)),
        computeProcessCpuMsMedian: median(direct.slice(1).map((c) => c.processCpuMs)),
        engineQueryWallMs: served.map((c) => round(c.wallMs)), engineQueryMainThreadMs: served.map((c) => round(c.mainThreadMs)),
      };
      console.log(JSON.stringify({ oneQuery: one }));
      const alone = await ingestWhile(engine, feed, rate, seconds, () => Promise.resolve({}));
      console.log(JSON.stringify({ ingestAlone: alone }));
      const wsUrl = `${server.url.replace('http', 'ws')}/api/ws?token=${WALL}`;
      const flooded = await ingestWhile(engine, feed, rate, seconds, async () => {
        const cpu = process.cpuUsage();
        const t = performance.now();
        const a = await flood(wsUrl, connections, 4, seconds, query);
        const s = (performance.now() - t) / 1000;
        const c = process.cpuUsage(cpu);
        return {
          floodQuery: query, floodConnections: connections, floodInFlight: connections * 4, answeredPerS: round(a.ok / s), refused: a.errors,
          answerLatencyP50Ms: a.p50 === null ? null : round(a.p50), answerLatencyP99Ms: a.p99 === null ? null : round(a.p99),
          engineProcessCpuPerS: round((c.user + c.system) / 1e6 / s, 2),
        };
      });
      console.log(JSON.stringify({ ingestDuringFlood: flooded }));
      return { oneQuery: one, ingestAlone: alone, ingestDuringFlood: flooded };
    } finally {
      await server.close();
      await engine.stop();
    }
  } finally {
    tmp.remove();
  }
}
