import { statSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SQL_MAX_ROWS, type ReadyQuestion, type SavedQuery, type SchemaEntry, type SqlProgress, type SqlResult } from '../../common/analysis.js';
import type { CommandArgsOf, CommandResults } from '../../common/engineApi.js';
import { constantOffset, isoTimeSql } from '../export/csvTimes.js';
import { QueryRefused } from '../queries/queryGate.js';
import { readyQuestions } from './readyQuestions.js';
import type { SavedQueryStore } from './savedQueries.js';
import { SCHEMA_DESCRIPTIONS } from './schemaDescriptions.js';
import { DEFAULT_DOWNLOAD_LIMITS, SqlDownloads, type Download, type DownloadLimits, type DownloadSlot } from './sqlDownloads.js';
import { guardSql, SqlQueryError, SqlRefused, type Offered } from './sqlGuard.js';
import { sqlCell } from './sqlValues.js';

/**
 * Bounds of the SQL console (config `sql`, docs/analysis.md "SQL console"); none is set by a client.
 * Memory: DuckDB has no per-connection memory limit, and `memory_limit` is the whole engine's (the
 * console never sets it). What bounds the console's memory is: at most `maxConcurrent` statements at
 * once in the engine (one per engine-API connection); each answer read chunk by chunk and kept to
 * `maxRows` rows and `maxResultBytes` bytes of JSON (the rest is never read); the DuckDB work of a
 * statement inside the engine's own `memory_limit`, spilling to DuckDB's temporary folder beyond it;
 * an exported file stopped when it grows past the bytes the download folder has left.
 */
export interface SqlLimits {
  /** A statement still running after this long is interrupted (`timeout`). */
  timeoutMs: number;
  /** An export (the whole result into a file) is interrupted after this long. */
  exportTimeoutMs: number;
  /** The most rows an answer holds (a client may ask for fewer). */
  maxRows: number;
  /** Statements (runs and exports) at once in the whole engine; one more is `busy`. */
  maxConcurrent: number;
  /** The most JSON bytes of rows an answer holds (the answer is truncated there). */
  maxResultBytes: number;
  /** Files waiting for download: count, bytes, lifetime. */
  downloads: DownloadLimits;
  /**
   * Ingest first: while ingest is more than `ingestBehindMs` behind its stream (catching up a
   * backlog), a statement waits for it, at most this long, before it runs (0: never waits). The
   * wait does not count against `timeoutMs`; a cancel or the client's leaving ends it.
   */
  yieldToIngestMs: number;
  ingestBehindMs: number;
}

/** Over an opened bundle (no ingest to protect): two statements at once. */
export const DEFAULT_SQL_LIMITS: SqlLimits = {
  timeoutMs: 30_000, exportTimeoutMs: 300_000, maxRows: SQL_MAX_ROWS, maxConcurrent: 2, maxResultBytes: 8 * 1024 * 1024, downloads: DEFAULT_DOWNLOAD_LIMITS,
  yieldToIngestMs: 0, ingestBehindMs: 2_000,
};
/**
 * On the live engine: one statement at a time in the whole engine. A statement takes a core of its
 * own (DuckDB runs it on the calling thread), and ingest's decoding and commits need the rest; on a
 * two-core machine a second heavy statement would halve what ingest has (docs/benchmarks.md).
 */
export const LIVE_SQL_LIMITS: SqlLimits = { ...DEFAULT_SQL_LIMITS, maxConcurrent: 1, yieldToIngestMs: 10_000 };

/** Who runs: one engine-API connection (its runs and cancels are its own). */
export type SqlOwner = object;

/** A run stopped by its own connection's `sql.cancel`. */
export class SqlCancelled extends Error {
  constructor(runId: string) {
    super(`run ${runId} was cancelled`);
    this.name = 'SqlCancelled';
  }
}

type StopReason = 'cancel' | 'timeout' | 'left' | 'too_large';

