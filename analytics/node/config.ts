import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { defaultEngineConfig, type EngineConfig } from './engine.js';
import type { NatsOptions } from './feeds/natsConnect.js';
import type { QueryLimits } from './queries/queryGate.js';
import { issuesText } from '../common/vocabulary.js';
import { SQL_MAX_ROWS } from '../common/analysis.js';
import type { SqlLimits } from './analysis/sqlWorkbench.js';
import { parseScope, type FeedScope } from '../common/subjects.js';
import { DOMAINS } from '../common/city.js';

/**
 * Settings come from, lowest first: defaults, a JSON config file (--config or CITYOPS_CONFIG),
 * environment variables (CITYOPS_*), command-line flags.
 */
export const FileConfigSchema = z.object({
  nats: z.object({
    url: z.string().optional(), user: z.string().optional(), pass: z.string().optional(), token: z.string().optional(),
    nkey: z.string().optional(), credsFile: z.string().optional(), tlsCaFile: z.string().optional(),
  }).optional(),
  db: z.string().optional(),
  stream: z.string().optional(),
  consumer: z.string().optional(),
  createStream: z.boolean().optional(),
  /** The feed watchdog (docs/reliability.md): ms without a message, while the stream holds more, before the consumer is recreated. */
  feedStallMs: z.number().int().min(500).max(600_000).optional(),
  /** Read only part of the city (a district centre): { domains?: [...], districts?: [...] }. */
  scope: z.object({ domains: z.array(z.enum(DOMAINS)).min(1).optional(), districts: z.array(z.string().regex(/^[0-9]{6}$/)).min(1).optional() }).optional(),
  /** The OPS stream's duplicate window in seconds (default one day). */
  opsDuplicateWindowS: z.number().int().min(1).max(400 * 86_400).optional(),
  /** Decode on a thread of its own (default true); false decodes on ingest's thread. */
  decodeThread: z.boolean().optional(),
  fallbackToCore: z.boolean().optional(),
  host: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  token: z.string().optional(),
  wallToken: z.string().optional(),
  /** A devices file: [{ device, role, token }], one token per wall screen and workstation. */
  devices: z.string().optional(),
  allowedOrigins: z.array(z.string()).optional(),
  retention: z.object({ rawDays: z.number().positive(), rollup10sDays: z.number().positive(), rollup1mDays: z.number().positive() }).partial().optional(),
  /** Bounds on the query load (docs/engine-api.md, "Limits"). */
  queries: z.object({
    maxInFlight: z.number().int().min(1).max(1000), maxInFlightPerClient: z.number().int().min(1).max(1000),
    timeoutMs: z.number().int().min(1).max(3_600_000), maxResultBytes: z.number().int().min(1024).max(1024 ** 3),
  }).partial().strict().optional(),
  /** Replay on the live engine (docs/replay.md): the most alarm transitions, operator actions and findings held in memory. */
  replay: z.object({ maxFacts: z.number().int().min(1000).max(100_000_000) }).partial().strict().optional(),
  /** The district trends held in memory for the wall (docs/engine-api.md): at most this many (domain, district, metric), 0 for none. */
  liveSeriesKeys: z.number().int().min(0).max(100_000).optional(),
  /** The SQL console (docs/analysis.md): time limits, rows, statements at once, files waiting for download. */
  sql: z.object({
    timeoutMs: z.number().int().min(100).max(3_600_000), exportTimeoutMs: z.number().int().min(100).max(24 * 3_600_000),
    maxRows: z.number().int().min(1).max(SQL_MAX_ROWS), maxConcurrent: z.number().int().min(1).max(64),
    maxResultBytes: z.number().int().min(1024).max(256 * 1024 ** 2),
    downloadMaxFiles: z.number().int().min(1).max(1000), downloadMaxBytes: z.number().int().min(1024).max(1024 ** 4),
    downloadTtlMs: z.number().int().min(1000).max(7 * 86_400_000),
    yieldToIngestMs: z.number().int().min(0).max(600_000), ingestBehindMs: z.number().int().min(0).max(3_600_000),
  }).partial().strict().optional(),
}).strict();
export type FileConfig = z.infer<typeof FileConfigSchema>;

export type Flags = Record<string, string | boolean | string[] | undefined>;

