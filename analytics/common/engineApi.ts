import { z } from 'zod';
import { DOMAINS, FEED_KINDS } from './city.js';
import { QUARANTINE_REASONS } from './decode.js';
import { OpsActionSchema, type OpsAction } from './ops/opsEvents.js';
import type { AlarmRule } from './alarms/alarmRules.js';
import { SQL_MAX_CHARS, SQL_MAX_ROWS, type CorrelationResult, type ReadyQuestion, type SavedQuery, type SchemaEntry, type SqlProgress, type SqlResult } from './analysis.js';
import type { BundleSummary, ExportProgress } from './bundle.js';
import type { BaselineResult } from './baseline.js';
import type { ForecastView } from './forecast.js';
import { PERMIT_FINDING_KINDS, type PermitsResult } from './permits/permitRules.js';
import type { ChecklistProgress } from './checklists.js';
import type { CityEvent } from './feedSchemas.js';
import type { AlarmKpis } from './ops/alarmKpis.js';
import type { AlarmView, HazardView, OpsSnapshot } from './ops/controlRoomViews.js';
import type { HandoverReport } from './ops/handoverReport.js';
import type { Incident } from './incidents/incident.js';
import type { IncidentReport } from './incidents/incidentReport.js';
import type { ContingencyPlan } from './incidents/contingencyPlan.js';
import type { AssetRisk, DistrictRisk, RiskChange } from './risk/riskRegister.js';
import { COLOURS, HAZARD_STAGES, PRIORITIES } from './vocabulary.js';

/**
 * The engine API: one contract for every client (browser wall, Electron window, tests). Two verbs
 * cross the boundary: request/response (`query`, `command`) and `subscribe` (pushes until
 * `unsubscribe`). Every message is validated against these schemas on both sides.
 */
export const ENGINE_API_VERSION = 1;

export const FreshnessStateSchema = z.enum(['fresh', 'late', 'silent']);
export type FreshnessState = z.infer<typeof FreshnessStateSchema>;

export const FeedFreshnessSchema = z.object({
  kind: z.enum(FEED_KINDS),
  domain: z.string(),
  district: z.string(),
  lastSeenMs: z.number(),
  lastTsMs: z.number(),
  expectedIntervalMs: z.number(),
  messages: z.number(),
  ageMs: z.number(),
  state: FreshnessStateSchema,
});
export type FeedFreshness = z.infer<typeof FeedFreshnessSchema>;

export const HealthSchema = z.object({
  ok: z.boolean(),
  version: z.string(),
  startedAt: z.string(),
  uptimeS: z.number(),
  nats: z.object({
    connected: z.boolean(),
    /** `none`: an opened export bundle (`cityops open`), which has no feed at all. */
    mode: z.enum(['jetstream', 'core', 'memory', 'none']),
    url: z.string(),
    stream: z.string().nullable(),
    consumer: z.string().nullable(),
    gapsPossible: z.boolean(),
    /** Stream messages removed (expired, purged) before this engine read them, since it started: their readings are missing. */
    gap: z.object({ from: z.number(), to: z.number() }).nullable(),
    /** The part of the city this engine reads (a district centre), and whether the server or the engine filters; null: all of it. */
    scope: z.object({ domains: z.array(z.string()).nullable(), districts: z.array(z.string()).nullable(), filteredBy: z.enum(['server', 'engine']) }).nullable(),
    reconnects: z.number(),
    disconnectedForMs: z.number().nullable(),
    lastError: z.string().nullable(),
    /** Consumers the feed watchdog recreated after a stall (the node serving one died) since the engine started. */
    consumerRecreated: z.number(),
  }),
  ingest: z.object({
    received: z.number(),
    stored: z.number(),
    quarantined: z.number(),
    duplicates: z.number(),
    committedSeq: z.number(),
    batches: z.number(),
    lastCommitAt: z.string().nullable(),
    lastCommitMs: z.number().nullable(),
    idMemory: z.object({ size: z.number(), capacity: z.number() }),
    running: z.boolean(),
    lastError: z.string().nullable(),
    /** A commit failed for the environment (disk full, I/O, memory) and is retried with backoff; lastError says why. */
    retrying: z.boolean(),
    /** Rows the database refused since the start, quarantined as store_rejected (the rest of their batch was stored). */
    storeRejected: z.number(),
    /** Where messages are decoded: a thread of their own, or ingest's (after the decode thread failed too often); its restarts. */
    decode: z.object({ thread: z.enum(['worker', 'ingest']), restarts: z.number(), lastError: z.string().nullable() }),
  }),
  db: z.object({ path: z.string() }),
  /** The network boundary: failures caught in HTTP and WebSocket handlers, and the query load. */
  server: z.object({
    handlerErrors: z.number(),
    lastHandlerError: z.string().nullable(),
    queriesInFlight: z.number(),
    queriesRefusedBusy: z.number(),
    queriesTimedOut: z.number(),
  }),
  feeds: z.object({ fresh: z.number(), late: z.number(), silent: z.number() }),
});
export type Health = z.infer<typeof HealthSchema>;

