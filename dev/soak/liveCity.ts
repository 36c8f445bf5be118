import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { NatsPublisher } from '../../analytics/node/feeds/natsPublisher.js';
import { buildCity } from '../../analytics/node/sim/city.js';
import type { ScenarioName } from '../../analytics/node/sim/scenarios.js';
import { CitySimulator, DEFAULT_SIM } from '../../analytics/node/sim/simulator.js';
import { builtCli, EngineProcess } from '../testing/engineProcess.js';
import { tempDir, waitFor } from '../testing/harness.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';

export interface LiveCity {
  server: NatsServerProcess;
  engine: EngineProcess;
  sim: CitySimulator;
  nc: NatsConnection;
  token: string;
  /** Wall URL with the token in the fragment. */
  url: (query: string) => string;
  stop: () => Promise<void>;
  /** Milliseconds from starting `cityops serve` to its health answering ok. */
  readyMs: number;
}

/** A real nats-server, a real `cityops serve` and the simulated city feeding it. */
export async function startLiveCity(o: { rate: number; assets: number; scenarios?: ScenarioName[]; speed?: number; eventsPerMin?: number }): Promise<LiveCity> {
  const token = 'wall-token-0123456789abcdef';
  const tmp = tempDir('cityops-live-');
  const server = await NatsServerProcess.start();
  const t0 = performance.now();
  const engine = await EngineProcess.start(builtCli(), ['--nats', server.url, '--db', `${tmp.dir}/live.duckdb`, '--port', '0', '--token', token]);
  await waitFor(async () => (await engine.health()).ok, 'engine ready', 60_000, 20);
  const readyMs = performance.now() - t0;
  const nc = await connectNats({ url: server.url, name: 'live city simulator' });
  const sim = new CitySimulator(buildCity(o.assets, 613), new NatsPublisher(nc), {
    ...DEFAULT_SIM, rate: o.rate, scenarios: o.scenarios ?? [], speed: o.speed ?? 1, eventsPerMin: o.eventsPerMin ?? DEFAULT_SIM.eventsPerMin,
  });
  await sim.publishRegistry(Date.now());
  sim.start();
  return {
    server, engine, sim, nc, token, readyMs,
    url: (q) => `${engine.url}/${q}#token=${token}`,
    stop: async () => {
      sim.stop();
      await nc.close();
      await engine.kill('SIGTERM');
      await server.dispose();
      tmp.remove();
    },
  };
}
