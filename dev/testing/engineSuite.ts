import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { defaultEngineConfig, startEngine, type Engine, type EngineConfig } from '../../analytics/node/engine.js';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { tempDir } from './harness.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';

/**
 * For one test file: a private nats-server, a publishing connection, and engines on DuckDB files
 * in a temp folder. Engines started with `engineOn` are stopped after each test; the server and
 * the folder go at the end.
 */
export function engineSuite(): {
  readonly server: NatsServerProcess;
  readonly nc: NatsConnection;
  readonly dir: string;
  config(over?: Partial<EngineConfig>, name?: string): EngineConfig;
  engineOn(cfg: EngineConfig): Promise<Engine>;
  /** An engine started elsewhere (not waited for), stopped after the test like the others. */
  track(e: Engine): Engine;
  stopEngine(e: Engine): Promise<void>;
} {
  const tmp = tempDir();
  const engines: Engine[] = [];
  let server: NatsServerProcess | null = null;
  let nc: NatsConnection | null = null;
  let count = 0;
  beforeAll(async () => {
    server = await NatsServerProcess.start();
    nc = await connectNats({ url: server.url, name: 'test publisher' });
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.stop().catch(() => undefined);
  });
  afterAll(async () => {
    await nc?.close();
    await server?.dispose();
    tmp.remove();
  });
  const started = <T>(x: T | null, what: string): T => {
    if (x === null) throw new Error(`${what} is not started yet (use it inside a test)`);
    return x;
  };
  return {
    get server() { return started(server, 'the nats-server'); },
    get nc() { return started(nc, 'the publisher connection'); },
    dir: tmp.dir,
    config: (over = {}, name = 'db') => {
      const n = ++count;
      return defaultEngineConfig({ db: `${tmp.dir}/${name}-${n}.duckdb`, nats: { url: started(server, 'the nats-server').url }, consumer: `test-${name}-${n}`, maintenanceIntervalMs: 3_600_000, ...over });
    },
    engineOn: async (cfg) => {
      const e = await startEngine(cfg);
      engines.push(e);
      await e.whenConnected();
      return e;
    },
    track: (e) => {
      engines.push(e);
      return e;
    },
    stopEngine: async (e) => {
      const i = engines.indexOf(e);
      if (i >= 0) engines.splice(i, 1);
      await e.stop();
    },
  };
}
