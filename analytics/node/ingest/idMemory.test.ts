import { describe, expect, it } from 'vitest';
import { IdMemory } from './idMemory.js';

describe('IdMemory', () => {
  it('drops repeats inside its window and forgets the oldest beyond it', () => {
    const m = new IdMemory(3);
    expect(['a', 'b', 'a', 'c'].map((id) => m.admit(id))).toEqual([true, true, false, true]);
    expect(m.admit('d')).toBe(true); // forgets a
    expect(m.size).toBe(3);
    expect(m.admit('a')).toBe(true);
    expect(m.admit('c')).toBe(false);
  });

  it('stays fast and bounded far past its capacity', () => {
    const m = new IdMemory(1000);
    for (let i = 0; i < 200_000; i++) m.admit(`id-${i}`);
    expect(m.size).toBe(1000);
    expect(m.admit('id-199999')).toBe(false);
    expect(m.admit('id-198000')).toBe(true);
  });
});
