import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmTransition } from '../../common/ops/alarmTransition.js';
import { tempDir } from '../../../dev/testing/harness.js';
import { Batch } from './batch.js';
import { BatchWriter, insertAlarms } from './batchWriter.js';
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
});
