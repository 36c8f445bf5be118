import { hostname } from 'node:os';
import { DEFAULT_STREAM } from '../common/subjects.js';
import { isQueryName, type CommandArgsOf, type FeedFreshness, type Health, type QueryName, type QueryParamsOf, type QueryResult, type QueryResults } from '../common/engineApi.js';
import type { BundleSummary, ExportProgress } from '../common/bundle.js';
import type { CorrelationResult } from '../common/analysis.js';
import { QUERY_PARAMS } from '../common/engineApi.js';
import { CoreSubscriptionSource } from './feeds/coreSource.js';
import type { FeedSource } from './feeds/feedSource.js';
import { baseline } from './queries/baseline.js';
import { LiveForecasts } from './queries/liveForecasts.js';
import { LiveSeries } from './queries/liveSeries.js';
import { permits } from './queries/permits.js';
import { DEFAULT_STALL_MS, JetStreamSource, StreamMissingError } from './feeds/jetstreamSource.js';
import type { NatsOptions } from './feeds/natsConnect.js';
import type { NatsLink } from './feeds/natsLink.js';
import { ConnectingSource } from './feeds/connectingSource.js';
import { DEFAULT_FRESHNESS, FreshnessTracker, type FreshnessPolicy } from './ingest/freshness.js';
import { IdMemory } from './ingest/idMemory.js';
import { LocalDecoder, WorkerDecoder } from './ingest/workerDecoder.js';
import type { FeedScope } from '../common/subjects.js';
import { DEFAULT_OPS_DUPLICATE_WINDOW_S } from './ops/actionStream.js';
import { DEFAULT_INGEST, Ingestor, type CommittedBatch, type IngestOptions } from './ingest/ingestor.js';
import { SQL_QUERIES } from './queries/catalog.js';
import { runNamedQuery } from './queries/query.js';
import { DEFAULT_QUERY_LIMITS, QueryGate, QueryRefused, type QueryLimits } from './queries/queryGate.js';
import { writeBundle } from './export/bundleWriter.js';
import { checkOutFolder, engineRoots, loadWallConfigs, localTimeZone, retentionNotes } from './export/exportRequest.js';
import { BatchWriter } from './store/batchWriter.js';
import { Database } from './store/database.js';
import { applyRetention, compactRollups, DEFAULT_RETENTION, type RetentionOptions } from './store/maintenance.js';
import { loadFreshness, loadIds, loadTotals, saveFreshness } from './store/engineState.js';
import { VERSION } from './version.js';
import { OPS_STREAM } from '../common/ops/opsEvents.js';
import { dataPath } from './paths.js';
import { loadAlarmRules } from './ops/alarmService.js';
import { ActionRefused } from './ops/actionPrecheck.js';
import { loadChecklists, loadSuppressionProfiles } from './ops/configFiles.js';
import { loadPlans } from './ops/planFiles.js';
import { ReplayAnswers } from './replay/replayAnswers.js';
import { ControlRoom } from './ops/controlRoom.js';
import { BoundaryErrors } from './boundaryErrors.js';
import { UnknownNameError, type EngineService } from './engineService.js';
import { correlate, type CorrelationParams } from './analysis/correlation.js';
import { SharedAnswers } from './analysis/sharedAnswer.js';
import { correlationMacros } from './analysis/correlationSql.js';
import { DbSavedQueries } from './analysis/savedQueries.js';
import { LIVE_SQL_LIMITS, SqlWorkbench, type SqlLimits } from './analysis/sqlWorkbench.js';
import type { AlarmRule } from '../common/alarms/alarmRules.js';
import type { OpsSnapshot } from '../common/ops/controlRoomViews.js';
import type { HandoverNotes, HandoverReport } from '../common/ops/handoverReport.js';
import type { OpsAction, Role } from '../common/ops/opsEvents.js';

