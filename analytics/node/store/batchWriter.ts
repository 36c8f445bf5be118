import type { AlarmTransition } from '../../common/ops/alarmTransition.js';
import {
  BIGINT, BOOLEAN, DOUBLE, DuckDBDataChunk, TIMESTAMPTZ, UBIGINT, VARCHAR, type DuckDBAppender, type DuckDBConnection, type DuckDBType,
  type DuckDBResultReader, type DuckDBValue,
} from '@duckdb/node-api';
// The bindings under @duckdb/node-api (installed with it, same pinned version): their raw copy into a
// chunk's vectors writes a whole column in one call, where the API's VARCHAR vector makes one call per value.
import duckdb from '@duckdb/node-bindings';
import { endianness } from 'node:os';
import { QUALITIES, type Batch, type ReadingColumns } from './batch.js';
import { findRejectedRows, withoutRejected, type RejectedRow } from './batchSplit.js';
import type { Database } from './database.js';
import { storeErrorClass } from './storeErrors.js';
import { giveWay, micros } from '../../common/vocabulary.js';
import { engineTurns } from './threadTurns.js';

const CHUNK_ROWS = 2048;
/** Data chunks appended between two flushes of the readings appender (the thread is given back after each flush). */
const FLUSH_CHUNKS = 1;

/**
 * Rollup levels kept incrementally: each rollup pass appends partial aggregates of the readings
 * committed since the previous pass; compaction later merges partials of closed buckets.
 */
export const ROLLUPS = [
  { table: 'rollup_10s', width: '10 seconds', widthMs: 10_000, keys: 'domain, district, asset, metric' },
  { table: 'rollup_1m', width: '1 minute', widthMs: 60_000, keys: 'domain, district, asset, metric' },
  { table: 'rollup_1h', width: '1 hour', widthMs: 3_600_000, keys: 'domain, district, asset, metric' },
  { table: 'rollup_district_1m', width: '1 minute', widthMs: 60_000, keys: 'domain, district, metric' },
  { table: 'rollup_district_1h', width: '1 hour', widthMs: 3_600_000, keys: 'domain, district, metric' },
] as const;

const STAGING_DDL = `
CREATE OR REPLACE TEMP TABLE stage_events (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, msg_id VARCHAR, type VARCHAR,
  severity VARCHAR, title VARCHAR, asset VARCHAR, lat DOUBLE, lon DOUBLE, detail VARCHAR, subject VARCHAR, stream_seq UBIGINT, received_ms DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_assets (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, asset VARCHAR, name VARCHAR, kind VARCHAR,
  lat DOUBLE, lon DOUBLE, owner VARCHAR, supervisor VARCHAR, approver VARCHAR, attrs VARCHAR, subject VARCHAR, stream_seq UBIGINT, received_ms DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_inspections (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, msg_id VARCHAR, asset VARCHAR,
  item VARCHAR, result VARCHAR, level VARCHAR, note VARCHAR, inspector VARCHAR, subject VARCHAR, stream_seq UBIGINT, received_ms DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_permits (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, asset VARCHAR, use VARCHAR, permits VARCHAR,
  subject VARCHAR, stream_seq UBIGINT, received_ms DOUBLE);
CREATE OR REPLACE TEMP TABLE rollup_pass (bucket TIMESTAMPTZ, domain VARCHAR, district VARCHAR, asset VARCHAR, metric VARCHAR,
  n BIGINT, sum DOUBLE, min DOUBLE, max DOUBLE, last_ts TIMESTAMPTZ, last_value DOUBLE, n_bad BIGINT);
CREATE OR REPLACE TEMP TABLE stage_quarantine (received_ms DOUBLE, subject VARCHAR, reason VARCHAR, detail VARCHAR, payload VARCHAR, stream_seq UBIGINT);
`;

const ts = (col: string): string => `make_timestamptz((${col} * 1000)::BIGINT)`;

/** One scan of the new readings makes the 10-second partials; the coarser levels come from those. */
const ROLLUP_COLUMNS = 'bucket, domain, district, asset, metric, n, sum, min, max, last_ts, last_value, n_bad';
const rollupFromReadings = `
INSERT INTO temp.main.rollup_pass
SELECT time_bucket(INTERVAL '10 seconds', ts) AS bucket, domain, district, asset, metric,
  count(*) FILTER (WHERE quality <> 'bad') AS n,
  coalesce(sum(value) FILTER (WHERE quality <> 'bad'), 0) AS sum,
  min(value) FILTER (WHERE quality <> 'bad') AS min,
  max(value) FILTER (WHERE quality <> 'bad') AS max,
  max(ts) FILTER (WHERE quality <> 'bad') AS last_ts,
  arg_max(value, ts) FILTER (WHERE quality <> 'bad') AS last_value,
  count(*) FILTER (WHERE quality = 'bad') AS n_bad
FROM readings WHERE batch_no > $from AND batch_no <= $to GROUP BY ALL`;
const rollupFromPass = (table: string, width: string, keys: string): string => table === 'rollup_10s'
  ? `INSERT INTO ${table} SELECT ${ROLLUP_COLUMNS}, NULL FROM temp.main.rollup_pass`
  : `INSERT INTO ${table}
     SELECT time_bucket(INTERVAL '${width}', bucket), ${keys}, sum(n), sum(sum), min(min), max(max),
            max(last_ts), arg_max(last_value, last_ts), sum(n_bad), NULL
     FROM temp.main.rollup_pass GROUP BY ALL`;

