import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedChunk } from '../feeds/feedChunk.js';
import { Batch } from '../store/batch.js';
import { ChunkDecoder, admitChunk } from './chunkDecoder.js';
import { IdMemory } from './idMemory.js';

const enc = new TextEncoder();

describe('admitChunk', () => {
  it('drops repeated ids within and across chunks, each kept row keeping its own id bytes, value and sequence', () => {
    const idText = fc.string({ unit: fc.constantFrom('a', 'Z', '9', '-', '水', '管', '\u{1F30A}'), minLength: 1, maxLength: 30 });
    const message = fc.array(fc.record({ id: idText, value: fc.integer({ min: -1000, max: 1000 }) }), { minLength: 1, maxLength: 5 });
    fc.assert(fc.property(fc.array(fc.array(message, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }), (chunks) => {
      const now = Date.now();
      const ids = new IdMemory(10_000);
      const decoder = new ChunkDecoder(30);
      const batch = new Batch();
      const seen = new Set<string>();
      const expected: { id: string; value: number; seq: number }[] = [];
      let seq = 1;
      for (const messages of chunks) {
        const c = new FeedChunk(messages.length, 256);
        for (const m of messages) {
          const s = seq++;
          c.push('city.telemetry.water.420302.p1', enc.encode(JSON.stringify(m.map((r) => ({ id: r.id, ts: now - 1000, metric: 'level_m', value: r.value })))), s);
          for (const r of m) {
            if (seen.has(r.id)) continue;
            seen.add(r.id);
            expected.push({ id: r.id, value: r.value, seq: s });
          }
        }
        const d = decoder.decode(c, now);
        admitChunk(d, ids);
        batch.add(d);
      }
      const r = batch.readings;
      const got = Array.from({ length: r.length }, (_, i) => ({ id: r.id(i), value: r.value[i], seq: r.seq[i] }));
      expect(got).toEqual(expected);
      expect(batch.counts.duplicates).toBe(chunks.flat(2).length - expected.length);
    }), { numRuns: 300, seed: 20261128 });
  });
});
