import type { AlarmTransition } from '../../common/ops/alarmTransition.js';
import {
  BIGINT, BOOLEAN, DOUBLE, DuckDBDataChunk, INTEGER, UTINYINT, VARCHAR, type DuckDBAppender, type DuckDBConnection, type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { QUALITIES, type Batch } from './batch.js';
import { findRejectedRows, withoutRejected, type RejectedRow } from './batchSplit.js';
import type { Database } from './database.js';
import { storeErrorClass } from './storeErrors.js';
import { micros } from '../../common/vocabulary.js';

const CHUNK_ROWS = 2048;
// Staged readings point at their batch's series by index and carry quality as a small integer: only
// the reading id crosses N-API as a string. The INSERT joins the text back.
const READING_TYPES = [DOUBLE, INTEGER, DOUBLE, UTINYINT, VARCHAR, DOUBLE];
const sqlList = (xs: readonly string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

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
CREATE OR REPLACE TEMP TABLE stage_readings (ts_ms DOUBLE, series_ix INTEGER, value DOUBLE, quality_ix UTINYINT, msg_id VARCHAR, stream_seq DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_series (series_ix INTEGER, domain VARCHAR, district VARCHAR, asset VARCHAR, metric VARCHAR, unit VARCHAR);
CREATE OR REPLACE TEMP TABLE stage_events (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, msg_id VARCHAR, type VARCHAR,
  severity VARCHAR, title VARCHAR, asset VARCHAR, lat DOUBLE, lon DOUBLE, detail VARCHAR, subject VARCHAR, stream_seq UBIGINT, received_ms DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_assets (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, asset VARCHAR, name VARCHAR, kind VARCHAR,
  lat DOUBLE, lon DOUBLE, owner VARCHAR, supervisor VARCHAR, approver VARCHAR, attrs VARCHAR, subject VARCHAR, stream_seq UBIGINT, received_ms DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_inspections (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, msg_id VARCHAR, asset VARCHAR,
  item VARCHAR, result VARCHAR, level VARCHAR, note VARCHAR, inspector VARCHAR, subject VARCHAR, stream_seq UBIGINT, received_ms DOUBLE);
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

/** Each staging table's insert, run only when the batch has rows of that kind. */
const COMMIT_SQL: { sql: string; has: (b: Batch) => boolean }[] = [
  { has: (b) => b.readings.length > 0, sql: `INSERT INTO readings
    SELECT ${ts('r.ts_ms')}, s.domain, s.district, s.asset, s.metric, r.value, s.unit,
           ${sqlList(QUALITIES)}[r.quality_ix + 1], r.msg_id, r.stream_seq::UBIGINT, make_timestamptz($received::BIGINT), $batch
    FROM stage_readings r JOIN stage_series s USING (series_ix)` },
  { has: (b) => b.events.length > 0, sql: `INSERT INTO events SELECT ${ts('ts_ms')}, domain, district, msg_id, type, severity, title, asset, lat, lon, detail, subject, stream_seq, ${ts('received_ms')} FROM stage_events` },
  { has: (b) => b.assets.length > 0, sql: `INSERT INTO asset_versions SELECT ${ts('ts_ms')}, domain, district, asset, name, kind, lat, lon, owner, supervisor, approver, attrs::JSON, subject, stream_seq, ${ts('received_ms')} FROM stage_assets` },
  { has: (b) => b.inspections.length > 0, sql: `INSERT INTO inspections SELECT ${ts('ts_ms')}, domain, district, msg_id, asset, item, result, level, note, inspector, subject, stream_seq, ${ts('received_ms')} FROM stage_inspections` },
  { has: (b) => b.quarantine.length > 0, sql: `INSERT INTO quarantine SELECT ${ts('received_ms')}, subject, reason, detail, payload, stream_seq FROM stage_quarantine` },
];


const MAX_BATCHES_PER_ROLLUP_PASS = 50;

const STAGES = ['stage_readings', 'stage_series', 'stage_events', 'stage_assets', 'stage_inspections', 'stage_quarantine'] as const;

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
 * The single writer. One `commit` is one DuckDB transaction holding a batch's rows, its rollup
 * partials, its counters and the stream position it reaches: after a crash either all of it is
 * there or none of it, so resuming from the stored position neither loses nor repeats a reading.
 */
export class BatchWriter {
  private appenders = new Map<string, DuckDBAppender>();
  /** A failed commit may leave an appender holding half a row: it is recreated before the next one. */
  private appendersStale = false;
  private lock: Promise<unknown> = Promise.resolve();
  /** The last committed batch number, and the last one whose readings are in the rollups. */
  private lastBatch = 0;
  private rolledBatch = 0;
  lastRollupMs = 0;

  private constructor(private readonly conn: DuckDBConnection, private readonly position: Position) {}

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
      await this.conn.run('BEGIN TRANSACTION');
      try {
        await this.conn.run(rollupFromReadings, range);
        for (const sql of ROLLUP_SQL) await this.conn.run(sql);
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
    });
  }

  private async openAppenders(): Promise<void> {
    this.closeAppenders();
    // closing flushes whatever complete rows an appender still held: none of them may reach a later commit
    for (const t of STAGES) await this.conn.run(`DELETE FROM temp.main.${t}`);
    for (const t of STAGES) this.appenders.set(t, await this.conn.createAppender(t, 'main', 'temp'));
    this.appendersStale = false;
  }

  private app(name: (typeof STAGES)[number]): DuckDBAppender {
    const a = this.appenders.get(name);
    if (!a) throw new Error(`no appender for ${name}`);
    return a;
  }

  private stage(batch: Batch): void {
    const r = batch.readings;
    const ra = this.app('stage_readings');
    for (let off = 0; off < r.length; off += CHUNK_ROWS) {
      const end = Math.min(off + CHUNK_ROWS, r.length);
      const chunk = DuckDBDataChunk.create(READING_TYPES, end - off);
      chunk.setColumns([
        r.tsMs.slice(off, end), r.seriesIx.slice(off, end), r.value.slice(off, end), r.quality.slice(off, end),
        r.msgId.slice(off, end), r.seq.slice(off, end),
      ]);
      ra.appendDataChunk(chunk);
    }
    ra.flushSync();
    const sa = this.app('stage_series');
    r.series.forEach((x, i) => appendRow(sa, [i, x.domain, x.district, x.asset, x.metric, x.unit]));
    sa.flushSync();

    const ea = this.app('stage_events');
    for (const { origin: o, tsMs, event: e } of batch.events) {
      appendRow(ea, [tsMs, o.domain, o.district, e.id, e.type, e.severity, e.title, e.asset ?? null, e.lat ?? null, e.lon ?? null,
        e.detail ?? null, o.subject, seqValue(o.seq), o.receivedMs]);
    }
    ea.flushSync();
    const aa = this.app('stage_assets');
    for (const { origin: o, tsMs, record: a } of batch.assets) {
      appendRow(aa, [tsMs, o.domain, o.district, a.id, a.name, a.kind, a.lat, a.lon, a.owner, a.supervisor, a.approver ?? null,
        a.attrs ? JSON.stringify(a.attrs) : null, o.subject, seqValue(o.seq), o.receivedMs]);
    }
    aa.flushSync();
    const ia = this.app('stage_inspections');
    for (const { origin: o, tsMs, inspection: i } of batch.inspections) {
      appendRow(ia, [tsMs, o.domain, o.district, i.id, i.asset, i.item, i.result, i.level ?? null, i.note ?? null, i.inspector,
        o.subject, seqValue(o.seq), o.receivedMs]);
    }
    ia.flushSync();
    const qa = this.app('stage_quarantine');
    for (const q of batch.quarantine) {
      appendRow(qa, [q.receivedMs, q.subject, q.reason, q.detail, q.payload, seqValue(q.seq)]);
    }
    qa.flushSync();
  }

  /** One transaction: committed, or (a probe) rolled back after its inserts, to see whether the rows go in. */
  private async commitNow(batch: Batch, mode: 'commit' | 'probe'): Promise<void> {
    if (this.appendersStale) await this.openAppenders();
    try {
      this.stage(batch);
      await this.conn.run('BEGIN TRANSACTION');
      const batchNo = this.lastBatch + 1;
      for (const { sql, has } of COMMIT_SQL) {
        if (!has(batch)) continue;
        await this.conn.run(sql, sql.includes('$batch') ? { batch: BigInt(batchNo), received: micros(batch.startedMs) } : undefined);
      }
      if (mode === 'probe') {
        await this.conn.run('ROLLBACK');
        return;
      }
      await insertAlarms(this.conn, batch.alarms);
      if (batch.lastSeq !== null) {
        await this.conn.run('UPDATE consumer_position SET last_seq = $q, updated_at = now() WHERE stream = $s AND consumer = $c',
          { q: BigInt(batch.lastSeq), s: this.position.stream, c: this.position.consumer });
      }
      const c = batch.counts;
      await this.conn.run(
        'UPDATE ingest_totals SET received = received + $r, stored = stored + $s, quarantined = quarantined + $q, duplicates = duplicates + $d, last_batch = $b',
        { r: BigInt(c.received), s: BigInt(c.stored), q: BigInt(c.quarantined), d: BigInt(c.duplicates), b: BigInt(batchNo) });
      await this.conn.run('COMMIT');
      this.lastBatch = batchNo;
    } catch (e) {
      this.appendersStale = true;
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      const used = [batch.readings.length, batch.readings.length, batch.events.length, batch.assets.length, batch.inspections.length, batch.quarantine.length];
      for (const [i, t] of STAGES.entries()) if (used[i]) await this.conn.run(`DELETE FROM temp.main.${t}`).catch(() => undefined);
    }
  }

  close(): void {
    this.closeAppenders();
  }

  private closeAppenders(): void {
    for (const a of this.appenders.values()) {
      try {
        a.closeSync();
      } catch {
        // closing a stale appender after a failed flush must not hide the original error
      }
    }
    this.appenders.clear();
  }
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
