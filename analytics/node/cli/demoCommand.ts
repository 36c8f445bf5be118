import { resolveServeSettings, type Flags } from '../config.js';
import { MemoryFeed } from '../feeds/memorySource.js';
import { connectNats } from '../feeds/natsConnect.js';
import { NatsPublisher } from '../feeds/natsPublisher.js';
import type { FeedPublisher } from '../feeds/feedPublisher.js';
import { buildCity } from '../sim/city.js';
import { CitySimulator, DEFAULT_SIM } from '../sim/simulator.js';
import { findNatsServer, NatsServerProcess } from '../feeds/natsServerProcess.js';
import { onShutdown, startServe } from './serveCommand.js';
import { scenariosOf } from '../sim/scenarios.js';

/**
 * The whole product on one machine: a private nats-server on free ports when one is installed
 * (otherwise the in-process feed, labelled "demo, no NATS"), the engine, the server and the
 * simulated city of Shiyan.
 */
export async function runDemo(flags: Flags): Promise<void> {
  const useNats = flags['no-nats'] !== true && findNatsServer() !== null;
  const nats = useNats ? await NatsServerProcess.start() : null;
  try {
    await demoOn(nats, flags);
  } catch (e) {
    await nats?.dispose();
    throw e;
  }
}

async function demoOn(nats: NatsServerProcess | null, flags: Flags): Promise<void> {
  const settings = resolveServeSettings({ db: '.cityops/demo.duckdb', port: '8640', ...flags, ...(nats ? { nats: nats.url } : {}) });
  const memory = nats ? null : new MemoryFeed();
  if (!nats) settings.engine.nats = null;
  const served = await startServe(settings, memory ?? undefined);
  let publisher: FeedPublisher;
  let closePublisher = async (): Promise<void> => undefined;
  if (nats) {
    const nc = await connectNats({ url: nats.url, name: 'cityops demo simulator' });
    publisher = new NatsPublisher(nc);
    closePublisher = () => nc.drain();
  } else {
    publisher = memory as MemoryFeed;
  }
  const seed = Number(flags['seed'] ?? DEFAULT_SIM.seed);
  const city = buildCity(Number(flags['assets'] ?? 400), seed);
  const sim = new CitySimulator(city, publisher, {
    ...DEFAULT_SIM, seed, rate: Number(flags['rate'] ?? 500),
    scenarios: scenariosOf(flags['scenario'] ?? ['gas-leak,bridge-overload,flood,sensor-silent,water-main-burst,malformed']),
  });
  await sim.publishRegistry(Date.now());
  sim.start();
  const url = served.server.url;
  console.log(`cityops demo: the simulated city of Shiyan (${city.assets.length} assets)`);
  console.log(nats ? `  NATS:       ${nats.url} (private nats-server, JetStream stream ${settings.engine.stream})` : '  NATS:       demo, no NATS (nats-server not installed): in-process feed');
  // each screen gets its own device's token: a wall address that carried the administrator's token
  // made whoever opened it an administrator (and the console in the same browser with it)
  const wall = served.devices.find((x) => x.role === 'wall');
  console.log(wall ? `  wall:       ${url}/#token=${wall.token}   (${wall.device}, display only)` : `  wall:       no device with the role "wall" in ${served.devicesFile}`);
  for (const d of served.devices.filter((x) => x.role === 'shift_leader').slice(0, 1)) console.log(`  console:    ${url}/?view=console#token=${d.token}   (${d.device}, shift leader)`);
  // the analyst takes the data home: an export of the last hour, opened anywhere with `cityops open`
  for (const d of served.devices.filter((x) => x.role === 'analyst').slice(0, 1)) {
    console.log(`  workbench:  ${url}/?view=analysis#token=${d.token}   (${d.device}, analyst: SQL, charts, correlation)`);
    console.log(`  export:     node dist/analytics/node/cli/main.js export --url ${url} --token ${d.token} --from <ISO> --to <ISO> --out <folder>   (${d.device}, analyst)`);
  }
  console.log(`  health:     ${url}/api/health`);
  console.log(`  engine API: ${url.replace(/^http/, 'ws')}/api/ws   (administrator token in ${served.tokenFile}; devices in ${served.devicesFile})`);
  console.log(`  database:   ${settings.engine.db}`);
  console.log('  Ctrl-C stops everything.');
  onShutdown(async () => {
    sim.stop();
    await closePublisher();
    await served.stop();
    await memory?.close();
    await nats?.dispose();
  });
}