const Domain = z.enum(DOMAINS);
const District = z.string().regex(/^[0-9]{6}$/);
/**
 * An instant as epoch milliseconds within the range a JavaScript Date (and DuckDB's TIMESTAMPTZ in
 * microseconds) can hold: anything beyond is a bad request, never a conversion error deep inside.
 */
export const MAX_EPOCH_MS = 8.64e15;
export const EpochMs = z.number().min(-MAX_EPOCH_MS).max(MAX_EPOCH_MS);
const TimeRange = { fromMs: EpochMs.optional(), toMs: EpochMs.optional() };

/** Named queries and their parameters. The SQL behind each lives in the engine, never in a client. */
export const QUERY_PARAMS = {
  health: z.object({}),
  feeds: z.object({}),
  kpis: z.object({ windowS: z.number().int().min(10).max(86_400).default(60) }),
  series: z.object({
    metric: z.string().regex(/^[a-z0-9_]{1,64}$/),
    domain: Domain.optional(),
    district: District.optional(),
    asset: z.string().max(64).optional(),
    resolution: z.enum(['10s', '1m', '1h']).default('1m'),
    ...TimeRange,
  }),
  latest: z.object({ domain: Domain.optional(), district: District.optional(), metric: z.string().max(64).optional(), limit: z.number().int().min(1).max(5000).default(1000) }),
  events: z.object({ domain: Domain.optional(), district: District.optional(), severity: z.enum(COLOURS).optional(), limit: z.number().int().min(1).max(1000).default(100), ...TimeRange }),
  assets: z.object({ domain: Domain.optional(), district: District.optional(), limit: z.number().int().min(1).max(20_000).default(5000) }),
  asset: z.object({ domain: Domain, district: District, asset: z.string().max(64) }),
  /** An asset's alarm history (raised and cleared), newest first: the console's asset drawer. */
  alarmLog: z.object({ domain: Domain, district: District, asset: z.string().max(64), limit: z.number().int().min(1).max(1000).default(50) }),
  inspections: z.object({ domain: Domain.optional(), district: District.optional(), result: z.enum(['pass', 'fail']).optional(), limit: z.number().int().min(1).max(1000).default(100) }),
  quarantine: z.object({ reason: z.enum(QUARANTINE_REASONS).optional(), limit: z.number().int().min(1).max(1000).default(100) }),
  districts: z.object({ windowS: z.number().int().min(10).max(86_400).default(3600) }),
  /** The alarm list (occurrences not back to normal); `all` includes shelved, suppressed and out of service. */
  alarms: z.object({
    domain: Domain.optional(), district: District.optional(), priority: z.enum(PRIORITIES).optional(),
    state: z.enum(['unack', 'ack', 'rtn_unack', 'latched']).optional(), all: z.boolean().default(true), limit: z.number().int().min(1).max(5000).default(1000),
  }),
  alarmKpis: z.object({}),
  hazards: z.object({
    domain: Domain.optional(), district: District.optional(), stage: z.enum(HAZARD_STAGES).optional(),
    open: z.boolean().optional(), overdue: z.boolean().optional(), limit: z.number().int().min(1).max(5000).default(1000),
  }),
  risks: z.object({ domain: Domain.optional(), district: District.optional(), colour: z.enum(COLOURS).optional(), limit: z.number().int().min(1).max(20_000).default(5000) }),
  riskChanges: z.object({ key: z.string().max(200).optional(), limit: z.number().int().min(1).max(5000).default(200) }),
  opsStatus: z.object({}),
  /** Hazard-investigation progress per domain and district over the last `days`, with the checklist items. */
  checklist: z.object({ days: z.number().int().min(1).max(365).default(30), domain: Domain.optional(), district: District.optional() }),
  /** The alarm rules in force (titles, setpoints, standards). */
  alarmRules: z.object({}),
  handover: z.object({ fromMs: EpochMs, toMs: EpochMs }),
  /** What can be replayed: the window, and markers where alarms, red and orange events and hazard changes happened (newest `limit`). */
  timeline: z.object({ fromMs: EpochMs.optional(), toMs: EpochMs.optional(), limit: z.number().int().min(1).max(20_000).default(5000) }),
  /**
   * Events and alarms of different domains within `radiusM` metres and `windowS` seconds of each other,
   * as clusters (docs/analysis.md). Without a window: the last 24 hours (as of the connection's clock).
   */
  correlation: z.object({
    ...TimeRange,
    radiusM: z.number().min(1).max(5000).default(200),
    windowS: z.number().int().min(1).max(7 * 86_400).default(7200),
    /** A cluster needs at least this many domains. */
    minDomains: z.number().int().min(2).max(14).default(2),
    limit: z.number().int().min(1).max(1000).default(100),
  }),
  /**
   * 摸清底数: per domain and district, the assets of the registry and how many have a complete record
   * (location, the three responsible parties, an inspection within the domain's period, sensors
   * reporting); the incomplete ones (most gaps first, `limit` of them) with their owner; the
   * completeness at the end of each of the `days` - 1 days before (docs/baseline.md).
   */
  baseline: z.object({ domain: Domain.optional(), district: District.optional(), limit: z.number().int().min(0).max(5000).default(500), days: z.number().int().min(1).max(14).default(7) }),
  /** 预报预警: the warning levels forecast to be crossed within the hour, soonest first (docs/forecast.md); `asset` narrows to one. */
  forecasts: z.object({ domain: Domain.optional(), district: District.optional(), asset: z.string().max(64).optional(), limit: z.number().int().min(1).max(1000).default(100) }),
  /**
   * The permit chain (违法建设和违法违规审批全流程专项排查): each building's and construction site's
   * findings (missing, expired, out of order, use changed) with the approving department responsible
   * and the stage of the case it opened, not yet opened first (`limit` of them); the campaign's
   * progress per district (docs/permits.md).
   */
  permits: z.object({ domain: z.enum(['building', 'construction']).optional(), district: District.optional(), kind: z.enum(PERMIT_FINDING_KINDS).optional(), limit: z.number().int().min(0).max(5000).default(500) }),
  /** The workbench's schema browser: every table, view and macro with the data model's descriptions. */
  sqlSchema: z.object({}),
  /** Saved queries and ready questions. */
  sqlSaved: z.object({}),
  /** 应急处置: incidents, open first then newest (docs/incidents.md). */
  incidents: z.object({ open: z.boolean().optional(), limit: z.number().int().min(1).max(500).default(100) }),
  /** A closed incident's report, its SHA-256 and whether it matches the one kept when it closed; null while open or unknown. */
  incidentReport: z.object({ incident: z.string().regex(/^[A-Za-z0-9_.:-]{3,120}$/) }),
  /** The contingency plans in force (data/plans). */
  incidentPlans: z.object({}),
} as const;
export type QueryName = keyof typeof QUERY_PARAMS;
/** A name of the contract's queries (own keys only: `__proto__` or `toString` are not queries). */
export function isQueryName(name: string): name is QueryName {
  return Object.hasOwn(QUERY_PARAMS, name);
}
/** What a client may send as a query's parameters (defaults may be left out). */
export type QueryParamsIn<N extends QueryName> = z.input<(typeof QUERY_PARAMS)[N]>;
/** A query's parameters once judged (defaults filled in). */
export type QueryParamsOf<N extends QueryName> = z.output<(typeof QUERY_PARAMS)[N]>;
export const QUERY_NAMES = Object.keys(QUERY_PARAMS) as QueryName[];

