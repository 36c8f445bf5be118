import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlarmTransition } from '../../common/ops/alarmTransition.js';
import { tempDir } from '../../../dev/testing/harness.js';
import { micros } from '../../common/vocabulary.js';
import { Batch, QUALITIES } from './batch.js';
import { BatchWriter, insertAlarms } from './batchWriter.js';
import { DuckDBAppender, DuckDBTimestampTZValue } from '@duckdb/node-api';
import { Database } from './database.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

async function openWriter(): Promise<{ db: Database; writer: BatchWriter }> {
  const t = tempDir();
  const db = await Database.open(`${t.dir}/w.duckdb`);
  const writer = await BatchWriter.create(db, { stream: 'CITY', consumer: 'c' });
  cleanups.push(() => t.remove(), () => db.close(), () => writer.close());
  return { db, writer };
}

const NOW = Date.now();
const origin = (subject: string, seq: number): { domain: 'gas'; district: string; subject: string; seq: number; receivedMs: number } =>
  ({ domain: 'gas', district: '420303', subject, seq, receivedMs: NOW });

function reading(b: Batch, id: string, seq: number): void {
  b.readings.push({ id, tsMs: NOW - 1000, metric: 'lel_pct', value: 1, unit: null, quality: 'good' }, 'gas', '420303', 'a1', seq);
  b.counts.received++;
  b.counts.stored++;
}

function asset(b: Batch, id: string, attrs: Record<string, string>, seq: number): void {
  b.assets.push({ origin: origin(`city.asset.gas.420303.${id}`, seq), tsMs: NOW - 1000,
    record: { id, ts: NOW - 1000, name: 'n', kind: 'k', lat: 1, lon: 2, owner: 'o', supervisor: 's', attrs } });
  b.counts.received++;
  b.counts.stored++;
}

const count = async (db: Database, sql: string): Promise<number> => Number((await db.queryRows(sql))[0]?.['n']);

