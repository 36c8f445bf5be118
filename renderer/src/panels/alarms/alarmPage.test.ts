import { describe, expect, it } from 'vitest';
import { alarmPage } from './alarmPage';

describe("the wall's alarm pages", () => {
  it('shows every row once over a full turn of the pages', () => {
    const seen: number[] = [];
    for (let tick = 0; tick < 3; tick++) {
      const p = alarmPage(12, 5, tick);
      for (let i = p.from; i < p.to; i++) seen.push(i);
    }
    expect(seen).toEqual([...Array(12).keys()]);
    expect(alarmPage(12, 5, 3).index).toBe(0);
  });

  it('is one page when everything fits, and shows one row at a time in a panel too short for any', () => {
    expect(alarmPage(4, 5, 7)).toEqual({ index: 0, pages: 1, from: 0, to: 4 });
    expect(alarmPage(0, 5, 2)).toEqual({ index: 0, pages: 1, from: 0, to: 0 });
    expect(alarmPage(3, 0, 1)).toEqual({ index: 1, pages: 3, from: 1, to: 2 });
  });
});
