import { defaultEngineConfig, startEngine } from '../../analytics/node/engine.js';
import { builtCli, EngineProcess } from '../testing/engineProcess.js';
import { tempDir, waitFor } from '../testing/harness.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { round } from './stats.js';

/** How fast the engine notices a lost nats-server, reconnects when it returns, and comes back after kill -9. */
export async function outageBench(rounds: number): Promise<Record<string, number>> {
  const server = await NatsServerProcess.start();
  const tmp = tempDir('cityops-bench-');
  const engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/o.duckdb`, nats: { url: server.url } }));
  await engine.whenConnected();
  const detect: number[] = [];
  const reconnect: number[] = [];
  const live: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const signal = i % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
      let t = performance.now();
      await server.stop(signal);
      await waitFor(() => !engine.health().nats.connected, 'disconnect seen', 60_000, 5);
      detect.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 1000 + (i % 3) * 1000));
      t = performance.now();
      await server.restart();
      await waitFor(() => engine.health().nats.connected, 'reconnected', 60_000, 5);
      reconnect.push(performance.now() - t);
    }
    await engine.stop();
    // the engine process killed with SIGKILL: from restart to answering health with ingest running
    const args = ['--nats', server.url, '--db', `${tmp.dir}/k.duckdb`, '--port', '0', '--token', 'bench-token-0123456789'];
    let p = await EngineProcess.start(builtCli(), args);
    for (let i = 0; i < rounds; i++) {
      await p.kill('SIGKILL');
      const t = performance.now();
      p = await EngineProcess.start(builtCli(), args);
      await waitFor(async () => (await p.health()).ok, 'engine live', 60_000, 5);
      live.push(performance.now() - t);
    }
    await p.kill('SIGTERM');
    return {
      rounds, disconnectSeenMaxMs: round(Math.max(...detect)), disconnectSeenMeanMs: round(detect.reduce((a, b) => a + b, 0) / detect.length),
      reconnectMaxMs: round(Math.max(...reconnect)), reconnectMeanMs: round(reconnect.reduce((a, b) => a + b, 0) / reconnect.length),
      liveAfterKill9MaxMs: round(Math.max(...live)), liveAfterKill9MeanMs: round(live.reduce((a, b) => a + b, 0) / live.length),
    };
  } finally {
    await server.dispose();
    tmp.remove();
  }
}
