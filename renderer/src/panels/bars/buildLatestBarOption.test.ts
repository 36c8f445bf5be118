import { describe, expect, it } from 'vitest';
import { RISK_COLORS, THEME } from '../theme';
import { buildLatestBarOption } from './buildLatestBarOption';

describe('buildLatestBarOption', () => {
  type BarOpt = { yAxis: { data: string[] }; series: { data: { value: number; itemStyle: { color: string } }[] }[]; graphic: unknown[] };
  const th = [{ value: 25, label: '一级', severity: 'orange' as const }, { value: 50, label: '二级', severity: 'red' as const }];

  it('shows the top values, highest on top, coloured by the threshold they pass', () => {
    const rows = Array.from({ length: 15 }, (_, i) => ({ label: `a${i}`, value: i * 4, key: `k${i}` }));
    const b = buildLatestBarOption(rows, th, '%LEL', false, '暂无数据') as unknown as BarOpt;
    expect(b.yAxis.data).toEqual(['a5', 'a6', 'a7', 'a8', 'a9', 'a10', 'a11', 'a12', 'a13', 'a14']);
    const colors = b.series[0]?.data.map((d) => d.itemStyle.color);
    expect(colors?.at(-1)).toBe(RISK_COLORS.red); // 56
    expect(colors?.[2]).toBe(RISK_COLORS.orange); // 28
    expect(colors?.[0]).toBe(THEME.accent2); // 20
  });

  it('says "no data" when empty, ignores non-finite values, and greys stale data', () => {
    expect((buildLatestBarOption([], th, 'u', false, '暂无数据') as unknown as BarOpt).graphic).toHaveLength(1);
    const b = buildLatestBarOption([{ label: 'x', value: Infinity, key: 'x' }, { label: 'y', value: 60, key: 'y' }], th, 'u', true, '-') as unknown as BarOpt;
    expect(b.yAxis.data).toEqual(['y']);
    expect(b.series[0]?.data[0]?.itemStyle.color).toBe(THEME.stale);
  });
});