export interface EngineConfig {
  db: string;
  /** null runs on the in-process demo feed passed to startEngine. */
  nats: NatsOptions | null;
  stream: string;
  consumer: string;
  createStream: boolean;
  /** The feed watchdog: no message for this long while the stream holds more → the consumer is recreated from the position taken. */
  feedStallMs: number;
  /** Read only this part of the city (a district centre's engine): a filtered consumer; null reads all. */
  scope: FeedScope | null;
  /** Decode messages on a thread of their own: ingest uses both cores (docs/architecture.md#ingest). */
  decodeThread: boolean;
  /** With no stream and no permission to create one, read plain subscriptions (gaps possible). */
  fallbackToCore: boolean;
  ingest: IngestOptions;
  retention: RetentionOptions;
  freshness: FreshnessPolicy;
  idMemoryCapacity: number;
  /** Ids of readings received in this window are reloaded at start to keep dropping repeats. */
  idMemoryReloadHours: number;
  maintenanceIntervalMs: number;
  /** How often committed readings are folded into the rollups. */
  rollupEveryMs: number;
  /**
   * DuckDB worker threads. One is fastest for this workload on small machines: ingest commits are
   * many small transactions, and a second thread mostly competes with the JavaScript that decodes.
   */
  duckdbThreads: number;
  /** DuckDB's memory limit (its buffer cache and query memory), e.g. '1GB': keeps the engine's RSS bounded. */
  duckdbMemoryLimit: string;
  /** Alarm rules (docs/alarm-rules.md) and suppression profiles. */
  alarmRules: string;
  suppressionProfiles: string;
  /** The hazard-investigation checklists per domain. */
  checklists: string;
  /** The folder of contingency plans (应急预案), one JSON file per type (docs/incidents.md). */
  plans: string;
  /** The JetStream stream of operator actions. */
  opsStream: string;
  /** The OPS stream's duplicate window in seconds (docs/deployment.md). */
  opsDuplicateWindowS: number;
  /** Bounds on the query load: in flight in all and per client, time limit, result size. */
  queries: QueryLimits;
  /** Replay: the most facts (alarm transitions, operator actions, findings) its history holds in memory. */
  replayMaxFacts: number;
  /**
   * The wall's trends of a domain, district or the city over the last day are answered from memory
   * (queries/liveSeries.ts): at most this many (domain, district, metric), about 64 KB each; 0 turns it off.
   */
  liveSeriesKeys: number;
  /** The SQL console's bounds: time limit, rows, statements at once, exported files (docs/analysis.md). */
  sql: SqlLimits;
}

export function defaultEngineConfig(over: Partial<EngineConfig> = {}): EngineConfig {
  return {
    db: '.cityops/cityops.duckdb',
    nats: { url: 'nats://127.0.0.1:4222' },
    stream: DEFAULT_STREAM,
    consumer: `cityops-${hostname().toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`,
    createStream: true,
    feedStallMs: DEFAULT_STALL_MS,
    decodeThread: true,
    scope: null,
    fallbackToCore: true,
    ingest: DEFAULT_INGEST,
    retention: DEFAULT_RETENTION,
    freshness: DEFAULT_FRESHNESS,
    idMemoryCapacity: 2_000_000,
    idMemoryReloadHours: 24,
    maintenanceIntervalMs: 60_000,
    rollupEveryMs: 250,
    duckdbThreads: Number(process.env['CITYOPS_DUCKDB_THREADS'] ?? 1),
    duckdbMemoryLimit: process.env['CITYOPS_DUCKDB_MEMORY'] ?? '1GB',
    alarmRules: dataPath('alarm-rules.json'),
    suppressionProfiles: dataPath('suppression-profiles.json'),
    checklists: dataPath('checklists.json'),
    plans: dataPath('plans'),
    opsStream: OPS_STREAM,
    opsDuplicateWindowS: DEFAULT_OPS_DUPLICATE_WINDOW_S,
    queries: DEFAULT_QUERY_LIMITS,
    replayMaxFacts: 2_000_000,
    liveSeriesKeys: 1024,
    sql: LIVE_SQL_LIMITS,
    ...over,
  };
}

