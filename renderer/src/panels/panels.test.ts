import { describe, expect, it } from 'vitest';
import { buildLatestBarOption } from './bars/buildLatestBarOption';
import { buildDistrictMapOption, levelFromCounts } from './map/buildDistrictMapOption';
import { RISK_COLORS, THEME } from './theme';
import { buildTrendOption, trendData, type TrendOptions } from './trend/buildTrendOption';

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

describe('buildDistrictMapOption', () => {
  const districts = [
    { code: '420302', name: '茅箭区', level: levelFromCounts({ red: 0, orange: 2, yellow: 5, blue: 1 }), detail: '' },
    { code: '420303', name: '张湾区', level: levelFromCounts({ red: 0, orange: 0, yellow: 0, blue: 0 }), detail: '' },
  ];
  type MapOpt = { geo: { regions: { name: string; itemStyle: { areaColor: string } }[] }; series: { id: string; data: unknown[] }[] };

  it('colours each district by its highest level', () => {
    expect(districts.map((d) => d.level)).toEqual(['orange', 'none']);
    const m = buildDistrictMapOption(districts, [], false) as unknown as MapOpt;
    expect(m.geo.regions).toMatchObject([{ name: '茅箭区', itemStyle: { areaColor: RISK_COLORS.orange } }, { name: '张湾区', itemStyle: { areaColor: RISK_COLORS.none } }]);
  });

  it('colours assets by their risk and rings the ones with a standing alarm', () => {
    const markers = [
      { name: 'a', lon: 110.8, lat: 32.6, key: 'gas/420302/a', level: 'red' as const, alarm: true },
      { name: 'b', lon: 110.9, lat: 32.6, key: 'gas/420302/b', level: 'yellow' as const },
      { name: 'c', lon: 110.7, lat: 32.6, key: 'gas/420302/c', level: 'none' as const },
    ];
    const m = buildDistrictMapOption(districts, markers, false) as unknown as { series: { id: string; data: { key: string; alarm: boolean; itemStyle: { color: string; borderColor: string } }[]; symbolSize: (v: unknown, p: { data: unknown }) => number }[] };
    const s = m.series.find((x) => x.id === 'assets');
    expect(s?.data.map((d) => [d.key, d.itemStyle.color, d.itemStyle.borderColor])).toEqual([
      ['gas/420302/a', RISK_COLORS.red, '#ffffff'], ['gas/420302/b', RISK_COLORS.yellow, '#000'], ['gas/420302/c', '#9fd3ff', '#000'],
    ]);
    expect(s?.data.map((d) => s.symbolSize(null, { data: d }))).toEqual([16, 5, 4]);
  });

  it('draws everything grey when the data is stale, and works with no assets', () => {
    const m = buildDistrictMapOption(districts, [], true) as unknown as MapOpt;
    expect(m.geo.regions.every((r) => r.itemStyle.areaColor === THEME.stale)).toBe(true);
    expect(m.series.find((s) => s.id === 'assets')?.data).toEqual([]);
  });
});

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
