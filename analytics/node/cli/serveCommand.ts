import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../paths.js';
import { startEngine, type Engine } from '../engine.js';
import type { FeedSource } from '../feeds/feedSource.js';
import type { ServeSettings } from '../config.js';
import { AuditLog } from '../audit/auditLog.js';
import { AccessTokens } from '../server/access.js';
import { DEFAULT_SERVER, startServer, type RunningServer } from '../server/httpServer.js';

/** The built wall (renderer/dist), served at `/`. */
export const RENDERER_DIR = join(packageRoot(), 'renderer', 'dist');

export interface Served {
  engine: Engine;
  server: RunningServer;
  token: string;
  tokenFile: string;
  stop(): Promise<void>;
}

/** Starts the engine and the headless server on it; writes the admin token beside the database. */
export async function startServe(s: ServeSettings, memoryFeed?: FeedSource): Promise<Served> {
  const engine = await startEngine(s.engine, memoryFeed);
  const token = s.token ?? AccessTokens.generate();
  const tokens = new AccessTokens();
  tokens.add(token, 'admin');
  if (s.wallToken) tokens.add(s.wallToken, 'wall');
  const tokenFile = join(dirname(s.engine.db), 'token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  // every action and every refusal at the engine API goes into the hash-chained audit log
  const auditLog = new AuditLog(join(dirname(s.engine.db), 'audit.log'));
  const audit = (line: string): void => {
    auditLog.append('engine-api', line, /^(refused|dropped|closed)/.test(line) ? 'refused' : 'done');
  };
  let server: RunningServer;
  try {
    server = await startServer(engine, { ...DEFAULT_SERVER, host: s.host, port: s.port, tokens, allowedOrigins: s.allowedOrigins, staticDir: RENDERER_DIR, audit });
  } catch (e) {
    await engine.stop();
    throw e;
  }
  return {
    engine, server, token, tokenFile,
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