/** The running engine: feeds in, DuckDB underneath, named queries out. */
export class Engine implements EngineService {
  private timers: NodeJS.Timeout[] = [];
  private readonly compacted = new Map<string, number>();
  private readonly startedAtMs = Date.now();
  /** The live correlation (the last 24 h up to now) that every wall and console polls: one computation per 10 s for all of them. */
  private readonly liveCorrelation = new SharedAnswers<CorrelationParams, CorrelationResult>((p, s) => correlate(this.db, p, Date.now(), s), 10_000);
  /**
   * The store-backed answers every wall polls (KPIs, latest values, one asset's trend), shared by all
   * who ask the same within LIVE_ANSWER_MS; past that the last answer is still given at once while
   * one computation refreshes it (for up to LIVE_ANSWER_STALE_MS): a wall never waits for DuckDB
   * behind full-rate ingest, and sees figures at most LIVE_ANSWER_MS plus one computation old.
   */
  private readonly shared = {
    kpis: new SharedAnswers<QueryParamsOf<'kpis'>, QueryResult>((p, s) => runNamedQuery(this.db, SQL_QUERIES.kpis, p, Date.now(), s), LIVE_ANSWER_MS, 64, Date.now, this.refreshing()),
    latest: new SharedAnswers<QueryParamsOf<'latest'>, QueryResult>((p, s) => runNamedQuery(this.db, SQL_QUERIES.latest, p, Date.now(), s), LIVE_ANSWER_MS, 256, Date.now, this.refreshing()),
    // a trend up to now is asked by its span (the client's clock moves its start): computed from the instant it runs
    series: new SharedAnswers<{ p: QueryParamsOf<'series'>; spanMs: number | null }, QueryResult>(({ p, spanMs }, s) => {
      const now = Date.now();
      return runNamedQuery(this.db, SQL_QUERIES.series, spanMs === null ? p : { ...p, fromMs: now - spanMs }, now, s);
    }, LIVE_ANSWER_MS, 256, Date.now, this.refreshing()),
  };
  maintenanceError: string | null = null;
  /** Failures caught in the server's handlers: counted here so health shows them. */
  readonly boundary = new BoundaryErrors();
  /** Admits queries up to the configured load and interrupts them at their time limit. */
  readonly queries: QueryGate;
  /** The live 预报预警 that the console, the asset drawers and the walls' trend panels ask for: computed once a minute for all of them. */
  readonly liveForecasts: LiveForecasts;
  /** The district levels of the last day in memory: the wall's domain, district and city trends (issue 14). */
  readonly liveSeries: LiveSeries;