export function readConfigFile(path: string | undefined): FileConfig {
  if (!path) return {};
  if (!existsSync(path)) throw new Error(`config file ${path} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    // the parser's own message names a position but not the file: the operator needs both
    throw new Error(`config file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = FileConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`config file ${path}: ${issuesText(parsed.error)}`);
  return parsed.data;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export interface ServeSettings {
  engine: EngineConfig;
  host: string;
  port: number;
  token: string | undefined;
  wallToken: string | undefined;
  devices: string | undefined;
  allowedOrigins: string[];
}

/** CITYOPS_QUERY_MAX_IN_FLIGHT, CITYOPS_QUERY_MAX_PER_CLIENT, CITYOPS_QUERY_TIMEOUT_MS, CITYOPS_QUERY_MAX_RESULT_BYTES. */
function queryLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<QueryLimits> {
  const out: Partial<QueryLimits> = {};
  const names = { maxInFlight: 'CITYOPS_QUERY_MAX_IN_FLIGHT', maxInFlightPerClient: 'CITYOPS_QUERY_MAX_PER_CLIENT', timeoutMs: 'CITYOPS_QUERY_TIMEOUT_MS', maxResultBytes: 'CITYOPS_QUERY_MAX_RESULT_BYTES' } as const;
  for (const [key, name] of Object.entries(names) as [keyof QueryLimits, string][]) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${text}`);
    out[key] = n;
  }
  return out;
}

/** The SQL console's limits: defaults, then the config file's `sql`, then CITYOPS_SQL_TIMEOUT_MS. */
function sqlLimits(base: SqlLimits, file: FileConfig['sql'], env: NodeJS.ProcessEnv): SqlLimits {
  const f = file ?? {};
  const envTimeout = env['CITYOPS_SQL_TIMEOUT_MS'];
  let timeoutMs = f.timeoutMs ?? base.timeoutMs;
  if (envTimeout !== undefined && envTimeout !== '') {
    const n = Number(envTimeout);
    if (!Number.isInteger(n) || n < 100) throw new Error(`CITYOPS_SQL_TIMEOUT_MS must be an integer of at least 100, got ${envTimeout}`);
    timeoutMs = n;
  }
  return {
    timeoutMs, exportTimeoutMs: f.exportTimeoutMs ?? base.exportTimeoutMs, maxRows: f.maxRows ?? base.maxRows,
    maxConcurrent: f.maxConcurrent ?? base.maxConcurrent, maxResultBytes: f.maxResultBytes ?? base.maxResultBytes,
    downloads: {
      maxFiles: f.downloadMaxFiles ?? base.downloads.maxFiles, maxBytes: f.downloadMaxBytes ?? base.downloads.maxBytes, ttlMs: f.downloadTtlMs ?? base.downloads.ttlMs,
    },
    yieldToIngestMs: f.yieldToIngestMs ?? base.yieldToIngestMs, ingestBehindMs: f.ingestBehindMs ?? base.ingestBehindMs,
  };
}

/** `--scope` / CITYOPS_SCOPE text outranks the config file's `scope`; neither: null (the whole city). */
function scopeFrom(text: string | undefined, file: FileConfig['scope']): FeedScope | null {
  if (text !== undefined && text !== '') return parseScope(text, DOMAINS);
  if (!file || (!file.domains && !file.districts)) return null;
  return { domains: file.domains ?? null, districts: file.districts ?? null };
}

export function resolveServeSettings(flags: Flags, env: NodeJS.ProcessEnv = process.env): ServeSettings {
  const file = readConfigFile(str(flags['config']) ?? env['CITYOPS_CONFIG']);
  const pick = (flag: string, envName: string, fromFile: string | undefined): string | undefined =>
    str(flags[flag]) ?? str(env[envName]) ?? fromFile;
  const natsUrl = pick('nats', 'CITYOPS_NATS_URL', file.nats?.url) ?? 'nats://127.0.0.1:4222';
  const nats: NatsOptions = { url: natsUrl };
  const assign = (key: keyof Omit<NatsOptions, 'url' | 'name'>, flag: string, envName: string): void => {
    const v = pick(flag, envName, file.nats?.[key]);
    if (v !== undefined) nats[key] = v;
  };
  assign('user', 'nats-user', 'CITYOPS_NATS_USER');
  assign('pass', 'nats-pass', 'CITYOPS_NATS_PASS');
  assign('token', 'nats-token', 'CITYOPS_NATS_TOKEN');
  assign('nkey', 'nats-nkey', 'CITYOPS_NATS_NKEY');
  assign('credsFile', 'nats-creds', 'CITYOPS_NATS_CREDS');
  assign('tlsCaFile', 'nats-tls-ca', 'CITYOPS_NATS_TLS_CA');
  const base = defaultEngineConfig();
  const engine = defaultEngineConfig({
    db: pick('db', 'CITYOPS_DB', file.db) ?? base.db,
    nats,
    stream: pick('stream', 'CITYOPS_STREAM', file.stream) ?? base.stream,
    consumer: pick('consumer', 'CITYOPS_CONSUMER', file.consumer) ?? base.consumer,
    // the environment outranks the file both ways: CITYOPS_CREATE_STREAM=1 turns on what the file turned off
    createStream: flags['no-create-stream'] === true ? false : env['CITYOPS_CREATE_STREAM'] === '0' ? false
      : env['CITYOPS_CREATE_STREAM'] === '1' ? true : file.createStream ?? true,
    fallbackToCore: flags['no-core-fallback'] === true ? false : file.fallbackToCore ?? true,
    feedStallMs: file.feedStallMs ?? base.feedStallMs,
    decodeThread: file.decodeThread ?? base.decodeThread,
    opsDuplicateWindowS: file.opsDuplicateWindowS ?? base.opsDuplicateWindowS,
    scope: scopeFrom(pick('scope', 'CITYOPS_SCOPE', undefined), file.scope) ?? base.scope,
    retention: { ...base.retention, ...file.retention },
    queries: { ...base.queries, ...file.queries, ...queryLimitsFromEnv(env) },
    replayMaxFacts: file.replay?.maxFacts ?? base.replayMaxFacts,
    liveSeriesKeys: file.liveSeriesKeys ?? base.liveSeriesKeys,
    sql: sqlLimits(base.sql, file.sql, env),
  });
  const portText = pick('port', 'CITYOPS_PORT', file.port?.toString());
  // decimal digits only: Number() reads " " as 0 (a random port) and "0x1f90" or "1e3" as other ports than written
  const port = portText === undefined ? 8640 : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port must be 0..65535, got ${portText}`);
  const origins = flags['allow-origin'];
  return {
    engine,
    host: pick('host', 'CITYOPS_HOST', file.host) ?? '127.0.0.1',
    port,
    token: pick('token', 'CITYOPS_TOKEN', file.token),
    wallToken: pick('wall-token', 'CITYOPS_WALL_TOKEN', file.wallToken),
    devices: pick('devices', 'CITYOPS_DEVICES', file.devices),
    allowedOrigins: [...(Array.isArray(origins) ? origins : []), ...(file.allowedOrigins ?? [])],
  };
}
