import { describe, expect, it } from 'vitest';
import { bucketMs, seriesParams, trendIsStale } from './definition';

const spec = { domain: 'gas' as const, metric: 'lel_pct', unit: '%LEL' };

describe('trend panel: the question and staleness', () => {
  it('asks the series from the window start, narrowed to an asset or district when given', () => {
    expect(seriesParams({ spec, hours: 24, resolution: '1m' }, 100 * 3_600_000)).toEqual({ metric: 'lel_pct', domain: 'gas', resolution: '1m', fromMs: 76 * 3_600_000 });
    expect(seriesParams({ spec, hours: 2, resolution: '1h', asset: 'a', district: '420302' }, 3 * 3_600_000)).toEqual({
      metric: 'lel_pct', domain: 'gas', resolution: '1h', asset: 'a', district: '420302', fromMs: 3_600_000,
    });
  });

  it('is stale when nothing newer came for two buckets or three feed intervals, whichever is longer', () => {
    const b = bucketMs('1m');
    expect(trendIsStale(1_000_000, 1_000_000 + 120_000, b, 10_000, true, true)).toBe(false);
    expect(trendIsStale(1_000_000, 1_000_000 + 120_001, b, 10_000, true, true)).toBe(true);
    expect(trendIsStale(1_000_000, 1_000_000 + 150_000, b, 60_000, true, true)).toBe(false);
  });

  it('is stale with the link down only when there is data on screen', () => {
    expect(trendIsStale(null, 0, bucketMs('1h'), 10_000, false, false)).toBe(false);
    expect(trendIsStale(null, 0, bucketMs('1h'), 10_000, true, false)).toBe(true);
  });
});
