import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { packageRoot } from '../paths.js';
import { startEngine, type Engine } from '../engine.js';
import type { FeedSource } from '../feeds/feedSource.js';
import type { ServeSettings } from '../config.js';
import { AuditLog } from '../audit/auditLog.js';
import { AccessTokens, DevicesFileSchema, type DevicesFile } from '../server/access.js';
import { DEFAULT_SERVER, startServer, type RunningServer } from '../server/httpServer.js';
import { issuesText } from '../../common/vocabulary.js';
import { isEngineStopMessage } from '../../common/desktopApi.js';

/** The built wall (renderer/dist), served at `/`. */
export const RENDERER_DIR = join(packageRoot(), 'renderer', 'dist');

export interface Served {
  engine: Engine;
  server: RunningServer;
  token: string;
  tokenFile: string;
  auditFile: string;
  devices: DevicesFile;
  devicesFile: string;
  stop(): Promise<void>;
}

/**
 * The files an engine keeps beside its database, named after the database file: two engines with
 * different `--db` files in one directory must not overwrite each other's admin token nor
 * interleave one audit chain. The devices file stays one per directory (`devices.json`): it lists
 * the site's screens and workstations, which are the same whichever engine they talk to, it is only
 * written when absent (exclusively), and engines on one site sharing it is what the operator wants.
 */
export function engineFiles(db: string): { tokenFile: string; auditFile: string; devicesFile: string } {
  const dir = dirname(db);
  const name = basename(db);
  return { tokenFile: join(dir, `${name}.token`), auditFile: join(dir, `${name}.audit.log`), devicesFile: join(dir, 'devices.json') };
}

function readDevices(file: string): DevicesFile {
  const parsed = DevicesFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`devices file ${file}: ${issuesText(parsed.error)}`);
  return parsed.data;
}

/**
 * The devices and their tokens: from the devices file when given, otherwise one per role is made
 * (wall-1, console-1, console-2, analyst-1) and kept beside the database so they survive restarts.
 */
