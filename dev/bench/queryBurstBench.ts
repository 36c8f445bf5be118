import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { defaultEngineConfig, startEngine } from '../../analytics/node/engine.js';
import { MemoryFeed } from '../../analytics/node/feeds/memorySource.js';
import { packageRoot } from '../../analytics/node/paths.js';
import { AccessTokens } from '../../analytics/node/server/access.js';
import { DEFAULT_SERVER, startServer } from '../../analytics/node/server/httpServer.js';
import { tempDir } from '../testing/harness.js';
import { percentile, round } from './stats.js';

const WALL = AccessTokens.generate();

/** A separate process, as a hostile client would be: sends `n` queries at once, then leaves. */
const CLIENT = `
import { WebSocket } from 'ws';
const [url, n] = [process.argv[1], Number(process.argv[2])];
const ws = new WebSocket(url);
ws.on('open', () => {
  for (let i = 1; i <= n; i++) ws.send(JSON.stringify({ t: 'query', id: i, name: 'assets', params: { limit: 20000 } }));
  setTimeout(() => { ws.terminate(); process.exit(0); }, 500);
});
ws.on('error', (e) => { console.error(e.message); process.exit(1); });
`;

function burst(url: string, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', CLIENT, url, String(n)], { cwd: packageRoot(), stdio: ['ignore', 'inherit', 'inherit'] });
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`burst client exited ${code}`))));
  });
}

/**
 * The query burst of issue 9: a wall-token client sends `n` `assets` queries (limit 20,000) within
 * half a second and leaves. Measures the engine process's RSS, /api/health's latency meanwhile,
 * how long until nothing is left running, and how long a stop takes in the middle of a burst.
 */
export async function queryBurstBench(assets: number, bursts: number[]): Promise<Record<string, unknown>> {
  const tmp = tempDir('cityops-bench-');
  const feed = new MemoryFeed();
  const engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/b.duckdb`, nats: null, maintenanceIntervalMs: 3_600_000 }), feed);
  const tokens = new AccessTokens();
  tokens.add(WALL, 'wall');
  const server = await startServer(engine, { ...DEFAULT_SERVER, port: 0, tokens, audit: () => undefined });
  const enc = new TextEncoder();
  const ts = Date.now() - 60_000;
  for (let i = 0; i < assets; i++) {
    await feed.publish(`city.asset.water.420302.a-${i}`, enc.encode(JSON.stringify({
      id: `a-${i}`, ts, name: `茅箭区市政消火栓${i}号`, kind: 'hydrant', lat: 32.6, lon: 110.8,
      owner: '十堰市水务集团有限公司', supervisor: '十堰市城市管理执法委员会', attrs: { caliber_mm: 150, road: '人民北路' },
    })));
  }
  while (engine.health().ingest.stored < assets) await new Promise((r) => setTimeout(r, 50));
  const wsUrl = `${server.url.replace('http', 'ws')}/api/ws?token=${WALL}`;
  const out: Record<string, unknown>[] = [];
  try {
    for (const n of bursts) {
      global.gc?.();
      const rss0 = process.memoryUsage().rss;
      let peak = rss0;
      const latencies: number[] = [];
      let polling = true;
      const poll = (async () => {
        while (polling) {
          const t = performance.now();
          const r = await fetch(`${server.url}/api/health`);
          await r.json();
          latencies.push(performance.now() - t);
          peak = Math.max(peak, process.memoryUsage().rss);
          await new Promise((res) => setTimeout(res, 20));
        }
      })();
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const t0 = performance.now();
      await burst(wsUrl, n);
      while (engine.queries.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
      const drainedMs = performance.now() - t0;
      polling = false;
      await poll;
      loop.disable();
      out.push({
        queries: n, assets, rssBeforeMB: round(rss0 / 2 ** 20), rssPeakMB: round(peak / 2 ** 20), drainedAfterLeavingMs: round(drainedMs),
        healthSamples: latencies.length, healthP50Ms: round(percentile(latencies, 50)), healthP99Ms: round(percentile(latencies, 99)), healthMaxMs: round(Math.max(...latencies)),
        eventLoopDelayP99Ms: round(loop.percentile(99) / 1e6), eventLoopDelayMaxMs: round(loop.max / 1e6),
      });
      console.log(JSON.stringify(out[out.length - 1]));
    }
    // a stop in the middle of a burst: running queries are interrupted, the engine does not wait for them
    const b = burst(wsUrl, 2000);
    await new Promise((r) => setTimeout(r, 200));
    const t = performance.now();
    await server.close();
    await engine.stop();
    out.push({ stopDuringBurstMs: round(performance.now() - t) });
    await b.catch(() => undefined);
  } finally {
    tmp.remove();
  }
  return { bursts: out };
}
