import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJson } from './jsonScan.js';

const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

describe('scanJson', () => {
  it('finds each element of a top-level array as its own text, whatever the spacing', () => {
    fc.assert(fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 12 }), fc.constantFrom(undefined, 1, '\t'), (items, space) => {
      const text = JSON.stringify(items, null, space);
      const s = scanJson(text);
      expect(s.starts.map((a, i) => JSON.parse(text.slice(a, s.ends[i])) as unknown)).toEqual(JSON.parse(text));
    }), { numRuns: 500, seed: 20261127 });
  });

  it('measures the nesting depth of any JSON value', () => {
    const depthOf = (v: unknown): number => (typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
      expect(scanJson(JSON.stringify(v)).depth).toBe(depthOf(v));
    }), { numRuns: 500, seed: 20261127 });
  });

  it('notices a surrogate escape wherever a string holds an unpaired surrogate, and only then', () => {
    // JSON.stringify writes an unpaired surrogate as an escape and a pair as the character itself
    const unpaired = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    const text = fc.oneof(fc.string(), fc.constantFrom('\\ud800', '\\"', '😀'));
    fc.assert(fc.property(text, fc.option(lone), text, (a, bad, b) => {
      const v = `${a}${bad ?? ''}${b}`;
      expect(scanJson(JSON.stringify({ [a]: v, k: [b] })).surrogateEscape).toBe(unpaired.test(v) || unpaired.test(a));
    }), { numRuns: 1000, seed: 20261127 });
  });

  it('never throws on any text, and measures 30,000 levels without recursion', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (t) => {
      scanJson(t);
    }), { numRuns: 1000, seed: 20261127 });
    expect(scanJson('['.repeat(30_000) + ']'.repeat(30_000)).depth).toBe(30_000);
  });
});
