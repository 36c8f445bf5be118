import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, JSDuckDBValueConverter, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { MIGRATIONS } from './migrations.js';
import { ReaderPool } from './readerPool.js';

export type Cell = string | number | boolean | null;
export type Columns = Record<string, Cell[]>;

/** Counts come back as bigint and times as Date: charts want plain numbers (epoch ms for times). */
function jsonSafe(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.getTime();
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}

/** Options of a read: an abort interrupts the query (its client left, its time passed). */
export interface ReadOptions {
  signal?: AbortSignal;
}

/**
 * The one place the DuckDB file is opened, migrated and closed. Ingest writes through `writer`
 * (one connection, one writer); queries read through a pool of connections, one per running query.
 */
export class Database {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly writer: DuckDBConnection,
    readonly readers: ReaderPool,
  ) {}

  static async open(path: string, options: { threads?: number; memoryLimit?: string; readers?: number } = {}): Promise<Database> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    // A larger WAL between checkpoints keeps checkpoints off the hot path; replay after a crash stays a few seconds.
    const config: Record<string, string> = { checkpoint_threshold: '128MB' };
    if (options.threads) config['threads'] = String(options.threads);
    if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
    const instance = await DuckDBInstance.create(path, config);
    const writer = await instance.connect();
    await migrate(writer);
    return new Database(path, instance, writer, new ReaderPool(instance, options.readers ?? 8));
  }

  /** Runs a read-only query and returns JSON-safe columns (ready for an ECharts dataset). */
  async queryColumns(sql: string, params: Record<string, DuckDBValue> = {}, o: ReadOptions = {}): Promise<Columns> {
    return this.readers.run((c) => readColumns(c, sql, params, o.signal), o.signal);
  }

  async queryRows(sql: string, params: Record<string, DuckDBValue> = {}, o: ReadOptions = {}): Promise<Record<string, Cell>[]> {
    const cols = await this.queryColumns(sql, params, o);
    const names = Object.keys(cols);
    const n = names.length === 0 ? 0 : (cols[names[0] as string] as Cell[]).length;
    const rows: Record<string, Cell>[] = [];
    for (let i = 0; i < n; i++) rows.push(Object.fromEntries(names.map((k) => [k, (cols[k] as Cell[])[i] as Cell])));
    return rows;
  }

  /**
   * A connection of the caller's own, outside the reader pool (the SQL console's: it interrupts,
   * sets its session and closes it itself).
   */
  connectOwn(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  async checkpoint(): Promise<void> {
    await this.writer.run('CHECKPOINT');
  }

  /**
   * Closes the writer and the instance now, and each reader as soon as its running query has
   * ended (interrupted): a connection closed under a running query crashes the process. Resolves
   * when the last reader is closed (the instance lives until then: its connections hold it).
   */
  close(): Promise<void> {
    const readersClosed = this.readers.close();
    this.writer.closeSync();
    this.instance.closeSync();
    return readersClosed;
  }

  /**
   * {@link close}, waiting at most `ms` for the readers: a query that ignores interrupts is left to
   * end on its own (its connection closes then) rather than hold a stop for ever. No timer is left behind.
   */
  async closeWithin(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([this.close(), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Reads a result chunk by chunk (2,048 rows each): between chunks the event loop serves others
 * (health, pushes), so a large result never holds the process for the whole conversion; an
 * abort stops the reading.
 */
async function readColumns(c: DuckDBConnection, sql: string, params: Record<string, DuckDBValue>, signal: AbortSignal | undefined): Promise<Columns> {
  const result = await c.stream(sql, params);
  const names = result.deduplicatedColumnNames();
  const columns: Cell[][] = names.map(() => []);
  for (;;) {
    signal?.throwIfAborted();
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    chunk.convertColumns(JSDuckDBValueConverter).forEach((values, i) => {
      const into = columns[i] as Cell[];
      for (const v of values) into.push(jsonSafe(v));
    });
  }
  return Object.fromEntries(names.map((n, i) => [n, columns[i] as Cell[]]));
}

async function migrate(conn: DuckDBConnection): Promise<void> {
  await conn.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)');
  const current = await conn.runAndReadAll('SELECT coalesce(max(version), 0) AS v FROM schema_version');
  const have = Number(current.getRowObjects()[0]?.['v'] ?? 0);
  for (const m of MIGRATIONS) {
    if (m.version <= have) continue;
    await conn.run('BEGIN TRANSACTION');
    try {
      await conn.run(m.sql);
      await conn.run('INSERT INTO schema_version VALUES ($v, $n, now())', { v: m.version, n: m.name });
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK');
      throw new Error(`migration ${m.version} (${m.name}) failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  // Checkpoint so the migration DDL never sits in the WAL while ingest runs.
  await conn.run('CHECKPOINT');
}
