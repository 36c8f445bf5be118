import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import { Database } from './database.js';
import { applyRetention, compactRollups, type RetentionOptions } from './maintenance.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Half past an hour, so the hour, minute and 10-second buckets all have closed and open ones. */
const NOW = Math.floor(1_781_300_000_000 / HOUR) * HOUR + 30 * 60_000;
const us = (ms: number): bigint => BigInt(ms) * 1000n;

let db: Database;
let n = 0;
beforeEach(async () => {
  db = await Database.open(`${tmp.dir}/m${n++}.duckdb`);
});
afterEach(() => db.close());

async function run(sql: string, values: Record<string, bigint | number | string> = {}): Promise<void> {
  await db.writer.run(sql, values);
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return db.queryRows(sql);
}

async function count(table: string): Promise<number> {
  const r = await rows(`SELECT count(*) AS n FROM ${table}`);
  return Number(r[0]?.['n']);
}

/** One row of every kept table, aged `ageMs` before NOW, tagged so the survivors can be named. */
async function rowsAged(tag: string, ageMs: number): Promise<void> {
  const at = { t: us(NOW - ageMs), tag };
  await run(`INSERT INTO readings VALUES (make_timestamptz($t::BIGINT), 'gas', '420303', 'st-1', 'lel_pct', 1, '%LEL', 'good', $tag, NULL, make_timestamptz($t::BIGINT), 1)`, at);
  await run(`INSERT INTO events VALUES (make_timestamptz($t::BIGINT), 'gas', '420303', $tag, 'gas_leak', 'red', '报警', 'st-1', NULL, NULL, NULL, 'city.event.gas.420303', NULL, make_timestamptz($t::BIGINT))`, at);
  await run(`INSERT INTO inspections VALUES (make_timestamptz($t::BIGINT), 'gas', '420303', $tag, 'st-1', '阀门', 'fail', 'major', NULL, '张工', 'city.inspection.gas.420303', NULL, make_timestamptz($t::BIGINT))`, at);
  await run(`INSERT INTO quarantine VALUES (make_timestamptz($t::BIGINT), 'city.telemetry.gas.420303.st-1', 'invalid_json', $tag, '{', NULL)`, at);
  await run(`INSERT INTO asset_versions VALUES (make_timestamptz($t::BIGINT), 'gas', '420303', $tag, '调压站', 'regulator_station', 32.6, 110.7, '燃气公司', '住建局', NULL, NULL, 'city.asset.gas.420303.st-1', NULL, make_timestamptz($t::BIGINT))`, at);
  for (const table of ['rollup_10s', 'rollup_1m', 'rollup_1h']) {
    await run(`INSERT INTO ${table} VALUES (make_timestamptz($t::BIGINT), 'gas', '420303', $tag, 'lel_pct', 1, 1, 1, 1, make_timestamptz($t::BIGINT), 1, 0, NULL)`, at);
  }
  for (const table of ['rollup_district_1m', 'rollup_district_1h']) {
    await run(`INSERT INTO ${table} VALUES (make_timestamptz($t::BIGINT), 'gas', '420303', $tag, 1, 1, 1, 1, make_timestamptz($t::BIGINT), 1, 0, NULL)`, at);
  }
}

/** The tags left in a table (the district rollups carry the tag as their metric). */
async function tags(table: string): Promise<string[]> {
  const col = { readings: 'msg_id', events: 'msg_id', inspections: 'msg_id', quarantine: 'detail', asset_versions: 'asset' }[table]
    ?? (table.startsWith('rollup_district') ? 'metric' : 'asset');
  return (await rows(`SELECT ${col} AS tag FROM ${table} ORDER BY 1`)).map((r) => String(r['tag']));
}

describe('retention', () => {
  it('deletes what is older than each table\'s own retention and keeps what is newer', async () => {
    const o: RetentionOptions = { rawDays: 7, rollup10sDays: 14, rollup1mDays: 60 };
    for (const [tag, days] of [['d1', 1], ['d6', 6], ['d8', 8], ['d13', 13], ['d15', 15], ['d59', 59], ['d61', 61], ['d1000', 1000]] as const) {
      await rowsAged(tag, days * DAY);
    }
    await applyRetention(db.writer, NOW, o);
    for (const t of ['readings', 'events', 'inspections', 'quarantine']) expect(await tags(t), t).toEqual(['d1', 'd6']);
    expect(await tags('rollup_10s')).toEqual(['d1', 'd13', 'd6', 'd8']);
    expect(await tags('rollup_1m')).toEqual(['d1', 'd13', 'd15', 'd59', 'd6', 'd8']);
    expect(await tags('rollup_district_1m')).toEqual(['d1', 'd13', 'd15', 'd59', 'd6', 'd8']);
    // the hourly rollups and the registry are kept whatever their age
    const all = ['d1', 'd1000', 'd13', 'd15', 'd59', 'd6', 'd61', 'd8'];
    for (const t of ['rollup_1h', 'rollup_district_1h', 'asset_versions']) expect(await tags(t), t).toEqual(all);
  });

  it('keeps a row exactly as old as the retention and deletes one a millisecond older', async () => {
    await rowsAged('edge', 30 * DAY);
    await rowsAged('past', 30 * DAY + 1);
    await applyRetention(db.writer, NOW, { rawDays: 30, rollup10sDays: 30, rollup1mDays: 400 });
    for (const t of ['readings', 'events', 'inspections', 'quarantine', 'rollup_10s']) expect(await tags(t), t).toEqual(['edge']);
  });

  it('judges quarantine by when it was received, not by the time the sender wrote', async () => {
    await run(`INSERT INTO quarantine VALUES (make_timestamptz($t::BIGINT), 's', 'future_ts', 'recent', '{"ts": 1}', NULL)`, { t: us(NOW - DAY) });
    await applyRetention(db.writer, NOW, { rawDays: 7, rollup10sDays: 7, rollup1mDays: 7 });
    expect(await count('quarantine')).toBe(1);
  });
});

