import { describe, expect, it } from 'vitest';
import { distanceM, partiesToNotify, placesWithin, type PlacedAsset } from './affectedArea.js';

const at = (lat: number, lon: number, o: Partial<PlacedAsset>): PlacedAsset => ({
  domain: 'building', district: '420303', asset: 'x', name: 'x', kind: 'old_building', lat, lon, owner: null, supervisor: null, ...o,
});
// about 111 m per 0.001° of latitude
const C = { lat: 32.6, lon: 110.8 };

describe('what lies inside an incident radius', () => {
  it('measures great-circle distances (0.001° of latitude is about 111 m)', () => {
    expect(distanceM(C, { lat: 32.601, lon: 110.8 })).toBeCloseTo(111.2, 0);
    expect(distanceM(C, C)).toBe(0);
  });

  it('lists crowded places first and lifelines after, each nearest first; leaves out other kinds, places beyond the radius and the excepted asset', () => {
    const places = placesWithin(C, 800, [
      at(32.603, 110.8, { asset: 'school-1', kind: 'school', name: '第一中学', supervisor: '教育局' }),
      at(32.601, 110.8, { asset: 'pipe-1', kind: 'pipeline_monitor', domain: 'pipeline', owner: '管线中心' }),
      at(32.6005, 110.8, { asset: 'market-1', kind: 'market_detector', domain: 'gas', owner: '市场' }),
      at(32.6001, 110.8, { asset: 'old-1', kind: 'old_building' }),
      at(32.62, 110.8, { asset: 'hospital-far', kind: 'hospital' }),
      at(32.6, 110.8, { asset: 'self', kind: 'regulator_station', domain: 'gas' }),
      at(Number.NaN, 110.8, { asset: 'nowhere', kind: 'school' }),
    ], 'gas/420303/self');
    expect(places.map((p) => [p.asset, p.category])).toEqual([['market-1', 'crowded'], ['school-1', 'crowded'], ['pipe-1', 'lifeline']]);
    expect(places[1]?.distanceM).toBe(334);
  });

  it('names each party to notify once: the plan first, then the asset, then the crowded places and the lifelines', () => {
    const places = placesWithin(C, 800, [
      at(32.603, 110.8, { asset: 's', kind: 'school', name: '第一中学', owner: '学校', supervisor: '教育局' }),
      at(32.601, 110.8, { asset: 'p', kind: 'pipeline_monitor', domain: 'pipeline', name: '管线', owner: '应急管理局' }),
    ]);
    const parties = partiesToNotify(['应急管理局', ' '], { name: '市场探测器', owner: '市场', supervisor: '市场监管局', approver: null }, places);
    expect(parties).toEqual([
      { party: '应急管理局', why: 'plan', about: null },
      { party: '市场', why: 'asset', about: '市场探测器' },
      { party: '市场监管局', why: 'asset', about: '市场探测器' },
      { party: '学校', why: 'place', about: '第一中学' },
      { party: '教育局', why: 'place', about: '第一中学' },
    ]);
  });

  it('finds nothing in an empty registry', () => {
    expect(placesWithin(C, 800, [])).toEqual([]);
  });
});
