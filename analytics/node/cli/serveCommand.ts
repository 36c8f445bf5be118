import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../paths.js';
import { startEngine, type Engine } from '../engine.js';
import type { FeedSource } from '../feeds/feedSource.js';
import type { ServeSettings } from '../config.js';
import { AuditLog } from '../audit/auditLog.js';
import { AccessTokens, DevicesFileSchema, type DevicesFile } from '../server/access.js';
import { DEFAULT_SERVER, startServer, type RunningServer } from '../server/httpServer.js';

/** The built wall (renderer/dist), served at `/`. */
export const RENDERER_DIR = join(packageRoot(), 'renderer', 'dist');

export interface Served {
  engine: Engine;
  server: RunningServer;
  token: string;
  tokenFile: string;
  devices: DevicesFile;
  devicesFile: string;
  stop(): Promise<void>;
}

/**
 * The devices and their tokens: from the devices file when given, otherwise one per role is made
 * (wall-1, console-1, console-2, analyst-1) and kept beside the database so they survive restarts.
 */
export function loadDevices(path: string | undefined, dbDir: string): { devices: DevicesFile; file: string } {
  const file = path ?? join(dbDir, 'devices.json');
  if (existsSync(file)) {
    const parsed = DevicesFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`devices file ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return { devices: parsed.data, file };
  }
  if (path !== undefined) throw new Error(`devices file ${path} does not exist`);
  const devices: DevicesFile = [
    { device: 'wall-1', role: 'wall', token: AccessTokens.generate() },
    { device: 'console-1', role: 'shift_leader', token: AccessTokens.generate() },
    { device: 'console-2', role: 'shift_leader', token: AccessTokens.generate() },
    { device: 'analyst-1', role: 'analyst', token: AccessTokens.generate() },
  ];
  writeFileSync(file, `${JSON.stringify(devices, null, 2)}\n`, { mode: 0o600 });
  return { devices, file };
}

/** Starts the engine and the headless server on it; writes the admin token beside the database. */
export async function startServe(s: ServeSettings, memoryFeed?: FeedSource): Promise<Served> {
  const engine = await startEngine(s.engine, memoryFeed);
  const token = s.token ?? AccessTokens.generate();
  const tokens = new AccessTokens();
  tokens.add(token, 'admin', 'admin');
  if (s.wallToken) tokens.add(s.wallToken, 'wall', 'wall');
  const dbDir = dirname(s.engine.db);
  const { devices, file: devicesFile } = loadDevices(s.devices, dbDir);
  for (const d of devices) tokens.add(d.token, d.role, d.device);
  const tokenFile = join(dbDir, 'token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  // every action and every refusal at the engine API goes into the hash-chained audit log, under the device that did it
  const auditLog = new AuditLog(join(dbDir, 'audit.log'));
  const audit = (line: string, who?: { device: string; role: string }): void => {
    auditLog.append(who ? `${who.device}/${who.role}` : 'engine-api', line, /^(refused|dropped|closed)/.test(line) ? 'refused' : 'done');
  };
  let server: RunningServer;
  try {
    server = await startServer(engine, { ...DEFAULT_SERVER, host: s.host, port: s.port, tokens, allowedOrigins: s.allowedOrigins, staticDir: RENDERER_DIR, audit });
  } catch (e) {
    await engine.stop();
    throw e;
  }
  return {
    engine, server, token, tokenFile, devices, devicesFile,
    stop: async () => {
      await server.close();
      await engine.stop();
    },
  };
}

export function onShutdown(fn: () => Promise<void>): void {
  let stopping = false;
  const handler = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${sig}: stopping (committing what was taken)...`);
    fn().then(() => process.exit(0), (e: unknown) => {
      console.error(e);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}