export const COMMAND_ARGS = {
  /** Forces a DuckDB checkpoint (administrator). */
  'db.checkpoint': z.object({}),
  /** An operator action (acknowledge, shelve, dispatch...): allowed per role, written to the outbox, then to the OPS stream. */
  ops: OpsActionSchema,
  /** Generates the handover report of a shift with the leader's notes and keeps it (shift leader); a signed shift's report is the one signed. */
  'handover.generate': z.object({ fromMs: EpochMs, toMs: EpochMs, notes: z.object({ summary: z.string().max(4000), pending: z.string().max(4000) }).optional() }),
  /** Writes an export bundle of a window into `out`, an absolute folder on the engine's machine (analyst, shift leader, administrator; docs/export.md). */
  export: z.object({
    fromMs: EpochMs, toMs: EpochMs, domains: z.array(Domain).max(DOMAINS.length).default([]), districts: z.array(District).max(1000).default([]),
    out: z.string().min(1).max(4096), csv: z.boolean().default(false), force: z.boolean().default(false),
  }).refine((a) => a.fromMs <= a.toMs, { message: 'from must not be after to' }),
  /**
   * This connection's clock (docs/replay.md): an instant replays everything as of it — every query,
   * every push, the operational picture — while ingest goes on; null returns to live. A connection in
   * replay takes no operator action. Over a bundle there is no live: the instant is kept within the
   * bundle's window.
   */
  'clock.set': z.object({ atMs: EpochMs.nullable() }),
  /**
   * Runs one read-only SQL query (analyst, shift leader, administrator; docs/analysis.md): refused with
   * its reason when it writes, sets, attaches or reads outside the database; interrupted at its time
   * limit or by `sql.cancel`; answers at most `maxRows` rows. `runId` is the client's own name for it.
   */
  'sql.run': z.object({ runId: z.string().min(1).max(64), sql: z.string().max(SQL_MAX_CHARS), maxRows: z.number().int().min(1).max(SQL_MAX_ROWS).default(SQL_MAX_ROWS) }),
  /** Interrupts this connection's running `sql.run` or `sql.export` of that `runId`. */
  'sql.cancel': z.object({ runId: z.string().min(1).max(64) }),
  /** Runs the query again, whole, into a file to download once (`GET /api/download/<id>` with the same token). */
  'sql.export': z.object({ runId: z.string().min(1).max(64), sql: z.string().max(SQL_MAX_CHARS), format: z.enum(['parquet', 'csv']) }),
  /** Keeps a query by name (replacing one of that name). */
  'sql.save': z.object({ name: z.string().min(1).max(100), sql: z.string().min(1).max(SQL_MAX_CHARS), description: z.string().max(2000).default('') }),
  'sql.delete': z.object({ name: z.string().min(1).max(100) }),
} as const;
export type CommandName = keyof typeof COMMAND_ARGS;