interface Run {
  runId: string;
  conn: DuckDBConnection | null;
  reason: StopReason | null;
  /** Interrupts again until the run's work ends (an interrupt that falls between two statements is forgotten by DuckDB). */
  nagging: NodeJS.Timeout | null;
  stop(reason: StopReason): void;
}

export interface WorkbenchOptions {
  source: 'live' | 'bundle';
  /** A new DuckDB connection of the console's own: never the ingest writer, never a query reader. */
  connect: () => Promise<DuckDBConnection>;
  limits: SqlLimits;
  saved: SavedQueryStore;
  /** The instant ready questions look back from, as SQL (`now()` live, the window's end over a bundle). */
  nowSql: () => string;
  /** A bundle's tables are views over its own Parquet files: READ_PARQUET in a plan is the bundle. */
  allowParquetScan: boolean;
  /** The zone CSV times are written in (with their offset), and the console's session zone. */
  timeZone: string;
  /** Where the download folder is made (the system's temporary folder by default). */
  downloadsParent?: string;
  /**
   * SQL run on each of the console's connections when it is made (the correlation's TEMP macros):
   * engine-built, never client text.
   */
  setup?: () => Promise<string[]>;
  /** How far behind its stream ingest is now, ms (the live engine's; none over a bundle). */
  ingestLagMs?: () => number;
}

const sqlText = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * The SQL console: guarded read-only statements on connections of its own, one at a time per
 * engine-API connection and `maxConcurrent` in all, each in a READ ONLY transaction, interrupted at
 * its time limit or by `sql.cancel`, progress reported every 250 ms; exports of whole results into
 * files downloaded once; saved queries; the schema with the data model's descriptions.
 */
export class SqlWorkbench {
  readonly downloads: SqlDownloads;
  private readonly runs = new Map<SqlOwner, Run>();
  private readonly idle: DuckDBConnection[] = [];
  private readonly all = new Set<DuckDBConnection>();
  private meta: Promise<DuckDBConnection> | null = null;
  private metaLock: Promise<unknown> = Promise.resolve();
  private offeredCache: { atMs: number; offered: Offered } | null = null;
  private closed = false;
  /** Why a setup statement (a macro) failed on a connection, newest last. */
  readonly setupErrors: string[] = [];

  constructor(private readonly o: WorkbenchOptions) {
    this.downloads = new SqlDownloads(o.limits.downloads, o.downloadsParent);
  }

  get limits(): SqlLimits {
    return this.o.limits;
  }

  /** Statements running now. */
  get running(): number {
    return this.runs.size;
  }

  /** Makes every connection the console will use now (a bundle locks its configuration after this). */
  async prepareConnections(): Promise<void> {
    const made: DuckDBConnection[] = [];
    for (let i = 0; i < this.o.limits.maxConcurrent; i++) made.push(await this.connect());
    this.idle.push(...made);
    await this.metaConnection();
  }

  private async connect(): Promise<DuckDBConnection> {
    const c = await this.o.connect();
    this.all.add(c);
    await c.run('SET enable_progress_bar = true');
    await c.run('SET enable_progress_bar_print = false');
    await c.run('SET progress_bar_time = 0');
    await c.run(`SET TimeZone = ${sqlText(this.o.timeZone)}`);
    for (const s of (await this.o.setup?.()) ?? []) {
      // a macro that cannot be made here (over a bundle's views, say) is simply not offered; the console runs on
      await c.run(s).catch((e: unknown) => {
        this.setupErrors.push(e instanceof Error ? e.message : String(e));
        if (this.setupErrors.length > 10) this.setupErrors.shift();
      });
    }
    return c;
  }

  private metaConnection(): Promise<DuckDBConnection> {
    this.meta ??= this.connect();
    return this.meta;
  }