const ROLLUP_SQL = ROLLUPS.map((r) => rollupFromPass(r.table, r.width, r.keys));

/** The rows one district rollup level received (one entry per row), as returned by its insert. */
export interface DistrictRollupRows {
  bucketMs: ArrayLike<number>;
  domain: readonly string[];
  district: readonly string[];
  metric: readonly string[];
  n: ArrayLike<number>;
  sum: ArrayLike<number>;
  min: readonly (number | null)[];
  max: readonly (number | null)[];
}

export type DistrictLevel = '1m' | '1h';

/** The district levels' inserts also return their rows, for whoever mirrors them (the live series). */
const DISTRICT_LEVELS: Partial<Record<string, DistrictLevel>> = { rollup_district_1m: '1m', rollup_district_1h: '1h' };
const RETURNING = ' RETURNING epoch_ms(bucket)::DOUBLE AS b, domain, district, metric, n::DOUBLE AS n, sum, min, max';
const ROLLUP_STEPS = ROLLUPS.map((r, i) => ({ sql: ROLLUP_SQL[i] as string, level: DISTRICT_LEVELS[r.table] ?? null }));

/** Reads rows of (b, domain, district, metric, n, sum, min, max) as a district level's rows. */
export function districtRows(reader: DuckDBResultReader): DistrictRollupRows {
  // no rows: no columns either
  const cols = reader.currentRowCount === 0 ? [[], [], [], [], [], [], [], []] : reader.getColumnsJS();
  return {
    bucketMs: cols[0] as number[], domain: cols[1] as string[], district: cols[2] as string[], metric: cols[3] as string[],
    n: cols[4] as number[], sum: cols[5] as number[], min: cols[6] as (number | null)[], max: cols[7] as (number | null)[],
  };
}

/**
 * Each staging table's insert, run only when the batch has rows of that kind (events, asset
 * versions, inspections and quarantine rows are few; readings go straight into their table).
 */
const COMMIT_SQL: { sql: string; has: (b: Batch) => boolean }[] = [
  { has: (b) => b.events.length > 0, sql: `INSERT INTO events SELECT ${ts('ts_ms')}, domain, district, msg_id, type, severity, title, asset, lat, lon, detail, subject, stream_seq, ${ts('received_ms')} FROM stage_events` },
  { has: (b) => b.assets.length > 0, sql: `INSERT INTO asset_versions SELECT ${ts('ts_ms')}, domain, district, asset, name, kind, lat, lon, owner, supervisor, approver, attrs::JSON, subject, stream_seq, ${ts('received_ms')} FROM stage_assets` },
  { has: (b) => b.inspections.length > 0, sql: `INSERT INTO inspections SELECT ${ts('ts_ms')}, domain, district, msg_id, asset, item, result, level, note, inspector, subject, stream_seq, ${ts('received_ms')} FROM stage_inspections` },
  { has: (b) => b.permits.length > 0, sql: `INSERT INTO permit_versions SELECT ${ts('ts_ms')}, domain, district, asset, use, permits::JSON, subject, stream_seq, ${ts('received_ms')} FROM stage_permits` },
  { has: (b) => b.quarantine.length > 0, sql: `INSERT INTO quarantine SELECT ${ts('received_ms')}, subject, reason, detail, payload, stream_seq FROM stage_quarantine` },
];

const MAX_BATCHES_PER_ROLLUP_PASS = 50;

const STAGES = ['stage_events', 'stage_assets', 'stage_inspections', 'stage_quarantine', 'stage_permits'] as const;

/** A SQL string literal (the position's stream and consumer names, written into the commit's statements). */
const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export interface Position {
  stream: string;
  consumer: string;
}

/** What a commit stored: the batch itself, or the batch without the rows the database refused. */
export interface CommitResult {
  batch: Batch;
  /** The refused rows, now in quarantine as store_rejected (their ids must not stay remembered). */
  rejected: RejectedRow[];
}

