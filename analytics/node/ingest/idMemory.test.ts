import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ID_KINDS, IdMemory, seededHash, type IdHash } from './idMemory.js';

describe('IdMemory', () => {
  it('drops repeats inside its window and forgets the oldest beyond it', () => {
    const m = new IdMemory(3);
    expect(['a', 'b', 'a', 'c'].map((id) => m.admit('reading', id))).toEqual([true, true, false, true]);
    expect(m.admit('reading', 'd')).toBe(true); // forgets a
    expect(m.size).toBe(3);
    expect(m.admit('reading', 'a')).toBe(true);
    expect(m.admit('reading', 'c')).toBe(false);
  });

  it('stays fast and bounded far past its capacity', () => {
    const m = new IdMemory(1000);
    for (let i = 0; i < 200_000; i++) m.admit('reading', `id-${i}`);
    expect(m.size).toBe(1000);
    expect(m.admit('reading', 'id-199999')).toBe(false);
    expect(m.admit('reading', 'id-198000')).toBe(true);
  });

  it('never takes an id of one kind for a repeat of another kind', () => {
    const m = new IdMemory(100);
    expect(m.admit('reading', 'event:X')).toBe(true);
    expect(m.admit('event', 'X')).toBe(true);
    expect(m.admit('reading', 'X')).toBe(true);
    expect(m.admit('inspection', 'X')).toBe(true);
    expect(m.admit('event', 'X')).toBe(false);
  });

  it('admits a forgotten id again, and a reused ring slot never drops a newer admission', () => {
    const m = new IdMemory(2);
    m.admit('reading', 'a');
    m.forget('reading', 'a');
    expect(m.size).toBe(0);
    expect(m.admit('reading', 'a')).toBe(true); // slot 1
    expect(m.admit('reading', 'b')).toBe(true); // slot 0: its stale 'a' must not evict the newer 'a'
    expect(m.admit('reading', 'a')).toBe(false);
    expect(m.size).toBe(2);
  });

  it('behaves as one bounded window of (kind, id) pairs, whatever the sequence', () => {
    const op = fc.record({ kind: fc.constantFrom(...ID_KINDS), id: fc.constantFrom('a', 'b', 'c', 'event:a', 'reading:b'), forget: fc.boolean() });
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
      const m = new IdMemory(capacity);
      // the model: admissions in order, each forgotten either by `forget` or by falling out of the window
      const log: { key: string; live: boolean }[] = [];
      for (const o of ops) {
        const key = `${o.kind}\u0000${o.id}`;
        const window = log.slice(-capacity);
        if (o.forget) {
          for (const e of window) if (e.key === key) e.live = false;
          m.forget(o.kind, o.id);
          continue;
        }
        const present = window.some((e) => e.key === key && e.live);
        expect(m.admit(o.kind, o.id)).toBe(!present);
        if (!present) log.push({ key, live: true });
        expect(m.size).toBe(log.slice(-capacity).filter((e) => e.live).length);
      }
    }), { numRuns: 500, seed: 20261127 });
  });

  it('keeps the same verdicts when every id collides or only a few hash values exist (probing and backward shift)', () => {
    const op = fc.record({ kind: fc.constantFrom(...ID_KINDS), n: fc.integer({ min: 0, max: 40 }), forget: fc.integer({ min: 0, max: 4 }) });
    const hashes: [string, IdHash][] = [
      ['one value', () => 7],
      ['four values', (_b, start, end) => (end - start) % 4],
      ['clustered at the table\'s end', (b, _start, end) => 0xfffffff0 + ((b[end - 1] as number) % 16)],
    ];
    for (const [, hash] of hashes) {
      fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.array(op, { maxLength: 120 }), (capacity, ops) => {
        const m = new IdMemory(capacity, hash);
        const log: { key: string; live: boolean }[] = [];
        for (const o of ops) {
          const id = `i${o.n}`;
          const key = `${o.kind}\u0000${id}`;
          const window = log.slice(-capacity);
          if (o.forget === 0) {
            for (const e of window) if (e.key === key) e.live = false;
            m.forget(o.kind, id);
            continue;
          }
          const present = window.some((e) => e.key === key && e.live);
          expect(m.admit(o.kind, id)).toBe(!present);
          if (!present) log.push({ key, live: true });
          expect(m.size).toBe(log.slice(-capacity).filter((e) => e.live).length);
        }
      }), { numRuns: 300, seed: 20261128 });
    }
  });

  it('agrees with a plain map of the window over 400,000 ids with repeats, past its capacity many times', () => {
    const capacity = 20_000;
    const m = new IdMemory(capacity);
    const order: string[] = [];
    const live = new Set<string>();
    let x = 12345;
    for (let i = 0; i < 400_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      // a repeat of a recent id now and then, or of one long forgotten
      const id = x % 10 === 0 && order.length > 0 ? (order[order.length - 1 - (x % Math.min(order.length, 30_000))] as string) : `r-${i}`;
      const fresh = !live.has(id);
      expect(m.admit('reading', id)).toBe(fresh);
      if (fresh) {
        order.push(id);
        live.add(id);
        if (order.length > capacity) live.delete(order[order.length - 1 - capacity] as string);
      }
    }
    expect(m.size).toBe(capacity);
  });

  it('bounded by its arena\'s bytes too: never takes a new id for a repeat, and remembers every recent one that surely fits', () => {
    const enc = new TextEncoder();
    const idText = fc.string({ unit: fc.constantFrom('a', 'b', '7', '-', '水', '管', '\u{1F30A}'), minLength: 1, maxLength: 24 });
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 400 }), fc.array(idText, { maxLength: 150 }), (capacity, extra, ids) => {
      const arena = 2 * 384 + extra;
      const m = new IdMemory(capacity, seededHash, arena);
      const admitted: { id: string; bytes: number }[] = [];
      for (const id of ids) {
        const everAdmitted = admitted.some((a) => a.id === id);
        // the newest admissions that surely fit: within capacity, and their bytes with two ids' worth of wrap to spare
        let k = 0;
        let bytes = 0;
        while (k < Math.min(capacity, admitted.length)) {
          const a = admitted[admitted.length - 1 - k] as { bytes: number };
          if (bytes + a.bytes + 2 * 96 > arena) break;
          bytes += a.bytes;
          k++;
        }
        const surelyRemembered = admitted.slice(admitted.length - k).some((a) => a.id === id);
        const fresh = m.admit('reading', id);
        if (!fresh) expect(everAdmitted).toBe(true);
        if (surelyRemembered) expect(fresh).toBe(false);
        if (fresh) admitted.push({ id, bytes: enc.encode(id).length });
        expect(m.size).toBeLessThanOrEqual(capacity);
      }
    }), { numRuns: 400, seed: 20261129 });
  });

  it('picks a new seed when ids collide under its hash (ids chosen against it), and keeps every verdict', () => {
    let first: number | null = null;
    // every id lands in one cell under the first seed; a new seed spreads them
    const hash: IdHash = (b, start, end, kind, seed) => {
      first ??= seed;
      return seed === first ? 7 : seededHash(b, start, end, kind, seed);
    };
    const m = new IdMemory(500, hash);
    for (let i = 0; i < 2000; i++) expect(m.admit('reading', `c-${i}`)).toBe(true);
    expect(m.reseeds).toBeGreaterThanOrEqual(1);
    // the newest 500 are remembered, the older ones forgotten
    for (let i = 1500; i < 2000; i++) expect(m.admit('reading', `c-${i}`)).toBe(false);
    expect(m.admit('reading', 'c-0')).toBe(true);
    expect(m.size).toBe(500);
  });
});