describe('BatchWriter', () => {
  it('quarantines the rows the database refuses as store_rejected and commits the rest with the batch position', async () => {
    const { db, writer } = await openWriter();
    const b = new Batch();
    for (let i = 0; i < 40; i++) reading(b, `r${i}`, i + 1);
    asset(b, 'good-1', { a: 'ok' }, 41);
    // the decoder refuses this; the writer must survive it anyway (the database's JSON refuses a lone surrogate)
    asset(b, 'bad-1', { a: 'x\udc00y' }, 42);
    asset(b, 'good-2', { a: 'fine' }, 43);
    b.lastSeq = 43;
    const committed = await writer.commit(b);
    expect(committed.rejected.map((r) => r.kind)).toEqual(['asset']);
    expect(await count(db, 'SELECT count(*)::INTEGER AS n FROM readings')).toBe(40);
    expect(await db.queryRows('SELECT asset FROM asset_versions ORDER BY asset')).toEqual([{ asset: 'good-1' }, { asset: 'good-2' }]);
    const q = await db.queryRows('SELECT subject, reason, detail, payload, stream_seq::INTEGER AS seq FROM quarantine');
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ subject: 'city.asset.gas.420303.bad-1', reason: 'store_rejected', seq: 42 });
    expect(String(q[0]?.['detail'])).toMatch(/Conversion Error|surrogate/i);
    expect(String(q[0]?.['payload'])).toContain('bad-1');
    const totals = (await db.queryRows('SELECT received::INTEGER AS r, stored::INTEGER AS s, quarantined::INTEGER AS q FROM ingest_totals'))[0];
    expect(totals).toEqual({ r: 43, s: 42, q: 1 });
    expect(await writer.committedSeq()).toBe(43);
  });

  it('stores an alarm whose value is an integral double beyond int64', async () => {
    const { db, writer } = await openWriter();
    const t: AlarmTransition = { point: 'gas/420303/a1#gas.lel.level1', rule: 'gas.lel.level1', priority: 'high', domain: 'gas', district: '420303',
      asset: 'a1', metric: 'lel_pct', latching: false, active: true, atMs: NOW, value: 1e19 };
    await writer.exclusive((c) => insertAlarms(c, [t, { ...t, value: -1e300 }, { ...t, value: 5 }, { ...t, value: null }]));
    expect((await db.queryRows('SELECT value FROM alarm_log ORDER BY value NULLS LAST')).map((r) => r['value'])).toEqual([-1e300, 5, 1e19, null]);
  });

  it("holds an appender's flushed rows in the connection's open transaction: invisible to others, gone on ROLLBACK", async () => {
    const { db } = await openWriter();
    const conn = db.writer;
    const appender = await conn.createAppender('readings', 'main');
    const other = await db.connectOwn();
    cleanups.push(() => other.closeSync());
    const countIn = async (c: typeof conn): Promise<number> => Number((await c.runAndReadAll('SELECT count(*)::INTEGER AS n FROM readings')).getRowObjects()[0]?.['n']);
    const append = (rows: number): void => {
      for (let i = 0; i < rows; i++) {
        appender.appendValue(new DuckDBTimestampTZValue(BigInt(NOW) * 1000n));
        for (const v of ['gas', '420303', 'a1', 'lel_pct']) appender.appendVarchar(v);
        appender.appendDouble(i);
        appender.appendNull();
        appender.appendVarchar('good');
        appender.appendVarchar(`r${i}`);
        appender.appendUBigInt(BigInt(i + 1));
        appender.appendValue(new DuckDBTimestampTZValue(BigInt(NOW) * 1000n));
        appender.appendUBigInt(1n);
        appender.endRow();
      }
    };
    await conn.run('BEGIN TRANSACTION');
    append(5000);
    appender.flushSync();
    expect(await countIn(conn)).toBe(5000);
    expect(await countIn(other)).toBe(0);
    await conn.run('ROLLBACK');
    expect(await countIn(conn)).toBe(0);
    expect(await countIn(other)).toBe(0);
    await conn.run('BEGIN TRANSACTION');
    append(3);
    appender.flushSync();
    await conn.run('COMMIT');
    expect(await countIn(other)).toBe(3);
    appender.closeSync();
  });

  it('stores readings exactly as DuckDB would convert them: text of any length and script, NULLs, rounding half to even, several chunks', async () => {
    const { writer } = await openWriter();
    const text = fc.oneof(
      fc.constantFrom('', 'a', 'twelve_bytes', 'thirteen_byte', '十堰市张湾区', '张湾', 'é', '\u{1F525}x', 'x\u0000y', 'lone\ud800', 'a'.repeat(40)),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    const series = fc.record({ district: text, asset: text, metric: text, unit: fc.option(text, { nil: null }) });
    const reading = fc.record({
      s: fc.nat(7), id: text,
      // ms with fractions: ties at half a microsecond round to even, as DuckDB's cast does
      ts: fc.oneof(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.double({ min: -1e12, max: 4e12, noNaN: true }),
        fc.integer({ min: 0, max: 1e9 }).map((k) => 1_700_000_000_000 + k / 2000)),
      value: fc.double(), quality: fc.nat(2),
      seq: fc.option(fc.oneof(fc.nat(), fc.integer({ min: 0, max: 2 ** 53 }), fc.double({ min: 0, max: 1e18, noNaN: true })), { nil: null }),
    });
    let batchNo = 0;
    await fc.assert(fc.asyncProperty(fc.array(series, { minLength: 8, maxLength: 8 }), fc.array(reading, { minLength: 1, maxLength: 300 }), fc.nat(5000),
      async (ss, rs, extra) => {
        const b = new Batch();
        b.startedMs = NOW + 0.6;
        // a long tail crosses chunk boundaries (2,048 rows)
        const all = [...rs, ...Array.from({ length: extra }, (_, k) => rs[k % rs.length] as (typeof rs)[number])];
        for (const r of all) {
          const x = ss[r.s] as (typeof ss)[number];
          b.readings.push({ id: r.id, tsMs: r.ts, metric: x.metric, value: r.value, unit: x.unit, quality: QUALITIES[r.quality] as 'good' }, 'gas', x.district, x.asset, r.seq);
        }
        b.counts.received = b.counts.stored = all.length;
        const committed = await writer.commit(b);
        expect(committed.rejected).toEqual([]);
        batchNo++;
        // the same rows through the INSERT … SELECT the writer used before: DuckDB's own conversions
        await writer.exclusive(async (c) => {
          await c.run('CREATE OR REPLACE TEMP TABLE expect_stage (ts_ms DOUBLE, domain VARCHAR, district VARCHAR, asset VARCHAR, metric VARCHAR, value DOUBLE, unit VARCHAR, quality VARCHAR, msg_id VARCHAR, stream_seq DOUBLE)');
          const a = await c.createAppender('expect_stage', 'main', 'temp');
          const r = b.readings;
          for (let i = 0; i < r.length; i++) {
            const x = r.series[r.seriesIx[i] as number] as (typeof r.series)[number];
            a.appendDouble(r.tsMs[i] as number);
            for (const v of [x.domain, x.district, x.asset, x.metric]) a.appendVarchar(v);
            a.appendDouble(r.value[i] as number);
            if (x.unit === null) a.appendNull();
            else a.appendVarchar(x.unit);
            a.appendVarchar(r.qualityName(i));
            // the id and sequence as published, not as the batch keeps them (UTF-8 bytes, NaN)
            const published = all[i] as (typeof all)[number];
            a.appendVarchar(published.id);
            if (published.seq === null) a.appendNull();
            else a.appendDouble(published.seq);
            a.endRow();
          }
          a.closeSync();
          const diff = await c.runAndReadAll(`
            WITH expected AS (
              SELECT make_timestamptz((ts_ms * 1000)::BIGINT) AS ts, domain, district, asset, metric, value, unit, quality, msg_id,
                     stream_seq::UBIGINT AS stream_seq, make_timestamptz($received::BIGINT) AS received_at, $batch::UBIGINT AS batch_no
              FROM temp.main.expect_stage),
            stored AS (SELECT * FROM readings WHERE batch_no = $batch)
            SELECT (SELECT count(*) FROM stored)::INTEGER AS n,
                   (SELECT count(*) FROM (SELECT * FROM stored EXCEPT ALL SELECT * FROM expected))::INTEGER AS extra,
                   (SELECT count(*) FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM stored))::INTEGER AS missing`,
          { received: micros(b.startedMs), batch: BigInt(batchNo) });
          expect(diff.getRowObjects()[0]).toEqual({ n: all.length, extra: 0, missing: 0 });
        });
      }), { numRuns: 40, seed: 20261128 });
  });

  it('quarantines a reading whose ts the database cannot hold, and commits the others', async () => {
    const { db, writer } = await openWriter();
    const b = new Batch();
    for (let i = 0; i < 30; i++) reading(b, `r${i}`, i + 1);
    b.readings.push({ id: 'far', tsMs: 1e300, metric: 'lel_pct', value: 1, unit: null, quality: 'good' }, 'gas', '420303', 'a1', 31);
    b.readings.push({ id: 'nan', tsMs: NaN, metric: 'lel_pct', value: 1, unit: null, quality: 'good' }, 'gas', '420303', 'a1', 32);
    b.counts.received += 2;
    b.counts.stored += 2;
    b.lastSeq = 32;
    const committed = await writer.commit(b);
    expect(committed.rejected.map((r) => r.id?.id).sort()).toEqual(['far', 'nan']);
    expect(await count(db, 'SELECT count(*)::INTEGER AS n FROM readings')).toBe(30);
    const q = await db.queryRows("SELECT detail FROM quarantine WHERE reason = 'store_rejected' ORDER BY detail");
    expect(q.map((r) => String(r['detail']))).toEqual([expect.stringMatching(/^Conversion Error: reading far: .*TIMESTAMPTZ/), expect.stringMatching(/^Conversion Error: reading nan: .*TIMESTAMPTZ/)]);
    expect((await db.queryRows('SELECT stored::INTEGER AS s, quarantined::INTEGER AS q FROM ingest_totals'))[0]).toEqual({ s: 30, q: 2 });
    expect(await writer.committedSeq()).toBe(32);
  });

  it('blames the rows a constraint of readings refuses at the flush, even when every row of the batch is refused', async () => {
    const t = tempDir();
    const path = `${t.dir}/refusing.duckdb`;
    const setup = await Database.open(path);
    await setup.writer.run(`DROP TABLE readings;
      CREATE TABLE readings (ts TIMESTAMPTZ NOT NULL, domain VARCHAR NOT NULL, district VARCHAR NOT NULL, asset VARCHAR NOT NULL,
        metric VARCHAR NOT NULL, value DOUBLE NOT NULL, unit VARCHAR, quality VARCHAR NOT NULL,
        msg_id VARCHAR NOT NULL CHECK (NOT starts_with(msg_id, 'refused')), stream_seq UBIGINT, received_at TIMESTAMPTZ NOT NULL, batch_no UBIGINT NOT NULL)`);
    setup.close();
    const db = await Database.open(path);
    const writer = await BatchWriter.create(db, { stream: 'CITY', consumer: 'c' });
    cleanups.push(() => t.remove(), () => db.close(), () => writer.close());
    const all = new Batch();
    reading(all, 'refused-1', 1);
    reading(all, 'refused-2', 2);
    all.lastSeq = 2;
    const committed = await writer.commit(all);
    expect(committed.rejected.map((r) => r.id?.id).sort()).toEqual(['refused-1', 'refused-2']);
    for (const r of committed.rejected) expect(r.error).toMatch(/^Constraint Error: CHECK constraint failed on table readings/);
    const some = new Batch();
    for (const [i, id] of ['ok-1', 'refused-3', 'ok-2'].entries()) reading(some, id, 3 + i);
    some.lastSeq = 5;
    expect((await writer.commit(some)).rejected.map((r) => r.id?.id)).toEqual(['refused-3']);
    expect(await db.queryRows('SELECT msg_id FROM readings ORDER BY msg_id')).toEqual([{ msg_id: 'ok-1' }, { msg_id: 'ok-2' }]);
    expect((await db.queryRows("SELECT count(*)::INTEGER AS n FROM quarantine WHERE reason = 'store_rejected'"))[0]).toEqual({ n: 3 });
    expect((await db.queryRows('SELECT received::INTEGER AS r, stored::INTEGER AS s, quarantined::INTEGER AS q FROM ingest_totals'))[0]).toEqual({ r: 5, s: 2, q: 3 });
    expect(await writer.committedSeq()).toBe(5);
  });

  it.each(['the readings flush', 'the statements after the flush'])('leaves nothing of a commit that fails at %s, and the next commit stores only its own', async (where) => {
    const { db, writer } = await openWriter();
    const failing = new Batch();
    for (let i = 0; i < 3000; i++) reading(failing, `f${i}`, i + 1);
    asset(failing, 'asset-1', { a: 'ok' }, 3001);
    failing.lastSeq = 3001;
    const full = new Error('IO Error: Could not write file "w.duckdb.wal": No space left on device');
    let failOnce = true;
    if (where === 'the readings flush') {
      // the appender keeps its rows when its flush fails: they must never reach the table later
      const original = DuckDBAppender.prototype.flushSync;
      const flush = vi.spyOn(DuckDBAppender.prototype, 'flushSync').mockImplementation(function (this: DuckDBAppender) {
        // the staging appenders flush as usual; the one on readings (12 columns) fails once
        if (this.columnCount !== 12) return original.call(this);
        flush.mockRestore();
        throw full;
      });
    } else {
      const run = db.writer.run.bind(db.writer);
      db.writer.run = (async (sql: string, ...rest: unknown[]) => {
        if (failOnce && sql.includes('UPDATE ingest_totals')) {
          failOnce = false;
          throw full;
        }
        return run(sql, ...(rest as []));
      }) as typeof db.writer.run;
    }
    await expect(writer.commit(failing)).rejects.toThrow(/No space left/);
    expect(await count(db, 'SELECT count(*)::INTEGER AS n FROM readings')).toBe(0);
    expect(await count(db, 'SELECT count(*)::INTEGER AS n FROM asset_versions')).toBe(0);
    expect(await count(db, 'SELECT received::INTEGER AS n FROM ingest_totals')).toBe(0);
    expect(await writer.committedSeq()).toBe(0);
    const next = new Batch();
    for (let i = 0; i < 10; i++) reading(next, `n${i}`, 3002 + i);
    next.lastSeq = 3011;
    await writer.commit(next);
    expect(await db.queryRows("SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE msg_id LIKE 'n%')::INTEGER AS own FROM readings")).toEqual([{ n: 10, own: 10 }]);
    expect(await count(db, 'SELECT count(*)::INTEGER AS n FROM asset_versions')).toBe(0);
    // the staging tables are the writer connection's own
    expect(await writer.exclusive(async (c) => (await c.runAndReadAll('SELECT count(*)::INTEGER AS n FROM temp.main.stage_assets')).getRowObjects()[0])).toEqual({ n: 0 });
    expect(await writer.committedSeq()).toBe(3011);
    // the retried batch goes in whole, once
    await writer.commit(failing);
    expect(await count(db, 'SELECT count(*)::INTEGER AS n FROM readings')).toBe(3010);
    expect(await count(db, 'SELECT count(*)::INTEGER AS n FROM asset_versions')).toBe(1);
  });
});
