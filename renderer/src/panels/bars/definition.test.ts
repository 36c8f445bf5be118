import { describe, expect, it } from 'vitest';
import { latestIsStale, latestParams, latestRows } from './definition';

describe('TOP 10 bars: the question and the rows', () => {
  it('asks the latest value of the metric for the whole domain', () => {
    expect(latestParams({ domain: 'gas', metric: 'lel_pct', unit: '%LEL' })).toEqual({ domain: 'gas', metric: 'lel_pct', limit: 5000 });
  });

  it('names bars from the registry, keeps only numbers, and finds the newest reading', () => {
    const names = new Map([['gas/420302/a', '调压站A']]);
    const r = latestRows({ asset: ['a', 'b', 'c'], domain: ['gas', 'gas', 'gas'], district: ['420302', '420303', '420303'], value: [30, null, 7], ts: [1000, 3000, 2000] }, names);
    expect(r.rows).toEqual([{ label: '调压站A', value: 30, key: 'gas/420302/a' }, { label: 'c', value: 7, key: 'gas/420303/c' }]);
    expect(r.newest).toBe(2000);
  });

  it('has no rows and no time before the first answer', () => {
    expect(latestRows(undefined, new Map())).toEqual({ rows: [], newest: null });
  });

  it('is stale past three feed intervals, or with the link down', () => {
    expect(latestIsStale(0, 30_000, 10_000, true)).toBe(false);
    expect(latestIsStale(0, 30_001, 10_000, true)).toBe(true);
    expect(latestIsStale(null, 99_999, 10_000, true)).toBe(false);
    expect(latestIsStale(null, 0, 10_000, false)).toBe(true);
  });
});
