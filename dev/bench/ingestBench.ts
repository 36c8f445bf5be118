import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { defaultEngineConfig, startEngine } from '../../analytics/node/engine.js';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { tempDir, waitFor } from '../testing/harness.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';

const enc = new TextEncoder();

export interface IngestBenchResult {
  readings: number;
  perMessage: number;
  messages: number;
  bareReadingsPerS: number;
  engineReadingsPerS: number;
  ratio: number;
  peakRssMb: number;
}

/** Fills the stream with `readings` readings (arrays of `perMessage`), as a backlog to drain. */
export async function fillStream(nc: NatsConnection, readings: number, perMessage: number, assets = 2000): Promise<number> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'CITY', subjects: ['city.>'] });
  const base = Date.now() - 3_600_000;
  let messages = 0;
  const metrics = ['pressure_mpa', 'flow_m3h', 'lel_pct', 'strain_ue'];
  for (let i = 0; i < readings; i += perMessage) {
    const asset = (i / perMessage) % assets;
    const arr = [];
    for (let k = 0; k < perMessage && i + k < readings; k++) {
      const n = i + k;
      arr.push({ id: `b${n}`, ts: base + Math.floor(n / 50), metric: metrics[n % 4], value: Math.round((n % 997) * 37) / 100, unit: 'u' });
    }
    nc.publish(`city.telemetry.water.420302.a${asset}`, enc.encode(JSON.stringify(arr.length === 1 ? arr[0] : arr)));
    if (++messages % 2000 === 0) await nc.flush();
  }
  await nc.flush();
  await waitFor(async () => (await jsm.streams.info('CITY')).state.messages === messages, 'stream filled', 600_000, 200);
  return messages;
}

/** The bare consumer: an ordered consumer that only parses each message. */
export async function bareDrain(nc: NatsConnection, messages: number): Promise<{ seconds: number; readings: number }> {
  const js = jetstream(nc);
  const c = await js.consumers.get('CITY', { deliver_policy: DeliverPolicy.All });
  const t0 = performance.now();
  let n = 0;
  let readings = 0;
  const iter = await c.consume({ max_messages: 4096, threshold_messages: 1024 });
  for await (const m of iter) {
    const v: unknown = JSON.parse(new TextDecoder().decode(m.data));
    readings += Array.isArray(v) ? v.length : 1;
    if (++n === messages) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  await iter.close();
  return { seconds, readings };
}

export async function ingestBench(readings: number, perMessage: number): Promise<IngestBenchResult> {
  const server = await NatsServerProcess.start();
  const tmp = tempDir('cityops-bench-');
  const nc = await connectNats({ url: server.url });
  try {
    const messages = await fillStream(nc, readings, perMessage);
    const bare = await bareDrain(nc, messages);
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/bench.duckdb`, nats: { url: server.url }, maintenanceIntervalMs: 3_600_000 }));
    await engine.whenConnected();
    const t0 = performance.now();
    await waitFor(() => engine.health().ingest.received >= readings, 'engine drained the backlog', 3_600_000, 20);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const h = engine.health().ingest;
    if (h.stored !== readings) throw new Error(`stored ${h.stored} of ${readings}`);
    await engine.stop();
    const bareRate = bare.readings / bare.seconds;
    const engineRate = readings / seconds;
    return {
      readings, perMessage, messages, bareReadingsPerS: Math.round(bareRate), engineReadingsPerS: Math.round(engineRate),
      ratio: Math.round((engineRate / bareRate) * 1000) / 1000, peakRssMb: Math.round(peakRss / 1048576),
    };
  } finally {
    await nc.close();
    await server.dispose();
    tmp.remove();
  }
}
