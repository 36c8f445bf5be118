import { writeFileSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Browser } from 'playwright-core';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { freePort, NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { launchChromium } from './browser.js';
import { builtCli, EngineProcess } from './engineProcess.js';
import { afterAll, beforeAll } from 'vitest';
import { tempDir, waitFor } from './harness.js';

export interface BrowserEngine {
  server: NatsServerProcess;
  engine: EngineProcess;
  nc: NatsConnection;
  browser: Browser;
}

/**
 * What the browser tests of the wall and the console stand on: a private nats-server, `cityops
 * serve` with a wall (wall-1) and a shift leader's console (console-1) as devices, a publishing
 * connection, and Chromium. `name` names the database file and the connection.
 */
export async function startBrowserEngine(dir: string, name: string, tokens: { wall: string; console: string }): Promise<BrowserEngine> {
  const server = await NatsServerProcess.start();
  const devices = `${dir}/devices.json`;
  writeFileSync(devices, JSON.stringify([{ device: 'wall-1', role: 'wall', token: tokens.wall }, { device: 'console-1', role: 'shift_leader', token: tokens.console }]));
  const engine = await EngineProcess.start(builtCli(), ['--nats', server.url, '--db', `${dir}/${name}.duckdb`, '--port', String(await freePort()), '--devices', devices]);
  const nc = await connectNats({ url: server.url, name: `${name} test feed` });
  await waitFor(async () => (await engine.health()).ok, 'engine connected');
  const browser = await launchChromium();
  return { server, engine, nc, browser };
}

/**
 * The same for a test file: started before its tests, stopped after them (Chromium, the feed
 * connection, the engine with SIGTERM, nats-server, the temporary folder), its parts read through
 * the returned object once the tests run.
 */
export function browserEngineSuite(name: string, tokens: { wall: string; console: string }): BrowserEngine & { dir: string } {
  const tmp = tempDir(`cityops-${name}-`);
  let parts: BrowserEngine | null = null;
  const get = (): BrowserEngine => {
    if (!parts) throw new Error('the browser engine is not started yet: use it inside a test');
    return parts;
  };
  beforeAll(async () => {
    parts = await startBrowserEngine(tmp.dir, name, tokens);
  });
  afterAll(async () => {
    await parts?.browser.close();
    await parts?.nc.close();
    await parts?.engine.kill('SIGTERM');
    await parts?.server.dispose();
    tmp.remove();
  });
  return {
    dir: tmp.dir,
    get server() { return get().server; },
    get engine() { return get().engine; },
    get nc() { return get().nc; },
    get browser() { return get().browser; },
  };
}
