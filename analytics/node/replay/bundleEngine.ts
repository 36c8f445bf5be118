import { join, resolve, sep } from 'node:path';
import { AlarmRulesSchema, type AlarmRule } from '../../common/alarms/alarmRules.js';
import { BUNDLE_TABLES, type BundleManifest } from '../../common/bundle.js';
import type { BundleSummary, ExportProgress } from '../../common/bundle.js';
import { QUERY_PARAMS, isQueryName, type FeedFreshness, type Health, type QueryName, type QueryParamsOf, type QueryResults } from '../../common/engineApi.js';
import { alarmKpis } from '../../common/ops/alarmKpis.js';
import type { OpsSnapshot } from '../../common/ops/controlRoomViews.js';
import { NO_NOTES, type HandoverNotes, type HandoverReport } from '../../common/ops/handoverReport.js';
import { message } from '../../common/i18n.js';
import { BoundaryErrors } from '../boundaryErrors.js';
import { UnknownNameError, type EngineService } from '../engineService.js';
import { ExportRefused } from '../export/bundleWriter.js';
import { ActionRefused } from '../ops/actionPrecheck.js';
import { loadAlarmRules } from '../ops/alarmService.js';
import { loadChecklists, loadSuppressionProfiles } from '../ops/configFiles.js';
import { buildHandover } from '../ops/handover.js';
import { DEFAULT_QUERY_LIMITS, QueryGate, type QueryLimits } from '../queries/queryGate.js';
import { Database } from '../store/database.js';
import { dataPath } from '../paths.js';
import { VERSION } from '../version.js';
import { ReplayAnswers } from './replayAnswers.js';
import { correlationMacros } from '../analysis/correlationSql.js';
import { BundleSavedQueries } from '../analysis/savedQueries.js';
import { DEFAULT_SQL_LIMITS, SqlWorkbench, type SqlLimits } from '../analysis/sqlWorkbench.js';
import { localTimeZone } from '../export/exportRequest.js';
import { micros } from '../../common/vocabulary.js';

/** A table of the window and the state file that holds its part before the window (read as one). */
const STATE_OF: Partial<Record<string, string>> = {
  readings: 'initial_readings', alarm_log: 'initial_alarm_log', risk_changes: 'initial_risk', inspections: 'initial_inspections',
};

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * Tables loaded into memory rather than read through a view, up to MAX_LOADED_ROWS rows (about 300
 * bytes each): the events and alarms every seek and the correlation read, the asset versions (the
 * KPIs' count and the registry as of an instant) and the inspections (the risk register's evidence
 * at every seek). Bigger ones stay views (the correlation then says it cannot number their rows).
 */
const LOADED: ReadonlySet<string> = new Set(['events', 'alarm_log', 'asset_versions', 'inspections']);
const MAX_LOADED_ROWS = 2_000_000;

/**
 * Opens a verified bundle as a database: an in-memory DuckDB whose tables are views over the
 * bundle's Parquet files, named as the live tables, so the engine's own SQL runs over it unchanged.
 * The state files join their tables (the latest reading of every series before the window joins the
 * readings, and so on). Nothing is ever written to the bundle.
 */