export function loadDevices(path: string | undefined, db: string): { devices: DevicesFile; file: string } {
  const file = path ?? engineFiles(db).devicesFile;
  if (existsSync(file)) return { devices: readDevices(file), file };
  if (path !== undefined) throw new Error(`devices file ${path} does not exist`);
  const devices: DevicesFile = [
    // names are what the screens say of who acted (never the id); rename them in the file to the centre's own
    { device: 'wall-1', role: 'wall', name: '大屏1', token: AccessTokens.generate() },
    { device: 'console-1', role: 'shift_leader', name: '一号值班台', token: AccessTokens.generate() },
    { device: 'console-2', role: 'shift_leader', name: '二号值班台', token: AccessTokens.generate() },
    { device: 'analyst-1', role: 'analyst', name: '分析席', token: AccessTokens.generate() },
  ];
  try {
    // exclusive: of two engines starting together in one directory, one writes and the other reads its file
    writeFileSync(file, `${JSON.stringify(devices, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { devices: readDevices(file), file };
    throw e;
  }
  return { devices, file };
}

/**
 * The server's audit: each line appended to the hash-chained log under the device that acted; a
 * full disk or an I/O error leaves the log whole (AuditLog cuts back) and is counted in health.
 */
export function auditSink(file: string, boundary: { note(where: string, e: unknown): void }): (line: string, who?: { device: string; role: string }) => void {
  const auditLog = new AuditLog(file);
  return (line, who) => {
    try {
      auditLog.append(who ? `${who.device}/${who.role}` : 'engine-api', line, /^(refused|dropped|closed|suppressed)/.test(line) ? 'refused' : 'done');
    } catch (e) {
      boundary.note('audit write', e);
    }
  };
}

/** Starts the engine and the headless server on it; writes the admin token beside the database. */
export async function startServe(s: ServeSettings, memoryFeed?: FeedSource): Promise<Served> {
  const engine = await startEngine(s.engine, memoryFeed);
  const token = s.token ?? AccessTokens.generate();
  const tokens = new AccessTokens();
  tokens.add(token, 'admin', 'admin');
  if (s.wallToken) tokens.add(s.wallToken, 'wall', 'wall');
  const { tokenFile, auditFile } = engineFiles(s.engine.db);
  const { devices, file: devicesFile } = loadDevices(s.devices, s.engine.db);
  for (const d of devices) tokens.add(d.token, d.role, d.device, d.name ?? null);
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  // every action and every refusal at the engine API goes into the hash-chained audit log, under the device that did it
  const audit = auditSink(auditFile, engine.boundary);
  let server: RunningServer;
  try {
    server = await startServer(engine, { ...DEFAULT_SERVER, host: s.host, port: s.port, tokens, allowedOrigins: s.allowedOrigins, staticDir: RENDERER_DIR, audit });
  } catch (e) {
    await engine.stop();
    throw e;
  }
  return {
    engine, server, token, tokenFile, auditFile, devices, devicesFile,
    stop: async () => {
      await server.close();
      await engine.stop();
    },
  };
}

/** How long a graceful stop may take before the process exits anyway (CITYOPS_SHUTDOWN_DEADLINE_MS). */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

export function shutdownDeadlineMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env['CITYOPS_SHUTDOWN_DEADLINE_MS'];
  if (text === undefined || text === '') return DEFAULT_SHUTDOWN_DEADLINE_MS;
  const ms = Number(text);
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`CITYOPS_SHUTDOWN_DEADLINE_MS must be a non-negative number of ms, got ${text}`);
  return ms;
}

/**
 * On SIGTERM or SIGINT: a graceful stop (the last batch committed, connections closed), but within
 * a deadline. A supervisor that sent SIGTERM wants the process gone in seconds even under load; what
 * DuckDB committed is durable, and the feed redelivers what was not, so exiting at the deadline
 * loses nothing committed. A second signal exits at once.
 */
export function onShutdown(fn: () => Promise<void>, deadlineMs: number = shutdownDeadlineMs()): void {
  let stopping: string | null = null;
  const handler = (sig: string): void => {
    if (stopping !== null) {
      console.error(`${sig} during the stop after ${stopping}: exiting now`);
      process.exit(1);
    }
    stopping = sig;
    console.log(`\n${sig}: stopping (committing what was taken)...`);
    // not unref'd: the deadline holds the process until it fires or the stop finishes
    setTimeout(() => {
      console.error(`${sig}: the graceful stop did not finish within ${deadlineMs} ms (queries or a commit still running); exiting without it, committed data is durable`);
      process.exit(1);
    }, deadlineMs);
    fn().then(() => process.exit(0), (e: unknown) => {
      console.error(e);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
  onStopMessage(() => handler('stop message'));
}

/** Electron's utility process hands its child a `process.parentPort` whose messages carry `data`. */
interface ParentPort {
  on(event: 'message', listener: (e: { data?: unknown }) => void): unknown;
}

/**
 * The shell's stop message ({@link ENGINE_STOP_MESSAGE}) from Electron's parent port, or from a
 * Node parent over IPC: the same graceful stop as SIGTERM, which Windows cannot send. Any other
 * message is ignored; neither listener keeps the process alive.
 */
function onStopMessage(stop: () => void): void {
  const port = (process as { parentPort?: unknown }).parentPort;
  if (typeof port === 'object' && port !== null && typeof (port as ParentPort).on === 'function') {
    (port as ParentPort).on('message', (e) => {
      if (isEngineStopMessage(e?.data)) stop();
    });
  }
  if (typeof process.send === 'function') {
    process.on('message', (m) => {
      if (isEngineStopMessage(m)) stop();
    });
    // the IPC channel must not hold the process when nothing else does
    process.channel?.unref();
  }
}