  /** Runs `fn` on the console's own connection for its catalog reads (schema, offered names), one at a time. */
  private onMeta<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.metaLock.then(async () => fn(await this.metaConnection()));
    this.metaLock = run.catch(() => undefined);
    return run;
  }

  /** Takes this owner's one place and one of the engine's `maxConcurrent`, or refuses `busy`. */
  private admit(owner: SqlOwner, runId: string): Run {
    if (this.closed) throw new QueryRefused('busy', 'the engine is stopping');
    const mine = this.runs.get(owner);
    if (mine) throw new QueryRefused('busy', `this connection runs ${mine.runId} already: one statement at a time (cancel it or wait for it)`);
    if (this.runs.size >= this.o.limits.maxConcurrent) throw new QueryRefused('busy', `${this.runs.size} SQL statements are running in the engine (at most ${this.o.limits.maxConcurrent}): try again shortly`);
    const run: Run = {
      runId, conn: null, reason: null, nagging: null,
      stop(reason) {
        if (run.reason !== null) return;
        run.reason = reason;
        run.conn?.interrupt();
        run.nagging = setInterval(() => run.conn?.interrupt(), 50);
        run.nagging.unref();
      },
    };
    this.runs.set(owner, run);
    return run;
  }

  private async acquire(): Promise<DuckDBConnection> {
    return this.idle.pop() ?? (await this.connect());
  }

  private release(c: DuckDBConnection): void {
    if (this.closed) return;
    this.idle.push(c);
  }

  /** What an analyst's statement may name: the main schema's tables and views, table macros, known functions (cached a minute). */
  private async offered(c: DuckDBConnection): Promise<Offered> {
    const now = Date.now();
    if (this.offeredCache && now - this.offeredCache.atMs < 60_000) return this.offeredCache.offered;
    const rows = (await c.runAndReadAll(`
      SELECT lower(table_name), 't' FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
      UNION ALL SELECT lower(view_name), 't' FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
      UNION ALL SELECT DISTINCT lower(function_name), 'm' FROM duckdb_functions() WHERE function_type = 'table_macro' AND database_name IN ('temp', current_database())
      UNION ALL SELECT DISTINCT lower(function_name), 'f' FROM duckdb_functions() WHERE function_type IN ('scalar', 'aggregate', 'macro')`)).getRows();
    const offered: Offered = { tables: new Set(), macros: new Set(), functions: new Set() };
    for (const [name, kind] of rows) {
      const set = (kind === 't' ? offered.tables : kind === 'm' ? offered.macros : offered.functions) as Set<string>;
      set.add(String(name));
    }
    this.offeredCache = { atMs: now, offered };
    return offered;
  }

  /**
   * Ingest first: while the live engine's ingest is more than `ingestBehindMs` behind its stream, the
   * statement waits (at most `yieldToIngestMs`; its progress says so), then runs whatever the lag.
   */
  private async yieldToIngest(run: Run, onProgress: ((p: SqlProgress) => void) | undefined): Promise<void> {
    const lag = this.o.ingestLagMs;
    const most = this.o.limits.yieldToIngestMs;
    if (!lag || most <= 0) return;
    const t0 = performance.now();
    while (run.reason === null && performance.now() - t0 < most && lag() > this.o.limits.ingestBehindMs) {
      onProgress?.({ runId: run.runId, percentage: -1, rowsProcessed: 0, totalRows: 0, elapsedMs: Math.round(performance.now() - t0), waitingForIngest: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Guards then runs, with the time limit, the cancel and the client's leaving wired to an interrupt of this run's connection. */
  private async withRun<T>(owner: SqlOwner, runId: string, timeoutMs: number, signal: AbortSignal | undefined, onProgress: ((p: SqlProgress) => void) | undefined,
    work: (c: DuckDBConnection, run: Run) => Promise<T>): Promise<T> {
    // a client that already left is not waited for (an abort listener added now would never fire)
    signal?.throwIfAborted();
    const run = this.admit(owner, runId);
    const left = (): void => run.stop('left');
    signal?.addEventListener('abort', left, { once: true });
    let timer: NodeJS.Timeout | undefined;
    let ticker: NodeJS.Timeout | null = null;
    try {
      await this.yieldToIngest(run, onProgress);
      const why: StopReason | null = run.reason;
      if (why === 'cancel') throw new SqlCancelled(runId);
      if (why === 'left') throw signal?.reason ?? new Error('the client left');
      const t0 = performance.now();
      timer = setTimeout(() => run.stop('timeout'), timeoutMs);
      const c = await this.acquire();
      run.conn = c;
      try {
        if (run.reason !== null) throw new Error('stopped');
        if (onProgress) {
          ticker = setInterval(() => {
            const p = c.progress;
            onProgress({ runId, percentage: Number.isFinite(p.percentage) ? Math.round(p.percentage * 10) / 10 : -1, rowsProcessed: Number(p.rows_processed), totalRows: Number(p.total_rows_to_process), elapsedMs: Math.round(performance.now() - t0) });
          }, 250);
          ticker.unref();
        }
        return await work(c, run);
      } catch (e) {
        if (run.reason === 'timeout') throw new QueryRefused('timeout', `the statement ran longer than ${timeoutMs} ms and was interrupted`);
        if (run.reason === 'cancel') throw new SqlCancelled(runId);
        if (run.reason === 'too_large') throw new QueryRefused('too_large', `the exported file grew past the ${this.o.limits.downloads.maxBytes} bytes the download folder may hold: narrow the query`);
        if (run.reason === 'left') throw e;
        if (e instanceof SqlRefused || e instanceof SqlQueryError || e instanceof QueryRefused) throw e;
        throw new SqlQueryError(e instanceof Error ? e.message : String(e));
      } finally {
        // the work has ended: no more interrupts, or the rollback itself would be interrupted
        if (run.nagging) clearInterval(run.nagging);
        run.nagging = null;
        // a streamed result left unread ends with its transaction
        await c.run('ROLLBACK').catch(() => undefined);
        this.release(c);
      }
    } finally {
      clearTimeout(timer);
      if (run.nagging) clearInterval(run.nagging);
      if (ticker) clearInterval(ticker);
      signal?.removeEventListener('abort', left);
      this.runs.delete(owner);
    }
  }

  /**
   * Runs one guarded SELECT and answers at most `maxRows` rows (and `maxResultBytes` of JSON),
   * reading DuckDB's result chunk by chunk and never the rest. Refusals: `SqlRefused`; a DuckDB
   * error: `SqlQueryError`; `busy`, `timeout`: `QueryRefused`; a cancel: `SqlCancelled`.
   */
  run(owner: SqlOwner, a: CommandArgsOf<'sql.run'>, onProgress?: (p: SqlProgress) => void, signal?: AbortSignal): Promise<SqlResult> {
    const maxRows = Math.min(a.maxRows, this.o.limits.maxRows);
    return this.withRun(owner, a.runId, this.o.limits.timeoutMs, signal, onProgress, async (c, run) => {
      const t0 = performance.now();
      await guardSql(c, a.sql, { offered: await this.offered(c), allowParquetScan: this.o.allowParquetScan });
      await c.run('BEGIN TRANSACTION READ ONLY');
      const result = await c.stream(a.sql);
      const names = result.deduplicatedColumnNames();
      const types = result.columnTypes().map(String);
      const rows: SqlResult['rows'] = [];
      let bytes = 0;
      let truncated = false;
      read: for (;;) {
        if (run.reason !== null) throw new Error('stopped');
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const raw of chunk.getRows()) {
          if (rows.length >= maxRows) {
            truncated = true;
            break read;
          }
          const row = raw.map(sqlCell);
          bytes += JSON.stringify(row).length;
          if (bytes > this.o.limits.maxResultBytes) {
            truncated = true;
            break read;
          }
          rows.push(row);
        }
      }
      return {
        runId: a.runId, columns: names.map((name, i) => ({ name, type: types[i] ?? '' })), rows, truncated,
        elapsedMs: Math.round(performance.now() - t0), source: this.o.source,
      };
    });
  }

  /** Interrupts this owner's run of that id; false when it runs none by that id. */
  cancel(owner: SqlOwner, runId: string): boolean {
    const run = this.runs.get(owner);
    if (!run || run.runId !== runId) return false;
    run.stop('cancel');
    return true;
  }

  /**
   * Runs the guarded SELECT again, whole, as `COPY (…) TO` a file of the download folder (Parquet
   * with zstd, or CSV for Excel: UTF-8 with a byte-order mark, times in ISO 8601 with their offset).
   * The COPY is built by the engine around the statement as DuckDB's parser gave it back (no
   * comment or semicolon of the client's text can reach outside its parentheses).
   */
  exportQuery(owner: SqlOwner, a: CommandArgsOf<'sql.export'>, device: string, onProgress?: (p: SqlProgress) => void, signal?: AbortSignal): Promise<CommandResults['sql.export']> {
    return this.withRun(owner, a.runId, this.o.limits.exportTimeoutMs, signal, onProgress, async (c, run) => {
      await guardSql(c, a.sql, { offered: await this.offered(c), allowParquetScan: this.o.allowParquetScan });
      const canonical = String((await c.runAndReadAll('SELECT json_deserialize_sql(json_serialize_sql($1::VARCHAR))', [a.sql])).getRows()[0]?.[0] ?? '');
      const prepared = await c.prepare(canonical);
      const columns: { name: string; type: string }[] = [];
      for (let i = 0; i < prepared.columnCount; i++) columns.push({ name: prepared.columnName(i), type: String(prepared.columnType(i)) });
      prepared.destroySync();
      const slot = this.downloads.reserve(a.format);
      if (!slot) throw new QueryRefused('busy', `${this.o.limits.downloads.maxFiles} exported files wait for download, or their bytes fill the download folder: download or let them expire (${Math.round(this.o.limits.downloads.ttlMs / 60_000)} min)`);
      const watch = setInterval(() => {
        try {
          if (statSize(slot) > slot.budget) run.stop('too_large');
        } catch {
          // not there yet
        }
      }, 250);
      watch.unref();
      try {
        const aliases = columns.map((_, i) => `c${i}`);
        const source = `(\n${canonical}\n) AS q(${aliases.join(', ')})`;
        const used = new Map<string, number>();
        const names = columns.map((col) => {
          const n = used.get(col.name) ?? 0;
          used.set(col.name, n + 1);
          return n === 0 ? col.name : `${col.name}_${n}`;
        });
        let copy: string;
        if (a.format === 'parquet') {
          copy = `COPY (SELECT ${aliases.map((x, i) => `${x} AS ${ident(names[i] ?? x)}`).join(', ')} FROM ${source}) TO ${sqlText(slot.path)} (FORMAT parquet, COMPRESSION zstd)`;
        } else {
          const constant = constantOffset(this.o.timeZone);
          const list = columns.map((col, i) => {
            const x = aliases[i] ?? `c${i}`;
            const value = col.type === 'TIMESTAMP WITH TIME ZONE' ? isoTimeSql(x, constant) : x;
            return `${value} AS ${ident(i === 0 ? `\uFEFF${names[i] ?? x}` : names[i] ?? x)}`;
          });
          copy = `COPY (SELECT ${list.join(', ')} FROM ${source}) TO ${sqlText(slot.path)} (FORMAT csv, HEADER, DELIMITER ',', QUOTE '"')`;
        }
        await c.run('BEGIN TRANSACTION READ ONLY');
        const r = await c.runAndReadAll(copy);
        const rows = Number(r.getRows()[0]?.[0] ?? 0);
        // a file written faster than the watch looks is measured once more here
        if (statSize(slot) > slot.budget) run.stop('too_large');
        if (run.reason !== null) throw new Error('stopped');
        const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
        const done: Download = this.downloads.complete(slot, {
          fileName: `cityops-sql-${stamp}.${a.format}`, contentType: a.format === 'parquet' ? 'application/vnd.apache.parquet' : 'text/csv; charset=utf-8', device,
        });
        return { runId: a.runId, downloadId: done.id, fileName: done.fileName, bytes: done.bytes, rows };
      } catch (e) {
        this.downloads.abandon(slot);
        throw e;
      } finally {
        clearInterval(watch);
      }
    });
  }

  /** Every table, view and table macro with the data model's descriptions (read by the engine, not the analyst). */
  schema(): Promise<SchemaEntry[]> {
    return this.onMeta(async (c) => {
      const rows = (await c.runAndReadAll(`
        SELECT c.table_name, c.column_name, c.data_type, CASE WHEN v.view_name IS NULL THEN 'table' ELSE 'view' END AS kind
        FROM duckdb_columns() c LEFT JOIN duckdb_views() v
          ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
        WHERE c.database_name = current_database() AND c.schema_name = 'main' AND NOT c.internal
        ORDER BY c.table_name, c.column_index`)).getRows();
      const out = new Map<string, SchemaEntry>();
      for (const [table, column, type, kind] of rows) {
        const name = String(table);
        const doc = SCHEMA_DESCRIPTIONS[name] ?? SCHEMA_DESCRIPTIONS[name.replace(/_v$/, '')];
        let e = out.get(name);
        if (!e) {
          e = { name, kind: kind === 'view' ? 'view' : 'table', description: doc?.description ?? '', columns: [] };
          out.set(name, e);
        }
        e.columns.push({ name: String(column), type: String(type), description: doc?.columns[String(column)] ?? '' });
      }
      const macros = (await c.runAndReadAll(`
        SELECT DISTINCT function_name, parameters::VARCHAR[] AS params, coalesce(description, '') FROM duckdb_functions()
        WHERE function_type = 'table_macro' AND database_name IN ('temp', current_database()) ORDER BY function_name`)).getRows();
      const entries = [...out.values()];
      for (const [name, params, description] of macros) {
        const list = Array.isArray(params) ? params : (params as { items?: unknown[] } | null)?.items ?? [];
        entries.push({ name: String(name), kind: 'macro', description: String(description), columns: list.map((p) => ({ name: String(p), type: '', description: '' })) });
      }
      return entries;
    });
  }

  /** Saved queries and the ready questions. */
  async saved(): Promise<{ saved: SavedQuery[]; ready: ReadyQuestion[] }> {
    return { saved: await this.o.saved.list(), ready: readyQuestions(this.o.nowSql()) };
  }

  save(a: CommandArgsOf<'sql.save'>, device: string): Promise<SavedQuery> {
    return this.o.saved.save({ name: a.name, sql: a.sql, description: a.description, savedAtMs: Date.now(), savedBy: device });
  }

  remove(name: string): Promise<boolean> {
    return this.o.saved.remove(name);
  }

  /**
   * Interrupts every run, waits (at most `limitMs`) for their work to end, then closes the console's
   * connections and removes the download folder. A connection is never closed under a running
   * statement.
   */
  async close(limitMs = 2_000): Promise<void> {
    this.closed = true;
    for (const run of this.runs.values()) run.stop('left');
    const end = Date.now() + limitMs;
    while (this.runs.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    const busy = new Set([...this.runs.values()].map((r) => r.conn));
    for (const c of this.all) {
      if (busy.has(c)) continue;
      try {
        c.interrupt();
        c.closeSync();
      } catch {
        // closing anyway
      }
    }
    this.all.clear();
    this.idle.length = 0;
    this.downloads.close();
  }
}

function statSize(slot: DownloadSlot): number {
  return statSync(slot.path).size;
}