/**
 * The single writer. One `commit` is one DuckDB transaction holding a batch's rows, its alarm
 * transitions, its counters and the stream position it reaches: after a crash either all of it is
 * there or none of it, so resuming from the stored position neither loses nor repeats a reading.
 *
 * Readings are appended straight into `readings` while the transaction is open: an appender's
 * flush runs in its connection's open transaction, so a ROLLBACK (a probe, a failure) takes its rows
 * back with everything else (batchWriter.test.ts proves it). The appender never holds rows outside a
 * transaction: everything is appended after BEGIN and flushed before COMMIT, and a failed commit
 * clears it before anything else runs.
 */
export class BatchWriter {
  private appenders = new Map<string, DuckDBAppender>();
  private readingsAppender: DuckDBAppender | null = null;
  /** A failed commit may leave an appender holding rows: it is cleared and recreated before the next one. */
  private appendersStale = false;
  private lock: Promise<unknown> = Promise.resolve();
  /** The last committed batch number, and the last one whose readings are in the rollups. */
  private lastBatch = 0;
  private rolledBatch = 0;
  lastRollupMs = 0;
  /** Told the rows each committed rollup pass added to the district levels (the live series mirror them). */
  onDistrictRows: ((level: DistrictLevel, rows: DistrictRollupRows) => void) | null = null;
  /** Null when nothing waits; otherwise resolves when the queries a commit gives way to have ended (between its slices). */
  giveWayTo: (() => Promise<void> | null) | null = null;
  /** The WHERE of the position's UPDATE, its names quoted once (a commit's statements carry their numbers as literals). */
  private readonly positionWhere: string;

  private constructor(private readonly conn: DuckDBConnection, private readonly position: Position) {
    this.positionWhere = `WHERE stream = ${sqlString(position.stream)} AND consumer = ${sqlString(position.consumer)}`;
  }

  static async create(db: Database, position: Position): Promise<BatchWriter> {
    const w = new BatchWriter(db.writer, position);
    await db.writer.run(STAGING_DDL);
    await w.openAppenders();
    const totals = (await db.writer.runAndReadAll('SELECT last_batch, rolled_batch FROM ingest_totals')).getRowObjects()[0] ?? {};
    w.lastBatch = Number(totals['last_batch'] ?? 0);
    w.rolledBatch = Number(totals['rolled_batch'] ?? 0);
    const have = await db.writer.runAndReadAll('SELECT count(*)::INTEGER AS n FROM consumer_position WHERE stream = $s AND consumer = $c',
      { s: position.stream, c: position.consumer });
    if (Number(have.getRowObjects()[0]?.['n'] ?? 0) === 0) {
      await db.writer.run('INSERT INTO consumer_position VALUES ($s, $c, 0, now())', { s: position.stream, c: position.consumer });
    }
    return w;
  }

  /** The last stream sequence whose batch is committed. */
  async committedSeq(): Promise<number> {
    const r = await this.conn.runAndReadAll('SELECT last_seq FROM consumer_position WHERE stream = $s AND consumer = $c',
      { s: this.position.stream, c: this.position.consumer });
    return Number(r.getRowObjects()[0]?.['last_seq'] ?? 0);
  }

  /** Runs `fn` with the writer connection to itself (commits and maintenance never interleave). */
  exclusive<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.lock.then(() => fn(this.conn));
    this.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Commits a batch with its stream position. When the database refuses it for its data (a value
   * it cannot hold), the refused rows are found by splitting the batch, quarantined as
   * store_rejected, and the rest commits with the same position. An error of the environment (disk,
   * I/O, memory), or one no row can be blamed for, is thrown: the caller retries the whole batch.
   */
  commit(batch: Batch): Promise<CommitResult> {
    return this.exclusive(async () => {
      try {
        await this.commitNow(batch, 'commit');
        return { batch, rejected: [] };
      } catch (e) {
        if (storeErrorClass(e) === 'environment') throw e;
        const rejected = await findRejectedRows(batch, (part) => this.commitNow(part, 'probe'));
        if (rejected.length === 0) throw e;
        const rest = withoutRejected(batch, rejected);
        await this.commitNow(rest, 'commit');
        return { batch: rest, rejected };
      }
    });
  }

  /** True when committed readings are not in the rollups yet. */
  get rollupPending(): boolean {
    return this.rolledBatch < this.lastBatch;
  }

