import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { assetKey, issuesText, keyOf, micros, parseAssetKey } from './vocabulary.js';

describe('the shared vocabulary', () => {
  it('writes and reads an asset key the same way everywhere', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    fc.assert(fc.property(part, part, part, (domain, district, asset) => {
      expect(parseAssetKey(assetKey(domain, district, asset))).toEqual({ domain, district, asset });
      expect(keyOf({ domain, district, asset })).toBe(`${domain}/${district}/${asset}`);
    }), { seed: 20261127, numRuns: 200 });
    for (const bad of ['', 'a/b', 'a/b/c/d', '/b/c', 'a//c']) expect(parseAssetKey(bad), bad).toBeNull();
  });

  it('turns milliseconds into DuckDB microseconds, rounding fractions', () => {
    expect(micros(1)).toBe(1000n);
    expect(micros(1.6)).toBe(2000n);
    expect(micros(-8.64e15)).toBe(-8_640_000_000_000_000_000n);
  });

  it('tells a refused document’s problems in one line', () => {
    const r = z.object({ a: z.number(), b: z.object({ c: z.string() }) }).safeParse({ a: 'x', b: { c: 1 } });
    expect(r.success).toBe(false);
    if (!r.success) expect(issuesText(r.error)).toMatch(/^a: .+; b\.c: .+$/);
  });
});
