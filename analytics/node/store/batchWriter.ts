import {
  DOUBLE, DuckDBDataChunk, UBIGINT, VARCHAR, type DuckDBAppender, type DuckDBConnection, type DuckDBValue,
} from '@duckdb/node-api';
import type { Batch } from './batch.js';
import type { Database } from './database.js';

const CHUNK_ROWS = 2048;
const READING_TYPES = [DOUBLE, VARCHAR, VARCHAR, VARCHAR, VARCHAR, DOUBLE, VARCHAR, VARCHAR, VARCHAR, VARCHAR, UBIGINT, DOUBLE];

/** Rollup levels kept incrementally: each batch appends partial aggregates, compaction merges them. */
export const ROLLUPS = [
  { table: 'rollup_10s', width: '10 seconds', widthMs: 10_000 },
  { table: 'rollup_1m', width: '1 minute', widthMs: 60_000 },
  { table: 'rollup_1h', width: '1 hour', widthMs: 3_600_000 },
] as const;

const STAGING_DDL = `
CREATE OR REPLACE TEMP TABLE stage_readings (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, asset VARCHAR, metric VARCHAR,
  value DOUBLE, unit VARCHAR, quality VARCHAR, msg_id VARCHAR, subject VARCHAR, stream_seq UBIGINT, received_ms DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_events (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, msg_id VARCHAR, type VARCHAR,
  severity VARCHAR, title VARCHAR, asset VARCHAR, lat DOUBLE, lon DOUBLE, detail VARCHAR, subject VARCHAR, stream_seq UBIGINT, received_ms DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_assets (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, asset VARCHAR, name VARCHAR, kind VARCHAR,
  lat DOUBLE, lon DOUBLE, owner VARCHAR, supervisor VARCHAR, approver VARCHAR, attrs VARCHAR, subject VARCHAR, stream_seq UBIGINT, received_ms DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_inspections (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, msg_id VARCHAR, asset VARCHAR,
  item VARCHAR, result VARCHAR, level VARCHAR, note VARCHAR, inspector VARCHAR, subject VARCHAR, stream_seq UBIGINT, received_ms DOUBLE);
CREATE OR REPLACE TEMP TABLE stage_quarantine (received_ms DOUBLE, subject VARCHAR, reason VARCHAR, detail VARCHAR, payload VARCHAR, stream_seq UBIGINT);
`;

const ts = (col: string): string => `make_timestamptz((${col} * 1000)::BIGINT)`;

const rollupInsert = (table: string, width: string): string => `
INSERT INTO ${table}
SELECT time_bucket(INTERVAL '${width}', ${ts('ts_ms')}) AS bucket, domain, district, asset, metric,
  count(*) FILTER (WHERE quality <> 'bad'),
  coalesce(sum(value) FILTER (WHERE quality <> 'bad'), 0),
  min(value) FILTER (WHERE quality <> 'bad'),
  max(value) FILTER (WHERE quality <> 'bad'),
  ${ts('max(ts_ms) FILTER (WHERE quality <> \'bad\')')},
  arg_max(value, ts_ms) FILTER (WHERE quality <> 'bad'),
  count(*) FILTER (WHERE quality = 'bad'),
  NULL
FROM stage_readings GROUP BY ALL`;

const COMMIT_SQL = [
  `INSERT INTO readings SELECT ${ts('ts_ms')}, domain, district, asset, metric, value, unit, quality, msg_id, subject, stream_seq, ${ts('received_ms')} FROM stage_readings`,
  ...ROLLUPS.map((r) => rollupInsert(r.table, r.width)),
  `INSERT INTO events SELECT ${ts('ts_ms')}, domain, district, msg_id, type, severity, title, asset, lat, lon, detail, subject, stream_seq, ${ts('received_ms')} FROM stage_events`,
  `INSERT INTO asset_versions SELECT ${ts('ts_ms')}, domain, district, asset, name, kind, lat, lon, owner, supervisor, approver, attrs::JSON, subject, stream_seq, ${ts('received_ms')} FROM stage_assets`,
  `INSERT INTO inspections SELECT ${ts('ts_ms')}, domain, district, msg_id, asset, item, result, level, note, inspector, subject, stream_seq, ${ts('received_ms')} FROM stage_inspections`,
  `INSERT INTO quarantine SELECT ${ts('received_ms')}, subject, reason, detail, payload, stream_seq FROM stage_quarantine`,
];

const STAGES = ['stage_readings', 'stage_events', 'stage_assets', 'stage_inspections', 'stage_quarantine'] as const;

export interface Position {
  stream: string;
  consumer: string;
}

/**
 * The single writer. One `commit` is one DuckDB transaction holding a batch's rows, its rollup
 * partials, its counters and the stream position it reaches: after a crash either all of it is
 * there or none of it, so resuming from the stored position neither loses nor repeats a reading.
 */
export class BatchWriter {
  private appenders = new Map<string, DuckDBAppender>();
  private lock: Promise<unknown> = Promise.resolve();

  private constructor(private readonly conn: DuckDBConnection, private readonly position: Position) {}

  static async create(db: Database, position: Position): Promise<BatchWriter> {
    const w = new BatchWriter(db.writer, position);
    await db.writer.run(STAGING_DDL);
    for (const t of STAGES) w.appenders.set(t, await db.writer.createAppender(t, 'main', 'temp'));
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

  commit(batch: Batch): Promise<void> {
    return this.exclusive(() => this.commitNow(batch));
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
        r.tsMs.slice(off, end), r.domain.slice(off, end), r.district.slice(off, end), r.asset.slice(off, end),
        r.metric.slice(off, end), r.value.slice(off, end), r.unit.slice(off, end), r.quality.slice(off, end),
        r.msgId.slice(off, end), r.subject.slice(off, end),
        r.seq.slice(off, end).map((s) => (s === null ? null : BigInt(s))), r.receivedMs.slice(off, end),
      ]);
      ra.appendDataChunk(chunk);
    }
    ra.flushSync();

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

  private async commitNow(batch: Batch): Promise<void> {
    try {
      this.stage(batch);
      await this.conn.run('BEGIN TRANSACTION');
      for (const sql of COMMIT_SQL) await this.conn.run(sql);
      if (batch.lastSeq !== null) {
        await this.conn.run('UPDATE consumer_position SET last_seq = $q, updated_at = now() WHERE stream = $s AND consumer = $c',
          { q: BigInt(batch.lastSeq), s: this.position.stream, c: this.position.consumer });
      }
      const c = batch.counts;
      await this.conn.run(
        'UPDATE ingest_totals SET received = received + $r, stored = stored + $s, quarantined = quarantined + $q, duplicates = duplicates + $d',
        { r: BigInt(c.received), s: BigInt(c.stored), q: BigInt(c.quarantined), d: BigInt(c.duplicates) });
      await this.conn.run('COMMIT');
    } catch (e) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      for (const t of STAGES) await this.conn.run(`DELETE FROM temp.main.${t}`).catch(() => undefined);
    }
  }

  close(): void {
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