  /**
   * Adds the readings committed since the last pass to the rollups, in one transaction with the
   * new rollup position: after a crash the next pass starts exactly where the last one ended.
   */
  rollUp(): Promise<void> {
    return this.exclusive(async () => {
      const from = this.rolledBatch;
      // bounded passes: after a long backlog the rollups catch up in steps, never in one huge scan
      const to = Math.min(this.lastBatch, from + MAX_BATCHES_PER_ROLLUP_PASS);
      if (to <= from) return;
      const range = { from: BigInt(from), to: BigInt(to) };
      const inserted: { level: DistrictLevel; rows: DistrictRollupRows }[] = [];
      // each statement starts only when no wall query runs (or after the bounded wait): a pass is
      // several scans over the new readings, on DuckDB's threads, which a query would share
      await giveWay(this.giveWayTo);
      await this.conn.run('BEGIN TRANSACTION');
      try {
        await this.conn.run(rollupFromReadings, range);
        for (const step of ROLLUP_STEPS) {
          await giveWay(this.giveWayTo);
          if (step.level && this.onDistrictRows) inserted.push({ level: step.level, rows: districtRows(await this.conn.runAndReadAll(step.sql + RETURNING)) });
          else await this.conn.run(step.sql);
        }
        await this.conn.run('UPDATE ingest_totals SET rolled_batch = $to', { to: range.to });
        await this.conn.run('COMMIT');
      } catch (e) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        await this.conn.run('DELETE FROM temp.main.rollup_pass').catch(() => undefined);
      }
      this.rolledBatch = to;
      this.lastRollupMs = Date.now();
      // committed: now they are what the tables hold
      for (const { level, rows } of inserted) this.onDistrictRows?.(level, rows);
    });
  }

  private async openAppenders(): Promise<void> {
    this.closeAppenders();
    // staged rows a failed commit left behind (its DELETE may have failed too) must not reach the next one
    for (const t of STAGES) await this.conn.run(`DELETE FROM temp.main.${t}`);
    for (const t of STAGES) this.appenders.set(t, await this.conn.createAppender(t, 'main', 'temp'));
    this.readingsAppender = await this.conn.createAppender('readings', 'main');
    this.appendersStale = false;
  }

  private app(name: (typeof STAGES)[number]): DuckDBAppender {
    const a = this.appenders.get(name);
    if (!a) throw new Error(`no appender for ${name}`);
    return a;
  }

  /** Stages the batch's rows other than readings (outside the transaction: the staging tables are the connection's own). */
  private stage(batch: Batch): void {
    if (batch.events.length > 0) {
      const ea = this.app('stage_events');
      for (const { origin: o, tsMs, event: e } of batch.events) {
        appendRow(ea, [tsMs, o.domain, o.district, e.id, e.type, e.severity, e.title, e.asset ?? null, e.lat ?? null, e.lon ?? null,
          e.detail ?? null, o.subject, seqValue(o.seq), o.receivedMs]);
      }
      ea.flushSync();
    }
    if (batch.assets.length > 0) {
      const aa = this.app('stage_assets');
      for (const { origin: o, tsMs, record: a } of batch.assets) {
        appendRow(aa, [tsMs, o.domain, o.district, a.id, a.name, a.kind, a.lat, a.lon, a.owner, a.supervisor, a.approver ?? null,
          a.attrs ? JSON.stringify(a.attrs) : null, o.subject, seqValue(o.seq), o.receivedMs]);
      }
      aa.flushSync();
    }
    if (batch.permits.length > 0) {
      const pa = this.app('stage_permits');
      for (const { origin: o, tsMs, record: r } of batch.permits) {
        appendRow(pa, [tsMs, o.domain, o.district, r.asset, r.use ?? null, JSON.stringify(r.permits), o.subject, seqValue(o.seq), o.receivedMs]);
      }
      pa.flushSync();
    }
    if (batch.inspections.length > 0) {
      const ia = this.app('stage_inspections');
      for (const { origin: o, tsMs, inspection: i } of batch.inspections) {
        appendRow(ia, [tsMs, o.domain, o.district, i.id, i.asset, i.item, i.result, i.level ?? null, i.note ?? null, i.inspector,
          o.subject, seqValue(o.seq), o.receivedMs]);
      }
      ia.flushSync();
    }
    if (batch.quarantine.length > 0) {
      const qa = this.app('stage_quarantine');
      for (const q of batch.quarantine) appendRow(qa, [q.receivedMs, q.subject, q.reason, q.detail, q.payload, seqValue(q.seq)]);
      qa.flushSync();
    }
  }

  /**
   * One transaction: committed, or (a probe) rolled back after its inserts, to see whether the rows
   * go in. Three round trips to DuckDB for a batch of readings: BEGIN, the appender's flush (on
   * this thread), and the position, counters and COMMIT in one multi-statement run.
   */
  private async commitNow(batch: Batch, mode: 'commit' | 'probe'): Promise<void> {
    if (this.appendersStale) await this.openAppenders();
    const used = [batch.events.length, batch.assets.length, batch.inspections.length, batch.quarantine.length, batch.permits.length];
    try {
      await giveWay(this.giveWayTo);
      const batchNo = this.lastBatch + 1;
      this.stage(batch);
      const begin = ['BEGIN TRANSACTION', ...COMMIT_SQL.filter(({ has }) => has(batch)).map(({ sql }) => sql)];
      await this.conn.run(begin.join(';\n'));
      if (batch.readings.length > 0) {
        const ra = this.readingsAppender;
        if (!ra) throw new Error('no appender for readings');
        // converted, appended and flushed a few chunks at a time, giving the thread back between: a
        // query's answer is not held behind a whole batch (the rows belong to the open transaction,
        // and a reading the database could not hold throws before its chunk is appended: ROLLBACK).
        // Each slice starts only when no query runs (or after the bounded wait), the first one too.
        const chunks = readingChunks(batch.readings, micros(batch.startedMs), batchNo);
        let pending = 0;
        for (let i = 0; ; i++) {
          if (i % FLUSH_CHUNKS === 0) {
            const busy = this.giveWayTo?.() ?? null;
            if (busy) await giveWay(() => busy);
            else await engineTurns.next();
          }
          const c = chunks.next();
          if (c.done) break;
          ra.appendDataChunk(c.value);
          if (++pending === FLUSH_CHUNKS) {
            ra.flushSync();
            pending = 0;
          }
        }
        if (pending > 0) ra.flushSync();
      }
      if (mode === 'probe') {
        await this.conn.run('ROLLBACK');
        return;
      }
      await insertAlarms(this.conn, batch.alarms);
      const c = batch.counts;
      const end = [
        `UPDATE ingest_totals SET received = received + ${BigInt(c.received)}, stored = stored + ${BigInt(c.stored)}, `
          + `quarantined = quarantined + ${BigInt(c.quarantined)}, duplicates = duplicates + ${BigInt(c.duplicates)}, last_batch = ${BigInt(batchNo)}`,
        'COMMIT',
      ];
      if (batch.lastSeq !== null) end.unshift(`UPDATE consumer_position SET last_seq = ${BigInt(batch.lastSeq)}::UBIGINT, updated_at = now() ${this.positionWhere}`);
      await this.conn.run(end.join(';\n'));
      this.lastBatch = batchNo;
    } catch (e) {
      this.appendersStale = true;
      try {
        // rows the appender still holds (its flush failed) must never be flushed later, outside this transaction
        this.readingsAppender?.clear();
      } catch {
        // the appender is cleared again, then closed, before the next commit
      }
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw appendError(e);
    } finally {
      for (const [i, t] of STAGES.entries()) if (used[i]) await this.conn.run(`DELETE FROM temp.main.${t}`).catch(() => undefined);
    }
  }

  close(): void {
    this.closeAppenders();
  }

  private closeAppenders(): void {
    const all = [...this.appenders.values(), ...(this.readingsAppender ? [this.readingsAppender] : [])];
    for (const a of all) {
      try {
        // closing flushes: rows a failed commit left must never reach the table outside its transaction
        a.clear();
        a.closeSync();
      } catch {
        // closing a stale appender after a failed flush must not hide the original error
      }
    }
    this.appenders.clear();
    this.readingsAppender = null;
  }
}

