import { describe, expect, it } from 'vitest';
import { Batch, ReadingColumns } from './batch.js';

const reading = (id: string, value: number, metric = 'lel_pct', unit: string | null = '%LEL') => ({ id, tsMs: 1_000 + value, metric, value, unit, quality: 'good' as const });

describe('ReadingColumns reused by the next batch', () => {
  it('keeps its capacity and nothing else: rows, series and ids start over', () => {
    const c = new ReadingColumns();
    for (let i = 0; i < 1000; i++) c.push(reading(`first-${i}-${'é'.repeat(i % 5)}`, i, `m${i % 7}`), 'gas', '420303', `a${i % 3}`, i);
    const tsBuffer = c.tsMs.buffer;
    const bytes = c.capacityBytes;
    c.reset();
    expect(c.length).toBe(0);
    expect(c.series).toEqual([]);
    expect(c.capacityBytes).toBe(bytes);

    const b = new Batch(c);
    expect(b.readings).toBe(c);
    c.push(reading('second-1', 5, 'flow_m3h', null), 'water', '420302', 'p1', 7);
    c.push(reading('second-2', 6, 'flow_m3h', null), 'water', '420302', 'p1', 8);
    // a series the columns held before the reset is a new series of this batch
    c.push(reading('second-3', 9, 'm6'), 'gas', '420303', 'a2', 9);
    expect(c.tsMs.buffer).toBe(tsBuffer);
    expect(c.length).toBe(3);
    expect(c.series).toEqual([
      { domain: 'water', district: '420302', asset: 'p1', metric: 'flow_m3h', unit: null },
      { domain: 'gas', district: '420303', asset: 'a2', metric: 'm6', unit: '%LEL' },
    ]);
    expect([c.id(0), c.id(1), c.id(2)]).toEqual(['second-1', 'second-2', 'second-3']);
    expect([...c.seriesIx.subarray(0, 3)]).toEqual([0, 0, 1]);
    expect([...c.value.subarray(0, 3)]).toEqual([5, 6, 9]);
    expect([...c.seq.subarray(0, 3)]).toEqual([7, 8, 9]);
  });
});
