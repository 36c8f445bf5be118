import { describe, expect, it } from 'vitest';
import type { PermitFindingView } from '../../../../analytics/common/permits/permitRules';
import { buildPermitMapOption, FINDING_COLORS, permitPoints } from './buildPermitMapOption';

const f = (asset: string, kind: PermitFindingView['kind'], stage: PermitFindingView['stage']): PermitFindingView => ({
  id: `pmt.${kind}.fire.420302.${asset}.00000000`, kind, type: 'fire', domain: 'building', district: '420302', asset, name: asset, lat: 32.6, lon: 110.8,
  number: null, department: null, issued: null, expires: null, related: null, use: null, permitUse: null, grade: 'general', sinceMs: 0, stage,
});
type Series = { id: string; data: { key: string; detail: string; itemStyle?: { borderColor: string } }[]; itemStyle: { color: string } };

describe('the permit findings map layer', () => {
  it('draws one point per asset in its worst kind\'s colour, ringed once every finding of it is a case', () => {
    const points = permitPoints([f('a', 'expired', null), f('a', 'missing', 'found'), f('b', 'use_changed', 'closed')], (x) => x.kind);
    const series = buildPermitMapOption(points, (k) => k).series as Series[];
    const missing = series.find((s) => s.id === 'permits-missing') as Series;
    expect(missing.itemStyle.color).toBe(FINDING_COLORS.missing);
    expect(missing.data.map((d) => [d.key, d.detail, d.itemStyle])).toEqual([['building/420302/a', 'expired<br/>missing', undefined]]);
    expect((series.find((s) => s.id === 'permits-use_changed') as Series).data[0]?.itemStyle?.borderColor).toBe('#ffffff');
    expect((series.find((s) => s.id === 'permits-expired') as Series).data).toEqual([]);
  });

  it('no findings: the districts alone, every series empty', () => {
    const o = buildPermitMapOption(permitPoints([], () => ''), (k) => k);
    expect((o.series as Series[]).every((s) => s.data.length === 0)).toBe(true);
    expect((o.geo as { map: string }).map).toBe('shiyan');
  });
});