/**
 * An appender's flush fails with "Failed to append: <DuckDB's message>", the message without its
 * kind ("NOT NULL constraint failed: …", "CHECK constraint failed on table readings …"), where an
 * INSERT says "Constraint Error: …". A constraint's refusal is given its kind back, so storeErrorClass
 * blames the data as it did for the INSERT; any other message stays as it is (a full disk or
 * memory still reads as the environment: "Could not write file", "could not allocate").
 */
function appendError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const m = /^Failed to append: (.*)$/s.exec(e.message);
  if (!m) return e;
  const message = m[1] as string;
  if (/^[A-Za-z ]{2,40} Error: /.test(message)) return new Error(message, { cause: e });
  if (/constraint/i.test(message.split('\n', 1)[0] ?? '')) return new Error(`Constraint Error: ${message}`, { cause: e });
  return e;
}

// ---- readings as DuckDB data chunks ----

/** The columns of `readings`, in its order. */
const READINGS_TYPES = [TIMESTAMPTZ, VARCHAR, VARCHAR, VARCHAR, VARCHAR, DOUBLE, VARCHAR, VARCHAR, VARCHAR, UBIGINT, TIMESTAMPTZ, UBIGINT];
const COL = { ts: 0, domain: 1, district: 2, asset: 3, metric: 4, value: 5, unit: 6, quality: 7, msgId: 8, seq: 9, received: 10, batch: 11 } as const;
/** The series text columns, in the order a series' cells are kept. */
const SERIES_COLS = [COL.domain, COL.district, COL.asset, COL.metric, COL.unit] as const;
const TEXT_COLS = [...SERIES_COLS, COL.quality, COL.msgId] as const;
/** A duckdb_string_t is 16 bytes: its length, then up to 12 bytes inline (zero-padded) or a prefix and a pointer. */
const STRING_WORDS = 4;
const TWO_32 = 4_294_967_296;
const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

if (endianness() !== 'LE') throw new Error('the readings writer lays out DuckDB vectors little-endian');

const utf8 = new TextEncoder();
const scratchBytes = new Uint8Array(16);
const scratchWords = new Uint32Array(scratchBytes.buffer);

