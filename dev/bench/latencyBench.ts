import { defaultEngineConfig, startEngine } from '../../analytics/node/engine.js';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { tempDir } from '../testing/harness.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { round, weightedPercentile } from './stats.js';

const enc = new TextEncoder();

/**
 * Publish → queryable at a steady rate: readings carry their publish time as ts; a batch's readings
 * count as queryable when its transaction commits. Each batch is charged its oldest reading's
 * latency for all of its readings (an upper bound).
 */
export async function latencyBench(rate: number, seconds: number, perMessage: number): Promise<Record<string, number>> {
  const server = await NatsServerProcess.start();
  const tmp = tempDir('cityops-bench-');
  const engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/lat.duckdb`, nats: { url: server.url }, maintenanceIntervalMs: 3_600_000 }));
  await engine.whenConnected();
  const nc = await connectNats({ url: server.url });
  const samples: { value: number; weight: number }[] = [];
  const rollupLag: number[] = [];
  let measuring = false;
  engine.onCommit((b) => {
    if (measuring && b.readings > 0) samples.push({ value: b.committedAtMs - b.oldestTsMs, weight: b.readings });
  });
  try {
    const tickMs = 10;
    const perTick = (rate * tickMs) / 1000;
    let sent = 0;
    let carry = 0;
    const t0 = Date.now();
    const warmupMs = 2000;
    while (Date.now() - t0 < seconds * 1000 + warmupMs) {
      measuring = Date.now() - t0 >= warmupMs;
      carry += perTick;
      while (carry >= perMessage) {
        const now = Date.now();
        const arr = Array.from({ length: perMessage }, (_, k) => ({ id: `l${sent + k}`, ts: now, metric: 'lel_pct', value: (sent + k) % 40 }));
        nc.publish(`city.telemetry.gas.420303.a${(sent / perMessage) % 500}`, enc.encode(JSON.stringify(arr)));
        sent += perMessage;
        carry -= perMessage;
      }
      await new Promise((r) => setTimeout(r, tickMs));
    }
    measuring = false;
    await nc.flush();
    // how far behind the rollups run at this rate
    const rolled = await engine.db.queryRows("SELECT max(last_ts) AS t FROM rollup_10s");
    rollupLag.push(Date.now() - Number(rolled[0]?.['t'] ?? 0));
    return {
      rate, seconds, perMessage, batches: samples.length,
      p50Ms: round(weightedPercentile(samples, 50)), p99Ms: round(weightedPercentile(samples, 99)),
      maxMs: round(Math.max(...samples.map((s) => s.value))), rollupLagAtEndMs: round(rollupLag[0] ?? NaN),
    };
  } finally {
    await nc.close();
    await engine.stop();
    await server.dispose();
    tmp.remove();
  }
}