export async function openBundleDatabase(dir: string, manifest: BundleManifest): Promise<Database> {
  // bounded like the engine's own (views over the files: the memory is DuckDB's working memory, not the data)
  const db = await Database.open(':memory:', { threads: 2, memoryLimit: process.env['CITYOPS_DUCKDB_MEMORY'] ?? '1GB', readers: DEFAULT_QUERY_LIMITS.maxInFlight + 2 });
  try {
    // the files never change under an open bundle (verified, read-only): their footers are parsed once, not at every query
    await db.writer.run('SET parquet_metadata_cache = true');
    const parquet = new Map<string, string>(manifest.files.filter((f) => f.format === 'parquet').map((f) => [f.table, join(dir, f.path)]));
    for (const table of BUNDLE_TABLES) {
      if (table.startsWith('initial_')) continue;
      const files = [parquet.get(table), parquet.get(STATE_OF[table] ?? '')].filter((f): f is string => f !== undefined);
      if (files.length === 0) continue; // an older bundle without it: the table stays, empty
      const rows = manifest.files.filter((f) => f.format === 'parquet' && (f.table === table || f.table === STATE_OF[table])).reduce((n, f) => n + f.rows, 0);
      if (LOADED.has(table) && rows <= MAX_LOADED_ROWS) {
        // held in memory as the live table is: a row id of its own (the correlation's points are numbered by it), no Parquet decoding per seek
        try {
          await db.writer.run(`INSERT INTO ${table} BY NAME SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true)`);
          continue;
        } catch (e) {
          // rows the live table's constraints refuse (a bundle of another version): read through a view, as before
          if (table === 'events' || table === 'alarm_log') throw e;
          await db.writer.run(`DELETE FROM ${table}`);
        }
      }
      await db.writer.run(`DROP TABLE ${table}`);
      // one file needs no union of schemas (union_by_name reads every file's schema at each query's bind)
      await db.writer.run(files.length === 1
        ? `CREATE VIEW ${table} AS SELECT * FROM read_parquet(${sqlString(files[0] ?? '')})`
        : `CREATE VIEW ${table} AS SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true)`);
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * The engine over a bundle (`cityops open`): the same contract, read-only, every connection
 * replayed within the bundle's window. No feed, no ingest, no operator actions.
 */
export class BundleEngine implements EngineService {
  readonly mode = 'bundle' as const;
  readonly boundary = new BoundaryErrors();
  readonly queryLimits: QueryLimits = DEFAULT_QUERY_LIMITS;
  private readonly gate = new QueryGate(DEFAULT_QUERY_LIMITS);
  private readonly startedAtMs = Date.now();
  readonly replay: ReplayAnswers;
  private readonly rules: AlarmRule[];

  /** The SQL console over the bundle: read-only by construction (views over its files, external access off, configuration locked). */
  readonly sql: SqlWorkbench;

  constructor(readonly dir: string, readonly manifest: BundleManifest, readonly db: Database, sqlLimits: SqlLimits = DEFAULT_SQL_LIMITS) {
    this.sql = new SqlWorkbench({
      source: 'bundle', connect: () => db.connectOwn(), limits: sqlLimits, allowParquetScan: true, timeZone: localTimeZone(),
      nowSql: () => `make_timestamptz(${micros(this.window.toMs)})`, saved: new BundleSavedQueries(dir),
      setup: () => Promise.resolve(correlationMacros()),
    });
    const fromManifest = AlarmRulesSchema.safeParse(manifest.alarmRules);
    // the rules the engine had in force; a bundle without them gets this installation's
    this.rules = fromManifest.success && fromManifest.data.length > 0 ? fromManifest.data : loadAlarmRules(dataPath('alarm-rules.json'));
    this.replay = new ReplayAnswers({
      db, rules: this.rules, checklists: loadChecklists(dataPath('checklists.json')), profiles: loadSuppressionProfiles(dataPath('suppression-profiles.json')),
      mode: 'bundle', window: () => Promise.resolve(this.window), horizon: () => this.window.toMs,
    }, {
      health: () => this.health(),
      feeds: () => this.feeds(),
      opsStatus: () => ({ mode: 'local', connected: false, stream: null, lastSeq: 0, pending: 0, invalid: 0, lastError: null, pendingActions: [], parked: 0 }),
      handover: (p) => this.handover(p.fromMs, p.toMs, false),
      sqlSchema: () => this.sql.schema(),
      sqlSaved: () => this.sql.saved(),
    });
  }

  /**
   * Opens the bundle read-only: its views, then the SQL console's connections, then the database
   * locked down — no file outside the bundle's folder and the console's download folder can be read
   * or written by any statement (`enable_external_access` off with those two allowed), and no
   * setting can change any more (`lock_configuration`).
   */
  static async open(dir: string, manifest: BundleManifest, sqlLimits: SqlLimits = DEFAULT_SQL_LIMITS): Promise<BundleEngine> {
    const engine = new BundleEngine(dir, manifest, await openBundleDatabase(dir, manifest), sqlLimits);
    try {
      await engine.sql.prepareConnections();
      const own = engine.sql.downloads.dir;
      const allowed = [resolve(dir), own].map((d) => sqlString(d.endsWith(sep) ? d : `${d}${sep}`));
      const w = engine.db.writer;
      await w.run(`SET temp_directory = ${sqlString(join(own, 'spill'))}`);
      await w.run(`SET allowed_directories = [${allowed.join(', ')}]`);
      await w.run('SET autoinstall_known_extensions = false');
      await w.run('SET autoload_known_extensions = false');
      await w.run('SET enable_external_access = false');
      await w.run('SET lock_configuration = true');
      return engine;
    } catch (e) {
      await engine.stop();
      throw e;
    }
  }

  get window(): { fromMs: number; toMs: number } {
    return { fromMs: this.manifest.window.fromMs, toMs: this.manifest.window.toMs };
  }

  health(): Health {
    return {
      ok: true, version: VERSION, startedAt: new Date(this.startedAtMs).toISOString(), uptimeS: Math.round((Date.now() - this.startedAtMs) / 1000),
      nats: { connected: false, mode: 'none', url: '', stream: null, consumer: null, gapsPossible: false, gap: null, scope: null, reconnects: 0, disconnectedForMs: null, lastError: null, consumerRecreated: 0 },
      ingest: {
        received: 0, stored: 0, quarantined: 0, duplicates: 0, committedSeq: this.manifest.engine.streamPosition ?? 0, batches: 0, lastCommitAt: null, lastCommitMs: null,
        idMemory: { size: 0, capacity: 0 }, running: false, lastError: null, retrying: false, storeRejected: 0, decode: { thread: 'ingest', restarts: 0, lastError: null },
      },
      db: { path: this.dir },
      server: {
        handlerErrors: this.boundary.count, lastHandlerError: this.boundary.last,
        queriesInFlight: this.gate.inFlight, queriesRefusedBusy: this.gate.refusedBusy, queriesTimedOut: this.gate.timedOut,
      },
      feeds: { fresh: 0, late: 0, silent: 0 },
    };
  }

  feeds(): FeedFreshness[] {
    return [];
  }

  /** Every query as of `asOfMs` (the connection's cursor), the window's start when none is set yet. */
  async query<N extends QueryName>(name: N, params: unknown, signal?: AbortSignal, asOfMs?: number): Promise<QueryResults[N]> {
    if (!isQueryName(name)) throw new UnknownNameError(`unknown query ${String(name)}`);
    const p = QUERY_PARAMS[name].parse(params ?? {}) as QueryParamsOf<N>;
    const at = Math.min(this.window.toMs, Math.max(this.window.fromMs, asOfMs ?? this.window.fromMs));
    if (name === 'health' || name === 'feeds') return this.replay.answer(name, p, at, new AbortController().signal);
    return this.gate.run((s) => this.replay.answer(name, p, at, s), signal);
  }

  noteRefusedBusy(): void {
    this.gate.refusedBusy++;
  }

  onCommit(): () => void {
    return () => undefined;
  }

  checkpoint(): Promise<void> {
    return Promise.resolve();
  }

  submitAction(): Promise<{ id: string }> {
    return Promise.reject(new ActionRefused(message('msg_replay_no_action')));
  }

  replayWindow(): Promise<{ fromMs: number; toMs: number }> {
    return Promise.resolve(this.window);
  }

  snapshotAt(atMs: number): Promise<OpsSnapshot> {
    return this.replay.snapshotAt(Math.min(this.window.toMs, Math.max(this.window.fromMs, atMs)));
  }

  /** Never pushed live (connections over a bundle are always replayed): an empty picture. */
  snapshot(): OpsSnapshot {
    return {
      version: 0, atMs: this.window.fromMs, alarms: [], kpis: { shown: 0, unacknowledged: 0, hidden: 0, floodNow: false, raisedLast10Min: 0 } as OpsSnapshot['kpis'],
      hazards: { open: 0, overdue: 0, major: 0 }, openHazards: [], districts: [], assetRisk: {}, eventAcks: [], pending: [], recent: [],
    };
  }

  onControlRoomChange(): () => void {
    return () => undefined;
  }

  /** A shift's report over the bundle: the state folded to the shift's end (never kept: the bundle is read-only). */
  async handover(fromMs: number, toMs: number, _keep: boolean, notes: HandoverNotes = NO_NOTES): Promise<HandoverReport> {
    const changes = await this.replay.answer('riskChanges', QUERY_PARAMS.riskChanges.parse({ limit: 5000 }), toMs, new AbortController().signal);
    await this.replay.history.loadUpTo(toMs);
    // the history's state is shared by every screen and moves with the next seek: read it with no await in between
    const state = this.replay.history.stateAt(toMs);
    return buildHandover(state, [...changes].reverse(), alarmKpis(state, toMs), fromMs, toMs, Date.now(), notes);
  }

  alarmRules(): readonly AlarmRule[] {
    return this.rules;
  }

  assetName(key: string): string {
    return this.replay.history.registryAt(this.window.toMs).get(key)?.name ?? key;
  }

  exportBundle(): Promise<BundleSummary> {
    return Promise.reject(new ExportRefused('an opened bundle is read-only: export from the engine it came from'));
  }

  onExportProgress(_fn: (p: ExportProgress) => void): () => void {
    return () => undefined;
  }

  async stop(): Promise<void> {
    await this.sql.close();
    // readers close once their interrupted queries have ended (never under one), at most 10 s waited
    await this.db.closeWithin(10_000);
  }
}