/**
 * Writes `s` into `words` at `at` as an inlined duckdb_string_t. False when its UTF-8 is longer than
 * 12 bytes: such a string must be copied into the vector's own heap (vector_assign_string_element).
 * The text is UTF-8 as N-API would make it (an unpaired surrogate becomes U+FFFD).
 */
function inlineString(s: string, words: Uint32Array, at: number): boolean {
  const n = s.length;
  if (n > 12) return false;
  let w1 = 0;
  let w2 = 0;
  let w3 = 0;
  let k = 0;
  for (; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c > 0x7f) break;
    const shifted = c << ((k & 3) * 8);
    if (k < 4) w1 |= shifted;
    else if (k < 8) w2 |= shifted;
    else w3 |= shifted;
  }
  if (k === n) {
    words[at] = n;
    words[at + 1] = w1;
    words[at + 2] = w2;
    words[at + 3] = w3;
    return true;
  }
  scratchWords.fill(0);
  const { read, written } = utf8.encodeInto(s, scratchBytes.subarray(4));
  if (read < n) return false;
  scratchWords[0] = written;
  words.set(scratchWords, at);
  return true;
}

/** Writes UTF-8 bytes `[from, to)` into `words` at `at` as an inlined duckdb_string_t; false when longer than 12 bytes. */
function inlineBytes(bytes: Uint8Array, from: number, to: number, words: Uint32Array, at: number): boolean {
  const n = to - from;
  if (n > 12) {
    // an empty element until the caller sets the long one (the words may hold an earlier chunk's)
    words.fill(0, at, at + 4);
    return false;
  }
  let w1 = 0;
  let w2 = 0;
  let w3 = 0;
  for (let k = 0; k < n; k++) {
    const shifted = (bytes[from + k] as number) << ((k & 3) * 8);
    if (k < 4) w1 |= shifted;
    else if (k < 8) w2 |= shifted;
    else w3 |= shifted;
  }
  words[at] = n;
  words[at + 1] = w1;
  words[at + 2] = w2;
  words[at + 3] = w3;
  return true;
}

/** Round half to even, as DuckDB casts a DOUBLE to an integer. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A 64-bit integer held exactly by a double, as two little-endian words (two's complement). */
function put64(words: Uint32Array, i: number, x: number): void {
  words[2 * i] = x >>> 0;
  words[2 * i + 1] = Math.floor(x / TWO_32) >>> 0;
}

/** The text of a batch's series as inlined strings, looked up by series index (null: too long to inline, or NULL). */
function seriesCells(r: ReadingColumns): { words: Uint32Array; inline: Uint8Array } {
  const per = SERIES_COLS.length;
  const words = new Uint32Array(r.series.length * per * STRING_WORDS);
  const inline = new Uint8Array(r.series.length * per);
  r.series.forEach((s, ix) => {
    const text = [s.domain, s.district, s.asset, s.metric, s.unit];
    for (let k = 0; k < per; k++) {
      const t = text[k];
      if (t !== null && t !== undefined) inline[ix * per + k] = inlineString(t, words, (ix * per + k) * STRING_WORDS) ? 1 : 0;
    }
  });
  return { words, inline };
}

const refused = (kind: string, what: string): Error => new Error(`${kind} Error: ${what}`);

/**
 * The batch's readings as data chunks of `readings` rows, every column written into the chunk's
 * vectors in one copy (text of up to 12 bytes inline; longer text through the vector's heap).
 * Conversions are DuckDB's: ts (ms) × 1000 and the stream sequence round half to even into their
 * 64-bit integers. A reading the database could not hold (a ts or sequence out of range, a missing
 * value) throws a data error naming it, before its chunk is appended. Made one chunk at a time, as
 * they are appended.
 */
/** The columns of one data chunk of readings, built in place for each chunk in turn (readingChunks). */
const SCRATCH = {
  ts: new Uint32Array(CHUNK_ROWS * 2),
  value: new Float64Array(CHUNK_ROWS),
  seq: new Uint32Array(CHUNK_ROWS * 2),
  receivedCol: new Uint32Array(CHUNK_ROWS * 2),
  batchCol: new Uint32Array(CHUNK_ROWS * 2),
  text: TEXT_COLS.map(() => new Uint32Array(CHUNK_ROWS * STRING_WORDS)),
  longIds: new Float64Array(CHUNK_ROWS * 3),
  /** One array per id length met (ids are bounded by the contract). */
  idOfLength: [] as Uint8Array[],
};

/**
 * Fills the scratch columns with rows `[off, off + rows)` of the batch (a plain function, not the
 * generator: its numbers stay unboxed). Returns what the vectors need besides: the rows whose text
 * goes through the heap, the count of long ids in `SCRATCH.longIds`, the rows whose unit or
 * sequence is NULL.
 */