  constructor(
    readonly config: EngineConfig,
    readonly db: Database,
    private readonly writer: BatchWriter,
    private readonly source: FeedSource,
    readonly ingestor: Ingestor,
    private readonly ids: IdMemory,
    private readonly freshness: FreshnessTracker,
    readonly controlRoom: ControlRoom,
  ) {
    this.queries = new QueryGate(config.queries);
    this.liveForecasts = new LiveForecasts(db, controlRoom.rules, config.queries.timeoutMs);
    this.liveSeries = new LiveSeries(config.liveSeriesKeys, config.retention.rollup1mDays * 86_400_000);
    this.sql = new SqlWorkbench({
      source: 'live', connect: () => db.connectOwn(), limits: config.sql, nowSql: () => 'now()', allowParquetScan: false, timeZone: localTimeZone(),
      saved: new DbSavedQueries((fn) => writer.exclusive(fn), (sql) => db.queryRows(sql)),
      setup: () => Promise.resolve(correlationMacros()),
      ingestLagMs: () => source.lagMs?.(Date.now()) ?? 0,
    });
    this.replay = new ReplayAnswers({
      db, rules: controlRoom.rules, checklists: controlRoom.checklists, profiles: loadSuppressionProfiles(config.suppressionProfiles), mode: 'live', horizon: () => Date.now(),
      // what is replayed on a live engine is its raw retention: older alarm transitions are not read into memory
      oldest: Date.now() - config.retention.rawDays * 86_400_000, maxFacts: config.replayMaxFacts,
      window: async () => {
        const now = Date.now();
        // the oldest data kept moves only with retention: read at most once a minute, not at every clock.set
        // (an engine with nothing rolled up yet asks again: its first data is about to set the window's start)
        if (!this.oldestKept || now - this.oldestKept.readAtMs > 60_000) {
          const rows = await db.queryRows('SELECT epoch_ms(min(bucket))::DOUBLE AS t FROM rollup_1h');
          const t = rows[0]?.['t'];
          this.oldestKept = typeof t === 'number' ? { readAtMs: now, ms: t } : null;
        }
        const oldest = this.oldestKept?.ms;
        const kept = typeof oldest === 'number' ? Math.min(oldest, now) : now;
        // before the facts the history let go (replay.maxFacts), an instant is not replayed exactly
        return { fromMs: Math.max(kept, Math.min(now, this.replay.history.exactFromMs)), toMs: now };
      },
    }, {
      health: () => this.health(),
      feeds: () => this.feeds(),
      opsStatus: () => this.answers.opsStatus(QUERY_PARAMS.opsStatus.parse({}), new AbortController().signal) as QueryResults['opsStatus'],
      handover: (p) => this.controlRoom.handover(p.fromMs, p.toMs, false),
      sqlSchema: () => this.sql.schema(),
      sqlSaved: () => this.sql.saved(),
      incidentPlans: () => [...this.controlRoom.plans],
    });
  }

  /** The SQL console: its own connections on this engine's DuckDB, never the writer nor the query readers. */
  readonly sql: SqlWorkbench;

  private oldestKept: { readAtMs: number; ms: number } | null = null;

  /** Answers as of an instant (a connection whose clock was set back): the same contract over the same store (docs/replay.md). */
  readonly replay: ReplayAnswers;
  readonly mode = 'live' as const;

  /** The `ops` topic's picture as of an instant. */
  snapshotAt(atMs: number): Promise<OpsSnapshot> {
    return this.replay.snapshotAt(atMs);
  }

  /** What a connection may replay: from the oldest data kept to now. */
  replayWindow(): Promise<{ fromMs: number; toMs: number }> {
    return this.replay.window();
  }