/** A partial row of the 10-second rollup of one series. */
async function partial(bucketMs: number, asset: string, p: { n: number; sum: number; min: number; max: number; lastAt: number; last: number; bad: number }): Promise<void> {
  await run(`INSERT INTO rollup_10s VALUES (make_timestamptz($b::BIGINT), 'gas', '420303', $asset, 'lel_pct', $n, $sum, $min, $max, make_timestamptz($lt::BIGINT), $last, $bad, NULL)`,
    { b: us(bucketMs), asset, n: p.n, sum: p.sum, min: p.min, max: p.max, lt: us(p.lastAt), last: p.last, bad: p.bad });
}

async function series(asset: string): Promise<Record<string, unknown>[]> {
  return rows(`SELECT epoch_ms(bucket) AS bucket, n, sum, min, max, epoch_ms(last_ts) AS last_ts, last_value, n_bad, epoch_ms(merged_at) AS merged_at
               FROM rollup_10s WHERE asset = '${asset}' ORDER BY bucket, n`);
}

describe('rollup compaction', () => {
  const closed = NOW - 60_000;
  const open = NOW - 10_000;
  const old = NOW - 2 * HOUR;

  beforeEach(async () => {
    await partial(closed, 'st-1', { n: 2, sum: 10, min: 4, max: 6, lastAt: closed + 3_000, last: 6, bad: 0 });
    await partial(closed, 'st-1', { n: 1, sum: 7, min: 7, max: 7, lastAt: closed + 8_000, last: 7, bad: 1 });
    await partial(closed, 'st-1', { n: 3, sum: 3, min: 1, max: 1, lastAt: closed + 5_000, last: 1, bad: 2 });
    await partial(closed, 'st-2', { n: 1, sum: 2, min: 2, max: 2, lastAt: closed + 1_000, last: 2, bad: 0 });
    await partial(open, 'st-1', { n: 1, sum: 5, min: 5, max: 5, lastAt: open + 1_000, last: 5, bad: 0 });
    await partial(open, 'st-1', { n: 1, sum: 9, min: 9, max: 9, lastAt: open + 2_000, last: 9, bad: 0 });
    await partial(old, 'st-1', { n: 1, sum: 1, min: 1, max: 1, lastAt: old, last: 1, bad: 0 });
    await partial(old, 'st-1', { n: 1, sum: 2, min: 2, max: 2, lastAt: old + 1, last: 2, bad: 0 });
  });

  it('merges the partial rows of a closed bucket into one, with the same aggregates', async () => {
    const view = `SELECT epoch_ms(bucket) AS b, asset, n, sum, avg, min, max, epoch_ms(last_ts) AS last_ts, last_value, n_bad FROM rollup_10s_v ORDER BY b, asset`;
    const before = await rows(view);
    expect(await compactRollups(db.writer, NOW)).toBe(1);
    expect(await rows(view)).toEqual(before);
    expect((await series('st-1')).filter((r) => r['bucket'] === closed)).toEqual([
      { bucket: closed, n: 6, sum: 20, min: 1, max: 7, last_ts: closed + 8_000, last_value: 7, n_bad: 3, merged_at: NOW },
    ]);
    // a bucket with one row has nothing to merge
    expect(await series('st-2')).toMatchObject([{ n: 1, merged_at: null }]);
  });

  it('leaves the bucket still filling, and buckets before its first look-back, as they are', async () => {
    await compactRollups(db.writer, NOW);
    const st1 = await series('st-1');
    expect(st1.filter((r) => r['bucket'] === open).map((r) => r['sum'])).toEqual([5, 9]);
    expect(st1.filter((r) => r['bucket'] === old).map((r) => r['sum'])).toEqual([1, 2]);
  });

  it('takes up the next run where the previous one stopped, even after a pause longer than the first look-back', async () => {
    const done = new Map<string, number>();
    expect(await compactRollups(db.writer, NOW, done)).toBe(1);
    // the bucket that was filling has closed since, two hours ago: still merged, as the previous run did not reach it
    const later = NOW + 2 * HOUR;
    expect(await compactRollups(db.writer, later, done)).toBe(1);
    expect((await series('st-1')).filter((r) => r['bucket'] === open)).toEqual([
      { bucket: open, n: 2, sum: 14, min: 5, max: 9, last_ts: open + 2_000, last_value: 9, n_bad: 0, merged_at: later },
    ]);
    // each bucket is merged once: a run with nothing new to merge changes nothing
    expect(await compactRollups(db.writer, later + 10_000, done)).toBe(0);
  });
});
