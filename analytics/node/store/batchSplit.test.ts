import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Batch } from './batch.js';
import { findRejectedRows, withoutRejected } from './batchSplit.js';
import { storeErrorClass } from './storeErrors.js';

const NOW = Date.now();

function batchOf(ids: string[]): Batch {
  const b = new Batch();
  for (const [i, id] of ids.entries()) {
    b.readings.push({ id, tsMs: NOW - i, metric: 'lel_pct', value: i, unit: null, quality: 'good' }, 'gas', '420303', 'a1', i + 1);
    b.counts.received++;
    b.counts.stored++;
  }
  b.quarantine.push({ reason: 'schema', detail: 'd', payload: '{"x":1}', subject: 'city.telemetry.gas.420303.a1', seq: 99, receivedMs: NOW });
  b.counts.received++;
  b.counts.quarantined++;
  b.lastSeq = 99;
  return b;
}

const idsOf = (b: Batch): string[] => Array.from({ length: b.readings.length }, (_, i) => b.readings.id(i));

/** A probe that refuses any part holding one of `bad`, with `error`. */
const refusing = (bad: Set<string>, error: string) => async (part: Batch): Promise<void> => {
  if (idsOf(part).some((id) => bad.has(id))) throw new Error(error);
};

describe('store error classes', () => {
  it('reads only the kind DuckDB puts first, never the quoted input', () => {
    expect(storeErrorClass(new Error('Conversion Error: Malformed JSON ... Input: "No space left on device"'))).toBe('data');
    expect(storeErrorClass(new Error('IO Error: Could not write file "/x/db.wal": No space left on device'))).toBe('environment');
    expect(storeErrorClass(new Error('Out of Memory Error: could not allocate block of size 256.0 KiB'))).toBe('environment');
    expect(storeErrorClass(new Error('FATAL Error: Failed: database has been invalidated because of a previous fatal error'))).toBe('environment');
    expect(storeErrorClass(new Error('Constraint Error: NOT NULL constraint failed: n.x'))).toBe('data');
    expect(storeErrorClass(new Error('Invalid Input Error: invalid unicode detected in segment statistics update'))).toBe('data');
    expect(storeErrorClass(new Error('bigint out of int64 range'))).toBe('data');
    expect(storeErrorClass(new Error('ENOSPC: no space left on device, write'))).toBe('environment');
    expect(storeErrorClass(new Error('Binder Error: Referenced column "x" not found'))).toBe('unknown');
  });
});

describe('findRejectedRows', () => {
  it('finds exactly the refused rows, wherever they are in the batch', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(), { maxLength: 6 }), async (n, picks) => {
      const ids = Array.from({ length: n }, (_, i) => `r${i}`);
      const bad = new Set(picks.map((p) => ids[p % n] as string));
      const b = batchOf(ids);
      const rejected = await findRejectedRows(b, refusing(bad, 'Conversion Error: out of range'));
      expect(rejected.map((r) => r.id?.id).sort()).toEqual([...bad].sort());
      const rest = withoutRejected(b, rejected);
      expect(idsOf(rest).filter((id) => bad.has(id))).toEqual([]);
      expect(rest.readings.length).toBe(n - bad.size);
      expect(rest.quarantine.filter((q) => q.reason === 'store_rejected')).toHaveLength(bad.size);
      expect(rest.counts).toEqual({ received: n + 1, stored: n - bad.size, quarantined: 1 + bad.size, duplicates: 0 });
      expect(rest.lastSeq).toBe(99);
    }), { numRuns: 200, seed: 20261127 });
  });

  it('gives up on the environment: a full disk is thrown, not blamed on a row', async () => {
    const b = batchOf(['a', 'b', 'c']);
    await expect(findRejectedRows(b, refusing(new Set(['b']), 'IO Error: Could not write file "x.wal": No space left on device'))).rejects.toThrow(/No space left/);
  });

  it('blames no row for an unknown fault that every row meets, and blames a row that alone meets it', async () => {
    const everyPart = async (): Promise<void> => {
      throw new Error('Binder Error: something of ours');
    };
    expect(await findRejectedRows(batchOf(['a', 'b', 'c']), everyPart)).toEqual([]);
    const rejected = await findRejectedRows(batchOf(['a', 'b', 'c']), refusing(new Set(['b']), 'Catalog Error: odd'));
    expect(rejected.map((r) => r.id?.id)).toEqual(['b']);
  });

  it('keeps a refused row as plain ASCII with the database error, so its quarantine row always stores', async () => {
    // (an id is well-formed Unicode by then: the decoder quarantines unpaired surrogates; the database's message may hold one)
    const b = batchOf(['ok', 'bad坏']);
    const rejected = await findRejectedRows(b, refusing(new Set(['bad坏']), 'Conversion Error: invalid \udc00 input'));
    const q = withoutRejected(b, rejected).quarantine.find((x) => x.reason === 'store_rejected');
    expect(q?.payload).toContain('bad\\u574f');
    expect(q?.detail).toBe('Conversion Error: invalid \\udc00 input');
    expect(q?.subject).toBe('city.telemetry.gas.420303.a1');
    expect(q?.seq).toBe(2);
    expect(/^[\x20-\x7e]*$/.test(`${q?.payload ?? ''}${q?.detail ?? ''}`)).toBe(true);
  });
});