function fillRows(
  r: ReadingColumns, off: number, rows: number, cells: { words: Uint32Array; inline: Uint8Array }, qualities: Uint32Array, received: number, batchNo: number,
): { long: { col: number; row: number; s: string }[]; longIdCount: number; unitNull: number[] | null; seqNull: number[] | null } {
  const { ts, value, seq, receivedCol, batchCol, text, longIds } = SCRATCH;
  /** Rows whose text is stored through the heap, per text column; rows whose unit or sequence is NULL. */
  const long: { col: number; row: number; s: string }[] = [];
  /** Rows whose id is longer than 12 bytes: row, start and end of its bytes, three numbers each. */
  let longIdCount = 0;
  let unitNull: number[] | null = null;
  let seqNull: number[] | null = null;
  for (let i = 0; i < rows; i++) {
    const j = off + i;
    const micros = roundHalfEven((r.tsMs[j] as number) * 1000);
    if (!(micros >= -TWO_63 && micros < TWO_63)) throw refused('Conversion', `reading ${r.id(j)}: ts ${r.tsMs[j]} ms is out of range for TIMESTAMPTZ`);
    put64(ts, i, micros);
    const v = r.value[j];
    if (v === null || v === undefined) throw refused('Constraint', `NOT NULL constraint failed: readings.value (reading ${r.id(j)})`);
    value[i] = v;
    const sq = r.seq[j] as number;
    if (Number.isNaN(sq)) {
      (seqNull ??= []).push(i);
    } else {
      const x = roundHalfEven(sq);
      if (!(x >= 0 && x < TWO_64)) throw refused('Conversion', `reading ${r.id(j)}: stream sequence ${sq} is out of range for UBIGINT`);
      put64(seq, i, x);
    }
    put64(receivedCol, i, received);
    put64(batchCol, i, batchNo);
    const ix = r.seriesIx[j] as number;
    const series = r.series[ix];
    if (!series) throw refused('Constraint', `NOT NULL constraint failed: readings.domain (reading ${r.id(j)} has no series)`);
    for (let k = 0; k < SERIES_COLS.length; k++) {
      const cell = ix * SERIES_COLS.length + k;
      if (cells.inline[cell]) {
        copyString(text[k] as Uint32Array, i * STRING_WORDS, cells.words, cell * STRING_WORDS);
        continue;
      }
      const s = [series.domain, series.district, series.asset, series.metric, series.unit][k];
      // the scratch holds an earlier chunk's element here: an empty one until the heap string or NULL is set
      (text[k] as Uint32Array).fill(0, i * STRING_WORDS, (i + 1) * STRING_WORDS);
      if (s === null || s === undefined) {
        if (SERIES_COLS[k] !== COL.unit) throw refused('Constraint', `NOT NULL constraint failed: readings (reading ${r.id(j)})`);
        (unitNull ??= []).push(i);
      } else {
        long.push({ col: SERIES_COLS[k] as number, row: i, s });
      }
    }
    const q = r.quality[j] as number;
    if (!(q >= 0 && q < QUALITIES.length && Number.isInteger(q))) throw refused('Constraint', `NOT NULL constraint failed: readings.quality (reading ${r.id(j)})`);
    copyString(text[5] as Uint32Array, i * STRING_WORDS, qualities, q * STRING_WORDS);
    const idFrom = r.idStart(j);
    const idTo = r.idEnd[j] as number;
    if (!inlineBytes(r.idBytes, idFrom, idTo, text[6] as Uint32Array, i * STRING_WORDS)) {
      longIds[longIdCount++] = i;
      longIds[longIdCount++] = idFrom;
      longIds[longIdCount++] = idTo;
    }
  }
  return { long, longIdCount, unitNull, seqNull };
}

