import { describe, expect, it } from 'vitest';
import { RISK_COLORS, THEME } from '../theme';
import { buildTrendOption, trendData, type TrendOptions } from './buildTrendOption';

const opts: TrendOptions = {
  unit: '%LEL', stale: false, noDataText: '暂无数据', staleText: '数据陈旧',
  thresholds: [{ value: 25, label: '一级', severity: 'orange' }, { value: 50, label: '二级', severity: 'red' }],
};
type Opt = { series: { id: string; data: unknown[]; lineStyle?: { color?: string }; markLine?: { data: { yAxis: number; lineStyle: { color: string } }[] } }[]; graphic: { style: { text: string } }[] };
const o = (x: unknown): Opt => x as Opt;

describe('buildTrendOption', () => {
  it('draws the mean, the band and the thresholds in their national colours', () => {
    const d = trendData({ t: [1000, 2000], avg: [10, 30], min: [5, 20], max: [15, 40] });
    const opt = o(buildTrendOption(d, opts));
    const avg = opt.series.find((s) => s.id === 'avg');
    expect(avg?.data).toEqual([[1000, 10], [2000, 30]]);
    expect(avg?.lineStyle?.color).toBe(THEME.accent);
    expect(avg?.markLine?.data.map((m) => [m.yAxis, m.lineStyle.color])).toEqual([[25, RISK_COLORS.orange], [50, RISK_COLORS.red]]);
    expect(opt.series.find((s) => s.id === 'band')?.data).toEqual([[1000, 10], [2000, 20]]);
    expect(opt.graphic).toEqual([]);
  });

  it('says "no data" for an empty result, and for a result of gaps only', () => {
    expect(o(buildTrendOption(trendData(undefined), opts)).graphic[0]?.style.text).toBe('暂无数据');
    expect(o(buildTrendOption(trendData({ t: [1], avg: [null], min: [null], max: [null] }), opts)).graphic[0]?.style.text).toBe('暂无数据');
  });

  it('draws stale data grey and labels it', () => {
    const opt = o(buildTrendOption(trendData({ t: [1], avg: [3], min: [3], max: [3] }), { ...opts, stale: true }));
    expect(opt.series.find((s) => s.id === 'avg')?.lineStyle?.color).toBe(THEME.stale);
    expect(opt.graphic[0]?.style.text).toBe('数据陈旧');
  });

  it('turns anything that is not a finite number into a gap', () => {
    const d = trendData({ t: [1, 2, 3, 4], avg: [1e308, 'x', null, -1e-300], min: [Infinity, 1, 2, 3], max: [NaN, 1, 2, 3] });
    expect(d.avg).toEqual([1e308, null, null, -1e-300]);
    expect(d.min).toEqual([null, 1, 2, 3]);
    const band = o(buildTrendOption(d, opts)).series.find((s) => s.id === 'band')?.data;
    expect(band).toEqual([[1, null], [2, 0], [3, 0], [4, 0]]);
  });
});