  startMaintenance(): void {
    const every = (ms: number, fn: () => Promise<void>): void => {
      const t = setInterval(() => {
        fn().then(() => (this.maintenanceError = null), (e: unknown) => (this.maintenanceError = e instanceof Error ? e.message : String(e)));
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.config.maintenanceIntervalMs, async () => {
      await this.compact();
      await this.writer.exclusive((c) => applyRetention(c, Date.now(), this.config.retention));
    });
    every(this.config.rollupEveryMs, () => (this.writer.rollupPending ? this.writer.rollUp() : Promise.resolve()));
    every(5_000, () => this.writer.exclusive((c) => saveFreshness(c, this.freshness.snapshot(Date.now()))));
  }

  feeds(): FeedFreshness[] {
    return this.freshness.snapshot(Date.now());
  }

  health(): Health {
    const s = this.source.status();
    const st = this.ingestor.state;
    const now = Date.now();
    const feeds = { fresh: 0, late: 0, silent: 0 };
    for (const f of this.freshness.snapshot(now)) feeds[f.state]++;
    const lastError = st.lastError ?? this.maintenanceError;
    return {
      ok: st.running && st.lastError === null && s.connected,
      version: VERSION,
      startedAt: new Date(this.startedAtMs).toISOString(),
      uptimeS: Math.round((now - this.startedAtMs) / 1000),
      nats: {
        connected: s.connected, mode: s.mode, url: s.url, stream: s.stream, consumer: s.consumer,
        gapsPossible: s.gapsPossible, gap: s.gap ?? null, scope: s.scope ?? null, reconnects: s.reconnects,
        disconnectedForMs: s.disconnectedSinceMs === null ? null : now - s.disconnectedSinceMs, lastError: s.lastError,
        consumerRecreated: s.recreated ?? 0,
      },
      ingest: {
        ...st.totals, committedSeq: st.committedSeq, batches: st.batches,
        lastCommitAt: st.lastCommitMs === null ? null : new Date(st.lastCommitMs).toISOString(),
        lastCommitMs: st.lastCommitMs, idMemory: { size: this.ids.size, capacity: this.ids.capacity },
        running: st.running, lastError, retrying: st.retrying, storeRejected: st.storeRejected,
        decode: this.ingestor.decoder.status(),
      },
      db: { path: this.db.path },
      server: {
        handlerErrors: this.boundary.count, lastHandlerError: this.boundary.last,
        queriesInFlight: this.queries.inFlight, queriesRefusedBusy: this.queries.refusedBusy, queriesTimedOut: this.queries.timedOut,
      },
      feeds,
    };
  }

  /**
   * Answers a named query. `health` and `feeds` come from live state and are always answered; every
   * other query passes the gate (refused `busy` past the configured load, interrupted at its time
   * limit or when `signal` aborts because its client left).
   */
  async query<N extends QueryName>(name: N, params: unknown, signal?: AbortSignal, asOfMs?: number): Promise<QueryResults[N]> {
    // own names only: `__proto__`, `constructor` or `toString` are unknown names, not internal errors
    if (!isQueryName(name)) throw new UnknownNameError(`unknown query ${String(name)}`);
    // parameters are judged before the query takes a place in the gate
    const p = QUERY_PARAMS[name].parse(params ?? {}) as QueryParamsOf<N>;
    const answer = this.answers[name] as Answer<N>;
    if (name === 'health' || name === 'feeds') return answer(p, new AbortController().signal);
    if (asOfMs !== undefined) return this.queries.run((s) => this.replay.answer(name, p, asOfMs, s), signal);
    // an answer held in memory is given at once: it takes no place in the gate and ingest does not give way to it
    const held = this.heldAnswer(name, p);
    if (held) return held.value;
    return this.queries.run((s) => Promise.resolve(answer(p, s)), signal);
  }

  /**
   * How each query is answered: one entry per name of the contract, each producing the contract's
   * result type. A query declared but not answered here does not compile.
   */
  private readonly answers: { [N in QueryName]: Answer<N> } = {
    health: () => this.health(),
    feeds: () => this.feeds(),
    alarms: (p) => this.controlRoom.alarmList(p),
    alarmKpis: () => this.controlRoom.liveKpis(),
    alarmRules: () => this.controlRoom.rules,
    checklist: (p) => this.controlRoom.checklistProgress(p),
    hazards: (p) => this.controlRoom.hazardList(p),
    risks: (p) => this.controlRoom.riskList(p),
    riskChanges: (p) => this.controlRoom.riskChanges(p),
    opsStatus: () => ({
      ...this.controlRoom.actionStream.status(), pendingActions: this.controlRoom.actionStream.pendingActions(),
      parked: this.controlRoom.state.parked, lastError: this.controlRoom.lastError,
    }),
    handover: (p) => this.controlRoom.handover(p.fromMs, p.toMs, false),
    timeline: (p) => this.replay.timeline(p),
    correlation: (p, s) => (p.fromMs === undefined && p.toMs === undefined ? this.liveCorrelation.get(p, s) : correlate(this.db, p, Date.now(), s)),
    baseline: (p, s) => baseline(this.db, p, Date.now(), s),
    forecasts: (p, s) => this.liveForecasts.get(p, s),
    permits: (p, s) => permits(this.db, p, Date.now(), (id) => this.controlRoom.state.hazards.get(id)?.stage ?? null, s),
    sqlSchema: () => this.sql.schema(),
    sqlSaved: () => this.sql.saved(),
    incidents: (p) => this.controlRoom.incidentList(p),
    incidentReport: (p) => this.controlRoom.incidentReport(p),
    incidentPlans: () => [...this.controlRoom.plans],
    series: (p, s) => this.liveSeries.answer(p, Date.now()) ?? this.shared.series.get(sharedSeriesKey(p, Date.now()), s),
    latest: (p, s) => this.shared.latest.get(p, s),
    kpis: (p, s) => this.shared.kpis.get(p, s),
    events: (p, s) => runNamedQuery(this.db, SQL_QUERIES.events, p, Date.now(), s),
    assets: (p, s) => runNamedQuery(this.db, SQL_QUERIES.assets, p, Date.now(), s),
    asset: (p, s) => runNamedQuery(this.db, SQL_QUERIES.asset, p, Date.now(), s),
    alarmLog: (p, s) => runNamedQuery(this.db, SQL_QUERIES.alarmLog, p, Date.now(), s),
    inspections: (p, s) => runNamedQuery(this.db, SQL_QUERIES.inspections, p, Date.now(), s),
    quarantine: (p, s) => runNamedQuery(this.db, SQL_QUERIES.quarantine, p, Date.now(), s),
    districts: (p, s) => runNamedQuery(this.db, SQL_QUERIES.districts, p, Date.now(), s),
  };

  /** The live answer of a wall's question if memory holds it (the district trends, a shared answer); undefined otherwise. */
  private heldAnswer<N extends QueryName>(name: N, p: QueryParamsOf<N>): { value: QueryResults[N] } | undefined {
    const held = name === 'series' ? this.heldSeries(p as QueryParamsOf<'series'>)
      : name === 'kpis' ? this.shared.kpis.ready(p as QueryParamsOf<'kpis'>)
        : name === 'latest' ? this.shared.latest.ready(p as QueryParamsOf<'latest'>) : undefined;
    return held as { value: QueryResults[N] } | undefined;
  }

  private heldSeries(p: QueryParamsOf<'series'>): { value: QueryResult } | undefined {
    const now = Date.now();
    const live = this.liveSeries.answer(p, now);
    return live ? { value: live } : this.shared.series.ready(sharedSeriesKey(p, now));
  }

  /** How a stale shared answer is refreshed: in the background, bounded by the queries' time limit. */
  private refreshing(): { forMs: number; signal: () => AbortSignal } {
    return { forMs: LIVE_ANSWER_STALE_MS, signal: () => AbortSignal.timeout(this.config.queries.timeoutMs) };
  }

  get queryLimits(): QueryLimits {
    return this.config.queries;
  }

  noteRefusedBusy(): void {
    this.queries.refusedBusy++;
  }

  submitAction(action: OpsAction, device: string, role: Role): Promise<{ id: string }> {
    return this.controlRoom.submit(action, device, role);
  }

  snapshot(): OpsSnapshot {
    return this.controlRoom.snapshot();
  }

  onControlRoomChange(fn: (raised: boolean) => void): () => void {
    return this.controlRoom.onChange(fn);
  }

  handover(fromMs: number, toMs: number, keep: boolean, notes?: HandoverNotes): Promise<HandoverReport> {
    return this.controlRoom.handover(fromMs, toMs, keep, notes);
  }

  alarmRules(): readonly AlarmRule[] {
    return this.controlRoom.rules;
  }

  assetName(key: string): string {
    return this.controlRoom.assetName(key);
  }

  private exporting = false;
  private readonly exportListeners = new Set<(p: ExportProgress) => void>();

  /**
   * Writes an export bundle from a read connection of its own, inside one read transaction:
   * ingest goes on through the writer meanwhile. One export at a time.
   */
  async exportBundle(a: CommandArgsOf<'export'>, signal?: AbortSignal): Promise<BundleSummary> {
    const out = checkOutFolder(a.out, engineRoots());
    const notes = retentionNotes(a.fromMs, a.toMs, Date.now(), this.config.retention.rawDays);
    if (this.exporting) throw new QueryRefused('busy', 'an export is already running on this engine: wait for it to finish');
    this.exporting = true;
    try {
      const { summary } = await this.db.readers.run((c) => writeBundle(c, {
        out, window: { fromMs: a.fromMs, toMs: a.toMs, domains: a.domains, districts: a.districts }, csv: a.csv, force: a.force,
        timeZone: localTimeZone(), engine: { id: `${hostname()}/${this.config.consumer}`, db: this.db.path, source: 'engine' },
        alarmRules: this.controlRoom.rules, wallConfigs: loadWallConfigs(), notes,
        onProgress: (p) => { for (const fn of this.exportListeners) fn(p); }, signal,
      }), signal);
      return summary;
    } finally {
      this.exporting = false;
    }
  }

  onExportProgress(fn: (p: ExportProgress) => void): () => void {
    this.exportListeners.add(fn);
    return () => this.exportListeners.delete(fn);
  }

  /** Folds every committed reading into the rollups now (the engine also does it every rollupEveryMs). */
  async rollUp(): Promise<void> {
    do await this.writer.rollUp();
    while (this.writer.rollupPending);
  }

  /** Merges the rollup partials of buckets closed since the last run (the engine also does it every minute). */
  async compact(): Promise<void> {
    await this.writer.exclusive((c) => compactRollups(c, Date.now(), this.compacted));
  }

  async checkpoint(): Promise<void> {
    await this.writer.exclusive((c) => c.run('CHECKPOINT').then(() => undefined));
  }

  /** Resolves once the feed is connected and reading (immediately for the in-process feed). */
  async whenConnected(): Promise<void> {
    if (this.source instanceof ConnectingSource) await this.source.whenReady();
  }

  onCommit(fn: (b: CommittedBatch) => void): () => void {
    return this.ingestor.onCommit(fn);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    // running queries are interrupted, new ones refused: a stop never waits for a client's query
    this.queries.close();
    this.liveForecasts.close();
    const sqlClosed = this.sql.close();
    await this.queries.drained(2_000);
    await sqlClosed;
    await this.controlRoom.stop().catch(() => undefined);
    await this.ingestor.stop();
    await this.rollUp().catch(() => undefined);
    await this.writer.exclusive((c) => saveFreshness(c, this.freshness.snapshot(Date.now()))).catch(() => undefined);
    this.writer.close();
    // each reader closes once its (interrupted) query has ended: never under it (a native crash);
    // a query that ignores interrupts is left to end on its own rather than hold the stop for ever
    await this.db.closeWithin(10_000);
  }
}


/** One query's answer from its judged parameters; `signal` aborts when its client left or its time passed. */
type Answer<N extends QueryName> = (p: QueryParamsOf<N>, signal: AbortSignal) => QueryResults[N] | Promise<QueryResults[N]>;

export { ActionRefused, UnknownNameError };

async function openSource(cfg: EngineConfig, link: NatsLink): Promise<FeedSource> {
  try {
    return await JetStreamSource.open(link, { stream: cfg.stream, consumer: cfg.consumer, create: cfg.createStream, stallMs: cfg.feedStallMs, scope: cfg.scope });
  } catch (e) {
    const jsMissing = e instanceof StreamMissingError || (e instanceof Error && /jetstream not (enabled|available)|503/i.test(e.message));
    if (!jsMissing || !cfg.fallbackToCore) throw e;
    return new CoreSubscriptionSource(link, `gaps possible: reading plain subscriptions because ${e.message}`, cfg.scope);
  }
}

/** Opens the database, restores the engine's state from it, connects the feed and starts ingest. */
export async function startEngine(cfg: EngineConfig, memoryFeed?: FeedSource): Promise<Engine> {
  // one read connection per admitted query, and two for the engine's own reads (alarm list, handover)
  const db = await Database.open(cfg.db, { threads: cfg.duckdbThreads, memoryLimit: cfg.duckdbMemoryLimit, readers: cfg.queries.maxInFlight + 2 });
  try {
    const writer = await BatchWriter.create(db, { stream: cfg.stream, consumer: cfg.consumer });
    const committedSeq = await writer.committedSeq();
    const ids = new IdMemory(cfg.idMemoryCapacity);
    ids.preload(await loadIds(db.writer, cfg.idMemoryReloadHours, cfg.idMemoryCapacity));
    const freshness = new FreshnessTracker(cfg.freshness);
    freshness.restore(await loadFreshness(db.writer));
    let source: FeedSource;
    if (cfg.nats === null) {
      if (!memoryFeed) throw new Error('no NATS configured and no in-process feed given');
      source = memoryFeed;
    } else {
      source = new ConnectingSource({ name: `cityops engine ${cfg.consumer}`, ...cfg.nats }, (link) => openSource(cfg, link));
    }
    // the door refuses what retention would delete: the ingestor judges age by the same rawDays
    const ingestOptions = { ...cfg.ingest, retentionDays: cfg.retention.rawDays };
    const decoder = cfg.decodeThread ? new WorkerDecoder(ingestOptions.retentionDays) : new LocalDecoder(ingestOptions.retentionDays);
    const ingestor = new Ingestor(source, writer, ids, freshness, await loadTotals(db.writer), committedSeq, ingestOptions, decoder);
    const controlRoom = new ControlRoom(loadAlarmRules(cfg.alarmRules), loadSuppressionProfiles(cfg.suppressionProfiles), loadChecklists(cfg.checklists), db, writer,
      { nats: cfg.nats, stream: cfg.opsStream, createStream: cfg.createStream, maxAgeDays: 400, duplicateWindowS: cfg.opsDuplicateWindowS, stallMs: cfg.feedStallMs },
      loadPlans(cfg.plans));
    await controlRoom.start();
    ingestor.beforeCommit = (b) => controlRoom.beforeCommit(b);
    // the wall's queries first: while one runs, ingest waits a few ms before each chunk (at most
    // half of the time: a stream of queries slows ingest, never stops it)
    ingestor.giveWayTo = ingestor.gaveWay.bound(() => engine.queries.whenIdle());
    writer.giveWayTo = ingestor.giveWayTo;
    ingestor.onCommit((b) => controlRoom.committed(b));
    const engine = new Engine(cfg, db, writer, source, ingestor, ids, freshness, controlRoom);
    // before any rollup pass: the mirror starts from the tables, then takes each committed pass
    // (the passes return their district rows only while the mirror takes them)
    if (await engine.liveSeries.loadFrom(db)) {
      writer.onDistrictRows = (level, rows) => {
        try {
          engine.liveSeries.fold(level, rows, Date.now());
        } catch (e) {
          // the mirror no longer matches the tables: every trend goes to DuckDB from now on
          engine.liveSeries.abandon();
          console.error(`[live series] ${new Date().toISOString()} abandoned: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (!engine.liveSeries.active) writer.onDistrictRows = null;
      };
    }
    // and the decode thread waits between messages while one runs (bounded per chunk)
    engine.queries.onBusy = (busy) => decoder.pause(busy);
    ingestor.start();
    engine.startMaintenance();
    return engine;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Shared live answers are this fresh; a stale one is given, while it is refreshed, for at most LIVE_ANSWER_STALE_MS. */
export const LIVE_ANSWER_MS = 1_000;
const LIVE_ANSWER_STALE_MS = 10_000;

/**
 * A trend up to now is shared by its span: each client's clock moves its start, and the answer is
 * computed from the instant it runs. A window with an end is shared as asked.
 */
function sharedSeriesKey(p: QueryParamsOf<'series'>, nowMs: number): { p: QueryParamsOf<'series'>; spanMs: number | null } {
  return p.toMs === undefined && p.fromMs !== undefined ? { p: { ...p, fromMs: undefined }, spanMs: Math.round((nowMs - p.fromMs) / 1000) * 1000 } : { p, spanMs: null };
}