function* readingChunks(r: ReadingColumns, receivedMicros: bigint, batchNo: number): Generator<DuckDBDataChunk, void, undefined> {
  const n = r.length;
  if (n === 0) return;
  const cells = seriesCells(r);
  const qualities = new Uint32Array(QUALITIES.length * STRING_WORDS);
  QUALITIES.forEach((q, i) => inlineString(q, qualities, i * STRING_WORDS));
  const received = Number(receivedMicros);
  // the columns are built in scratch memory reused from chunk to chunk (its contents are copied into
  // the chunk's vectors before the next one is built): a batch leaves nothing behind for the
  // collector but the chunks themselves
  const { ts, value, seq, receivedCol, batchCol, text, longIds } = SCRATCH;
  for (let off = 0; off < n; off += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, n - off);
    const { long, longIdCount, unitNull, seqNull } = fillRows(r, off, rows, cells, qualities, received, batchNo);
    const chunk = DuckDBDataChunk.create(READINGS_TYPES, rows);
    const vector = (col: number): duckdb.Vector => duckdb.data_chunk_get_vector(chunk.chunk, col);
    // the first `rows` of each scratch column
    const copy = (col: number, data: Uint32Array | Float64Array): void =>
      duckdb.copy_data_to_vector(vector(col), 0, data.buffer as ArrayBuffer, data.byteOffset, (data.length / CHUNK_ROWS) * rows * data.BYTES_PER_ELEMENT);
    copy(COL.ts, ts);
    copy(COL.value, value);
    copy(COL.seq, seq);
    copy(COL.received, receivedCol);
    copy(COL.batch, batchCol);
    TEXT_COLS.forEach((col, k) => copy(col, text[k] as Uint32Array));
    // after the copy: a long string's element points into the vector's heap
    for (const { col, row, s } of long) duckdb.vector_assign_string_element(vector(col), row, s);
    if (longIdCount > 0) {
      const ids = vector(COL.msgId);
      for (let k = 0; k < longIdCount; k += 3) {
        // through a scratch array of the id's length (DuckDB copies the bytes): no view made per reading
        const from = longIds[k + 1] as number;
        const len = (longIds[k + 2] as number) - from;
        const into = (SCRATCH.idOfLength[len] ??= new Uint8Array(len));
        for (let b = 0; b < len; b++) into[b] = r.idBytes[from + b] as number;
        duckdb.vector_assign_string_element_len(ids, longIds[k] as number, into);
      }
    }
    if (unitNull) setNull(vector(COL.unit), rows, unitNull);
    if (seqNull) setNull(vector(COL.seq), rows, seqNull);
    yield chunk;
  }
}

function copyString(to: Uint32Array, at: number, from: Uint32Array, fromAt: number): void {
  to[at] = from[fromAt] as number;
  to[at + 1] = from[fromAt + 1] as number;
  to[at + 2] = from[fromAt + 2] as number;
  to[at + 3] = from[fromAt + 3] as number;
}

function setNull(v: duckdb.Vector, rows: number, nullRows: readonly number[]): void {
  const mask = new Uint32Array(Math.ceil(rows / 64) * 2).fill(0xffffffff);
  for (const i of nullRows) mask[i >>> 5] = (mask[i >>> 5] as number) & ~(1 << (i & 31));
  duckdb.vector_ensure_validity_writable(v);
  duckdb.copy_data_to_vector_validity(v, 0, mask.buffer as ArrayBuffer, mask.byteOffset, mask.byteLength);
}

/**
 * Alarm transitions are few (a handful per batch, hundreds in a flood): multi-row inserts of up to
 * 200. Every parameter is typed: left to infer, an integral double such as 1e19 binds as BIGINT and
 * fails out of range.
 */
export async function insertAlarms(conn: DuckDBConnection, alarms: readonly AlarmTransition[]): Promise<void> {
  for (let off = 0; off < alarms.length; off += 200) {
    const chunk = alarms.slice(off, off + 200);
    const values: Record<string, DuckDBValue> = {};
    const types: Record<string, DuckDBType> = {};
    const rows = chunk.map((a, i) => {
      Object.assign(values, {
        [`t${i}`]: micros(a.atMs), [`p${i}`]: a.point, [`r${i}`]: a.rule, [`y${i}`]: a.priority, [`d${i}`]: a.domain,
        [`s${i}`]: a.district, [`a${i}`]: a.asset, [`m${i}`]: a.metric, [`l${i}`]: a.latching, [`x${i}`]: a.active, [`v${i}`]: a.value,
      });
      Object.assign(types, {
        [`t${i}`]: BIGINT, [`p${i}`]: VARCHAR, [`r${i}`]: VARCHAR, [`y${i}`]: VARCHAR, [`d${i}`]: VARCHAR, [`s${i}`]: VARCHAR,
        [`a${i}`]: VARCHAR, [`m${i}`]: VARCHAR, [`l${i}`]: BOOLEAN, [`x${i}`]: BOOLEAN, [`v${i}`]: DOUBLE,
      });
      return `(make_timestamptz($t${i}), $p${i}, $r${i}, $y${i}, $d${i}, $s${i}, $a${i}, $m${i}, $l${i}, $x${i}, $v${i})`;
    });
    await conn.run(`INSERT INTO alarm_log VALUES ${rows.join(', ')}`, values, types);
  }
}

function seqValue(seq: number | null): bigint | null {
  return seq === null ? null : BigInt(seq);
}

function appendRow(a: DuckDBAppender, values: (string | number | bigint | null)[]): void {
  for (const v of values) appendOne(a, v);
  a.endRow();
}

function appendOne(a: DuckDBAppender, v: string | number | bigint | null): void {
  if (v === null) a.appendNull();
  else if (typeof v === 'string') a.appendVarchar(v);
  else if (typeof v === 'bigint') a.appendUBigInt(v);
  else a.appendDouble(v);
}

export type { DuckDBValue };