export const TOPICS = {
  health: z.object({ intervalMs: z.number().int().min(250).max(60_000).default(1000) }),
  feeds: z.object({ intervalMs: z.number().int().min(250).max(60_000).default(2000) }),
  events: z.object({ domain: Domain.optional(), district: District.optional() }),
  latest: z.object({ domain: Domain.optional(), district: District.optional(), metric: z.string().max(64).optional() }),
  /** The shared operational state (alarms, hazard counts, district risk, pending actions), pushed when it changes. */
  ops: z.object({}),
  /** Progress of this engine's export, one push per file written. */
  export: z.object({}),
  /** Progress of this connection's running SQL, about four times a second while it runs. */
  sql: z.object({}),
} as const;
export type TopicName = keyof typeof TOPICS;

const Id = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const ClientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('query'), id: Id, name: z.string().max(64), params: z.unknown().optional() }),
  z.object({ t: z.literal('command'), id: Id, name: z.string().max(64), args: z.unknown().optional() }),
  z.object({ t: z.literal('subscribe'), id: Id, topic: z.string().max(64), params: z.unknown().optional() }),
  z.object({ t: z.literal('unsubscribe'), id: Id }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** Where a number came from: shown by the wall next to any figure. */
export const ProvenanceSchema = z.object({
  query: z.string(),
  subjects: z.string(),
  fromMs: z.number().nullable(),
  toMs: z.number().nullable(),
  generatedAtMs: z.number(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const ColumnsSchema = z.record(z.string(), z.array(z.unknown()));
export const QueryResultSchema = z.object({ columns: ColumnsSchema, provenance: ProvenanceSchema });
export type QueryResult = z.infer<typeof QueryResultSchema>;

/** An operator action written to the outbox and not yet read back from the OPS stream. */
export interface PendingAction {
  id: string;
  kind: OpsAction['kind'];
  ts: number;
  device: string;
  /** Published and acknowledged by JetStream, not yet read back from the stream. */
  published: boolean;
}

/** The operator-action stream's link, for the `opsStatus` query. */
export interface ActionStreamStatus {
  mode: 'jetstream' | 'local';
  connected: boolean;
  stream: string | null;
  lastSeq: number;
  pending: number;
  invalid: number;
  lastError: string | null;
}

/**
 * What each query answers. Declared once, here: the engine's answer table must produce exactly
 * these types (it is checked at compile time), and every client gets them without naming a type.
 */
export interface QueryResults {
  health: Health;
  feeds: FeedFreshness[];
  kpis: QueryResult;
  series: QueryResult;
  latest: QueryResult;
  events: QueryResult;
  assets: QueryResult;
  asset: QueryResult;
  alarmLog: QueryResult;
  inspections: QueryResult;
  quarantine: QueryResult;
  districts: QueryResult;
  alarms: AlarmView[];
  alarmKpis: AlarmKpis;
  hazards: (HazardView & { overdue: boolean })[];
  risks: { assets: AssetRisk[]; districts: DistrictRisk[] };
  riskChanges: RiskChange[];
  opsStatus: ActionStreamStatus & { pendingActions: PendingAction[]; parked: number; lastError: string | null };
  checklist: ChecklistProgress[];
  alarmRules: AlarmRule[];
  handover: HandoverReport;
  timeline: Timeline;
  correlation: CorrelationResult;
  baseline: BaselineResult;
  forecasts: ForecastView[];
  permits: PermitsResult;
  sqlSchema: SchemaEntry[];
  sqlSaved: { saved: SavedQuery[]; ready: ReadyQuestion[] };
  incidents: Incident[];
  incidentReport: IncidentReport | null;
  incidentPlans: ContingencyPlan[];
}
// every query name has a result type, and nothing else does
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const queriesHaveResults: Exact<keyof QueryResults, QueryName> = true;
void queriesHaveResults;

/**
 * Answers a client checks at run time besides their types: the column sets and the live documents
 * (a wall draws them unread by a person). The control room's views are checked at compile time.
 */
export const QUERY_RESULT_SCHEMAS: Partial<{ [N in QueryName]: z.ZodType<QueryResults[N]> }> = {
  health: HealthSchema, feeds: z.array(FeedFreshnessSchema),
  kpis: QueryResultSchema, series: QueryResultSchema, latest: QueryResultSchema, events: QueryResultSchema, assets: QueryResultSchema,
  asset: QueryResultSchema, inspections: QueryResultSchema, quarantine: QueryResultSchema, districts: QueryResultSchema,
};

/** A new event as the `events` topic pushes it (and as the engine hands committed events on). */
export interface EventPush {
  domain: string;
  district: string;
  tsMs: number;
  event: CityEvent;
}

/** What each subscription pushes. */
export interface TopicPayloads {
  health: Health;
  feeds: FeedFreshness[];
  events: EventPush[];
  latest: QueryResult;
  ops: OpsSnapshot;
  export: ExportProgress;
  sql: SqlProgress;
}
const topicsHavePayloads: Exact<keyof TopicPayloads, TopicName> = true;
void topicsHavePayloads;

/** A place on the replay timeline worth jumping to. */
export interface TimelineMarker {
  atMs: number;
  kind: 'alarm' | 'event' | 'hazard';
  /** An alarm's priority, an event's severity, a hazard's grade. */
  level: string;
  /** What happened, as data (an alarm's rule, an event's title, a hazard's stage): the screens name it. */
  what: string;
  domain: string;
  district: string;
  asset: string | null;
}

/** What a connection can replay: the live engine's own history, or a bundle's window. */
export interface Timeline {
  mode: 'live' | 'bundle';
  window: { fromMs: number; toMs: number };
  markers: TimelineMarker[];
}

/** A connection's clock after `clock.set`. */
export interface ClockState {
  live: boolean;
  atMs: number;
  window: { fromMs: number; toMs: number };
}

/** What each command answers. */
export interface CommandResults {
  'db.checkpoint': null;
  ops: { id: string; pending: true };
  'handover.generate': HandoverReport;
  export: BundleSummary;
  'clock.set': ClockState;
  'sql.run': SqlResult;
  'sql.cancel': { cancelled: boolean };
  'sql.export': { runId: string; downloadId: string; fileName: string; bytes: number; rows: number };
  'sql.save': SavedQuery;
  'sql.delete': { deleted: boolean };
}
const commandsHaveResults: Exact<keyof CommandResults, CommandName> = true;
void commandsHaveResults;
export type CommandArgsIn<N extends CommandName> = z.input<(typeof COMMAND_ARGS)[N]>;
/** A command's arguments once judged (defaults filled in). */
export type CommandArgsOf<N extends CommandName> = z.output<(typeof COMMAND_ARGS)[N]>;

/**
 * `busy`: too many queries in flight (on this connection or in all); `timeout`: the query passed its
 * time limit and was interrupted; `too_large`: the result is larger than the configured cap.
 */
/** A refused operator action as a message code with parameters (i18n `msg_*`), for the screens to translate. */
export const RefusalSchema = z.object({ code: z.string().max(60), params: z.record(z.string(), z.union([z.string().max(2000), z.number()])) });
export type Refusal = z.infer<typeof RefusalSchema>;

/** Every device by its role and the name operators call it (the devices file's `name`), for saying who acted. */
export const DeviceDirectorySchema = z.record(z.string().max(100), z.object({ role: z.string().max(40), name: z.string().max(50).nullable() }));
export type DeviceDirectory = z.infer<typeof DeviceDirectorySchema>;

/** `cancelled`: the connection's own `sql.cancel` stopped the statement. */
export const ErrorCodeSchema = z.enum(['bad_request', 'unknown_name', 'forbidden', 'failed', 'too_many_subscriptions', 'busy', 'timeout', 'too_large', 'cancelled']);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ServerMessageSchema = z.union([
  z.object({ t: z.literal('hello'), version: z.number(), role: z.string(), serverTimeMs: z.number(), devices: DeviceDirectorySchema.optional() }),
  z.object({ t: z.literal('result'), id: Id, ok: z.literal(true), data: z.unknown() }),
  z.object({ t: z.literal('result'), id: Id, ok: z.literal(false), error: z.object({ code: ErrorCodeSchema, message: z.string(), refusal: RefusalSchema.optional() }) }),
  z.object({ t: z.literal('push'), id: Id, data: z.unknown(), conflated: z.number() }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
