import { describe, expect, it } from 'vitest';
import { BASELINE_CHECKS, INSPECTION_PERIOD_DAYS, judgeBaseline, missingOf, REPORTING_WITHIN_MS, type BaselineAsset } from './baseline.js';
import { DOMAINS } from './city.js';

const DAY = 86_400_000;
const AT = Date.UTC(2026, 10, 20, 12);
const full = (o: Partial<BaselineAsset> = {}): BaselineAsset => ({
  domain: 'gas', district: '420303', asset: 'a1', name: '张湾区调压站1号', kind: 'regulator', owner: '十堰燃气', supervisor: '市城管局', approver: '市住建局',
  located: true, lastInspectionMs: AT - DAY, lastReadingMs: AT - 60_000, monitored: true, ...o,
});

describe('摸清底数: what an asset record lacks', () => {
  it('a complete record lacks nothing; each missing fact is named once, in the order of the checks', () => {
    expect(missingOf(full(), AT)).toEqual([]);
    const bare = full({ located: false, owner: ' ', supervisor: '', approver: null, lastInspectionMs: null, lastReadingMs: null });
    expect(missingOf(bare, AT)).toEqual([...BASELINE_CHECKS]);
  });

  it('an inspection counts up to exactly its domain\'s period, and never from the future', () => {
    for (const d of DOMAINS) {
      const period = INSPECTION_PERIOD_DAYS[d] * DAY;
      expect(missingOf(full({ domain: d, lastInspectionMs: AT - period }), AT)).toEqual([]);
      expect(missingOf(full({ domain: d, lastInspectionMs: AT - period - 1 }), AT)).toEqual(['inspection']);
    }
    expect(missingOf(full({ lastInspectionMs: AT + 1 }), AT)).toEqual(['inspection']);
  });

  it('sensors count within the hour, and only for the kinds the city monitors', () => {
    expect(missingOf(full({ lastReadingMs: AT - REPORTING_WITHIN_MS }), AT)).toEqual([]);
    expect(missingOf(full({ lastReadingMs: AT - REPORTING_WITHIN_MS - 1 }), AT)).toEqual(['sensors']);
    expect(missingOf(full({ lastReadingMs: null, monitored: false }), AT)).toEqual([]);
  });
});

describe('摸清底数: the cells and the gaps', () => {
  it('counts per domain and district, lists the gaps most-missing first with their owner, and keeps the count beyond the limit', () => {
    const assets = [
      full({ asset: 'g1' }),
      full({ asset: 'g2', approver: null }),
      full({ asset: 'g3', approver: null, lastInspectionMs: null, owner: '某燃气公司' }),
      full({ asset: 'w1', domain: 'water', district: '420302', located: false }),
      full({ asset: 'w2', domain: 'water', district: '420302' }),
    ];
    const r = judgeBaseline(assets, AT, 2);
    expect(r).toMatchObject({ assets: 5, complete: 2, gapCount: 3 });
    expect(r.cells.map((c) => [c.domain, c.district, c.assets, c.complete])).toEqual([['water', '420302', 2, 1], ['gas', '420303', 3, 1]]);
    expect(r.cells[1]?.missing).toEqual({ location: 0, owner: 0, supervisor: 0, approver: 2, inspection: 1, sensors: 0 });
    expect(r.cells[1]?.missingParties).toBe(2);
    expect(r.gaps.map((g) => [g.asset, g.owner, g.missing])).toEqual([['g3', '某燃气公司', ['approver', 'inspection']], ['w1', '十堰燃气', ['location']]]);
  });
});
