import { defaultEngineConfig, startEngine } from '../../analytics/node/engine.js';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { tempDir, waitFor } from '../testing/harness.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { fillStream } from './ingestBench.js';

/** RSS while the engine drains a backlog of `readings` that waited in the stream. */
export async function backlogBench(readings: number, perMessage: number): Promise<Record<string, number>> {
  const server = await NatsServerProcess.start();
  const tmp = tempDir('cityops-bench-');
  const nc = await connectNats({ url: server.url });
  try {
    await fillStream(nc, readings, perMessage);
    await nc.close();
    const rssBefore = process.memoryUsage().rss;
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 250);
    const engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/backlog.duckdb`, nats: { url: server.url }, maintenanceIntervalMs: 30_000 }));
    const t0 = Date.now();
    await waitFor(() => engine.health().ingest.received >= readings, 'backlog drained', 3_600_000, 100);
    const seconds = (Date.now() - t0) / 1000;
    clearInterval(sampler);
    await engine.stop();
    const mb = (x: number): number => Math.round(x / 1048576);
    const half = samples.slice(Math.floor(samples.length / 2));
    return {
      readings, perMessage, drainS: Math.round(seconds), readingsPerS: Math.round(readings / seconds),
      rssBeforeMb: mb(rssBefore), rssPeakMb: mb(Math.max(...samples)),
      rssFirstHalfPeakMb: mb(Math.max(...samples.slice(0, Math.floor(samples.length / 2)))), rssSecondHalfPeakMb: mb(Math.max(...half)),
    };
  } finally {
    await server.dispose();
    tmp.remove();
  }
}
