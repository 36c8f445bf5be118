import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { constantOffset, isoTimeSql, offsetAt } from './csvTimes.js';

describe('CSV times', () => {
  it('knows where a zone keeps one offset: Shanghai since 1991, UTC always, Berlin never', () => {
    expect(offsetAt('Asia/Shanghai', Date.parse('2026-06-13T00:00:00Z'))).toBe('+08:00');
    expect(offsetAt('America/St_Johns', Date.parse('2026-01-13T00:00:00Z'))).toBe('-03:30');
    expect(offsetAt('UTC', 0)).toBe('+00:00');
    const sh = constantOffset('Asia/Shanghai');
    expect(sh?.offset).toBe('+08:00');
    expect(new Date(sh?.sinceMs ?? 0).toISOString().slice(0, 4)).toBe('1991');
    expect(constantOffset('UTC')).toEqual({ sinceMs: null, offset: '+00:00' });
    expect(constantOffset('Europe/Berlin')).toBeNull();
  });

  it('the fast and the per-row SQL write the same ISO 8601 text, with the offset of each instant', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    try {
      for (const zone of ['Asia/Shanghai', 'Europe/Berlin', 'Asia/Kolkata', 'UTC']) {
        await c.run(`SET TimeZone = '${zone}'`);
        const constant = constantOffset(zone);
        const rows = (await c.runAndReadAll(`SELECT ${isoTimeSql('ts', constant)} AS fast, ${isoTimeSql('ts', null)} AS slow FROM (VALUES
          (TIMESTAMPTZ '2026-06-13 06:42:10.25Z'), (TIMESTAMPTZ '2026-01-01 00:00:00Z'), (TIMESTAMPTZ '1988-07-01 00:00:00Z')) t(ts)`)).getRows();
        for (const [fast, slow] of rows) expect(fast, zone).toBe(slow);
        expect(rows.map((r) => Date.parse(String(r[0])))).toEqual([Date.parse('2026-06-13T06:42:10.250Z'), Date.parse('2026-01-01T00:00:00Z'), Date.parse('1988-07-01T00:00:00Z')]);
      }
      await c.run(`SET TimeZone = 'Asia/Shanghai'`);
      const [[sh]] = (await c.runAndReadAll(`SELECT ${isoTimeSql('ts', constantOffset('Asia/Shanghai'))} FROM (VALUES (TIMESTAMPTZ '1988-07-01 00:00:00Z'), (TIMESTAMPTZ '2026-06-13 06:42:10.25Z')) t(ts) ORDER BY ts DESC`)).getRows() as [[string]];
      expect(sh).toBe('2026-06-13T14:42:10.25+08:00');
    } finally {
      c.closeSync();
      inst.closeSync();
    }
  });
});
