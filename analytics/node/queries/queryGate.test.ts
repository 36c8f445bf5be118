import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS, QueryGate } from './queryGate.js';

describe('the query gate tells when queries run', () => {
  it('busy when the first query of a period starts, idle when the last one ends (also a failed or refused one)', async () => {
    const gate = new QueryGate({ ...DEFAULT_QUERY_LIMITS, maxInFlight: 2 });
    const seen: boolean[] = [];
    gate.onBusy = (b) => seen.push(b);
    let endA: () => void = () => undefined;
    let failB: (e: Error) => void = () => undefined;
    const a = gate.run(() => new Promise<void>((r) => (endA = r)));
    const b = gate.run(() => new Promise<void>((_, j) => (failB = j)));
    await expect(gate.run(async () => undefined)).rejects.toMatchObject({ code: 'busy' });
    expect(seen).toEqual([true]);
    expect(gate.whenIdle()).not.toBeNull();
    endA();
    await a;
    expect(seen).toEqual([true]);
    failB(new Error('bad query'));
    await expect(b).rejects.toThrow('bad query');
    expect(seen).toEqual([true, false]);
    expect(gate.whenIdle()).toBeNull();
    await gate.run(async () => 1);
    expect(seen).toEqual([true, false, true, false]);
  });
});
