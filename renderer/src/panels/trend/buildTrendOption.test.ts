import { describe, expect, it } from 'vitest';
import { RISK_COLORS, THEME } from '../theme';
import * as echarts from 'echarts';
import { buildTrendOption, drawnAtMs, trendData, type TrendOptions } from './buildTrendOption';

const opts: TrendOptions = {
  unit: '%LEL', stale: false, noDataText: '暂无数据', staleText: '数据陈旧', bucketMs: 1000, nowMs: 10_000,
  thresholds: [{ value: 25, label: '一级', severity: 'orange' }, { value: 50, label: '二级', severity: 'red' }],
};
type Opt = { series: { id: string; data: unknown[]; lineStyle?: { color?: string }; markLine?: { data: { yAxis: number; lineStyle: { color: string } }[] } }[]; graphic: { style: { text: string } }[] };
const o = (x: unknown): Opt => x as Opt;

describe('buildTrendOption', () => {
  it('draws the mean, the band and the thresholds in their national colours', () => {
    const d = trendData({ t: [1000, 2000], avg: [10, 30], min: [5, 20], max: [15, 40] });
    const opt = o(buildTrendOption(d, opts));
    const avg = opt.series.find((s) => s.id === 'avg');
    expect(avg?.data).toEqual([[2000, 10], [3000, 30]]);
    expect(avg?.lineStyle?.color).toBe(THEME.accent);
    expect(avg?.markLine?.data.map((m) => [m.yAxis, m.lineStyle.color])).toEqual([[25, RISK_COLORS.orange], [50, RISK_COLORS.red]]);
    expect(opt.series.find((s) => s.id === 'band')?.data).toEqual([[2000, 10], [3000, 20]]);
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
    expect(band).toEqual([[1001, null], [1002, 0], [1003, 0], [1004, 0]]);
  });

  it('draws each minute at its end, and the minute still filling at now, so the line reaches the present', () => {
    const start = 1_700_000_000_000 - (1_700_000_000_000 % 60_000);
    const now = start + 2 * 60_000 + 25_000;
    // three 1-minute buckets: two complete, the newest 25 s old
    const d = trendData({ t: [start, start + 60_000, start + 120_000], avg: [1, 2, 3], min: [1, 2, 3], max: [1, 2, 3] });
    const avg = o(buildTrendOption(d, { ...opts, bucketMs: 60_000, nowMs: now })).series.find((s) => s.id === 'avg')?.data as [number, number][];
    expect(avg.map((p) => p[0])).toEqual([start + 60_000, start + 120_000, now]);
    expect(avg.at(-1)?.[0]).toBe(now);
    // an hourly bucket never runs ahead of now, nor behind its own start
    expect(drawnAtMs(start, 3_600_000, start + 10_000)).toBe(start + 10_000);
    expect(drawnAtMs(start, 3_600_000, start - 5)).toBe(start);
  });

  it('spans the time axis over the window the panel shows, ending now, so a lone reading sits at its time and not in the middle', () => {
    const d = trendData({ t: [9_000], avg: [70], min: [70], max: [70] });
    const x = (buildTrendOption(d, { ...opts, windowMs: 86_400_000 }) as { xAxis: { min?: number; max?: number } }).xAxis;
    expect([x.min, x.max]).toEqual([10_000 - 86_400_000, 10_000]);
    expect((buildTrendOption(d, opts) as { xAxis: { min?: number } }).xAxis.min).toBeUndefined();
  });

  it('shows a single reading as a dot (a line through one point draws nothing)', () => {
    const d = trendData({ t: [5000], avg: [42], min: [42], max: [42] });
    const opt = o(buildTrendOption(d, { ...opts, bucketMs: 10_000, nowMs: 9000 }));
    expect(opt.series.find((s) => s.id === 'avg')?.data).toEqual([{ value: [9000, 42], symbol: 'circle', symbolSize: 8, itemStyle: { color: THEME.accent } }]);
    expect(opt.graphic).toEqual([]);
    // and ECharts really draws it: one circle for the one reading, with the thresholds' lines beside it
    const chart = echarts.init(null, undefined, { renderer: 'svg', ssr: true, width: 400, height: 200 });
    chart.setOption(buildTrendOption(d, { ...opts, thresholds: [], bucketMs: 10_000, nowMs: 9000 }));
    const svg = chart.renderToSVGString();
    chart.dispose();
    // the mean is the third series; its one reading is a filled symbol in the line's colour
    const drawn = svg.match(/<path [^>]*ecmeta_series_index="2" ecmeta_data_index="0"[^>]*>/g) ?? [];
    expect(drawn).toHaveLength(1);
    expect(drawn[0]).toContain(`fill="${THEME.accent}"`);
  });

  it('keeps a line without dots once there are neighbours, and dots a reading between gaps', () => {
    const d = trendData({ t: [0, 10_000, 20_000, 30_000], avg: [1, 2, null, 4], min: [1, 2, null, 4], max: [1, 2, null, 4] });
    const data = o(buildTrendOption(d, { ...opts, bucketMs: 10_000, nowMs: 1e6 })).series.find((s) => s.id === 'avg')?.data;
    expect(data?.slice(0, 3)).toEqual([[10_000, 1], [20_000, 2], [30_000, null]]);
    expect(data?.[3]).toMatchObject({ value: [40_000, 4], symbol: 'circle' });
  });
});
