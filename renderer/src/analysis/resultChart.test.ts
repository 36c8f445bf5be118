import * as echarts from 'echarts';
import { describe, expect, it } from 'vitest';
import { buildResultOption, cellText, defaultPick, pickProblem, placeColumns } from './resultChart';
import { QueryHistory, HISTORY_MAX } from './queryHistory';

const T0 = Date.UTC(2026, 10, 27, 0, 0);
const overTime = {
  columns: [{ name: 'minute', type: 'TIMESTAMP WITH TIME ZONE' }, { name: 'alarms', type: 'BIGINT' }, { name: 'mean_lel', type: 'DOUBLE' }],
  rows: [[T0 + 120_000, 3, 1.5], [T0, 1, null], [T0 + 60_000, '2', 2.5]],
};

describe('a SQL answer drawn as the analyst would pick it', () => {
  it('draws a time column and numbers as lines over time, in time order, numbers from text too', () => {
    const p = defaultPick(overTime.columns);
    expect(p).toMatchObject({ kind: 'line', x: 'minute', ys: ['alarms', 'mean_lel'] });
    const o = buildResultOption(overTime, p) as { xAxis: { type: string }; series: { data: unknown[][] }[] };
    expect(o.xAxis.type).toBe('time');
    expect(o.series[0]?.data).toEqual([[T0, 1], [T0 + 60_000, 2], [T0 + 120_000, 3]]);
    // a missing value is a gap, not a zero
    expect(o.series[1]?.data).toEqual([[T0, null], [T0 + 60_000, 2.5], [T0 + 120_000, 1.5]]);
  });

  it('draws a category and numbers as bars, two numbers as a scatter, a place as a map', () => {
    const bars = { columns: [{ name: 'asset', type: 'VARCHAR' }, { name: 'alarms', type: 'BIGINT' }], rows: [['a1', 5], ['a2', 3]] };
    const b = defaultPick(bars.columns);
    expect(b).toMatchObject({ kind: 'bar', x: 'asset', ys: ['alarms'] });
    expect((buildResultOption(bars, b) as { xAxis: { data: string[] } }).xAxis.data).toEqual(['a1', 'a2']);
    const sc = defaultPick([{ name: 'flow', type: 'DOUBLE' }, { name: 'pressure', type: 'DOUBLE' }]);
    expect(sc).toMatchObject({ kind: 'scatter', x: 'flow', ys: ['pressure'] });
    const places = {
      columns: [{ name: 'title', type: 'VARCHAR' }, { name: 'lat', type: 'DOUBLE' }, { name: 'lon', type: 'DOUBLE' }, { name: 'n', type: 'INTEGER' }],
      rows: [['爆管', 32.63, 110.79, 2], ['no place', null, null, 1]],
    };
    expect(placeColumns(places.columns)).toEqual({ lat: 'lat', lon: 'lon' });
    const m = defaultPick(places.columns);
    expect(m).toMatchObject({ kind: 'map', lat: 'lat', lon: 'lon', label: 'title', ys: ['n'] });
    const o = buildResultOption(places, m) as { geo: { map: string }; series: { data: { name: string; value: number[] }[] }[] };
    expect(o.geo.map).toBe('shiyan');
    // the row without a place is left out of the map (the table still has it)
    expect(o.series[0]?.data).toEqual([{ name: '爆管', value: [110.79, 32.63, 2] }]);
  });

  it('says why a chart cannot be drawn instead of drawing nonsense', () => {
    const cols = [{ name: 'domain', type: 'VARCHAR' }, { name: 'note', type: 'VARCHAR' }];
    expect(defaultPick(cols).kind).toBe('table');
    expect(pickProblem(cols, { kind: 'map', x: null, ys: [], lat: null, lon: null, label: null })).toBe('wb_chart_needs_place');
    expect(pickProblem(cols, { kind: 'bar', x: 'domain', ys: ['note'], lat: null, lon: null, label: null })).toBe('wb_chart_needs_number');
    expect(pickProblem(cols, { kind: 'line', x: 'gone', ys: ['note'], lat: null, lon: null, label: null })).toBe('wb_chart_needs_x');
    expect(buildResultOption({ columns: cols, rows: [] }, { kind: 'bar', x: 'domain', ys: ['note'], lat: null, lon: null, label: null })).toBeNull();
  });

  it('renders in ECharts (SVG) with every point of the answer', () => {
    const chart = echarts.init(null, undefined, { renderer: 'svg', ssr: true, width: 500, height: 300 });
    chart.setOption(buildResultOption(overTime, defaultPick(overTime.columns)) ?? {});
    const svg = chart.renderToSVGString();
    chart.dispose();
    expect(svg).toContain('<svg');
    // the two lines are drawn as paths
    expect((svg.match(/ecmeta_series_index="0"/g) ?? []).length).toBeGreaterThan(0);
    expect((svg.match(/ecmeta_series_index="1"/g) ?? []).length).toBeGreaterThan(0);
  });

  it('shows times as local date and time, nulls empty, nested values as JSON', () => {
    const d = new Date(2026, 0, 5, 3, 4, 5);
    expect(cellText(d.getTime(), { name: 't', type: 'TIMESTAMP WITH TIME ZONE' })).toBe('2026-01-05 03:04:05');
    expect(cellText(null, { name: 't', type: 'VARCHAR' })).toBe('');
    expect(cellText({ a: [1] }, { name: 's', type: 'STRUCT(a INTEGER[])' })).toBe('{"a":[1]}');
  });
});

describe('the query history on the workstation', () => {
  const memory = (): { getItem: (k: string) => string | null; setItem: (k: string, v: string) => void; data: Map<string, string> } => {
    const data = new Map<string, string>();
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
  };

  it('keeps the newest first, a statement run again once, and at most HISTORY_MAX', () => {
    const s = memory();
    const h = new QueryHistory(s);
    h.add({ sql: 'SELECT 1', atMs: 1, outcome: { rows: 1, truncated: false, ms: 3 } });
    h.add({ sql: 'SELECT 2', atMs: 2, outcome: { refused: 'write' } });
    const list = h.add({ sql: ' SELECT 1 ', atMs: 3, outcome: { rows: 1, truncated: false, ms: 2 } });
    expect(list.map((e) => [e.sql, e.atMs])).toEqual([['SELECT 1', 3], ['SELECT 2', 2]]);
    for (let i = 0; i < HISTORY_MAX + 20; i++) h.add({ sql: `SELECT ${i + 10}`, atMs: i, outcome: { rows: 0, truncated: false, ms: 0 } });
    expect(h.list()).toHaveLength(HISTORY_MAX);
    expect(h.list()[0]?.sql).toBe(`SELECT ${HISTORY_MAX + 29}`);
  });

  it('reads a damaged or foreign history as empty, and survives a full storage', () => {
    const s = memory();
    s.data.set('cityops.analysis.history', '{"not":"a list"');
    expect(new QueryHistory(s).list()).toEqual([]);
    s.data.set('cityops.analysis.history', JSON.stringify([{ sql: 1 }, { sql: 'SELECT 1', atMs: 1, outcome: { rows: 1, truncated: false, ms: 1 } }]));
    expect(new QueryHistory(s).list()).toHaveLength(1);
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(new QueryHistory(full).add({ sql: 'SELECT 1', atMs: 1, outcome: { refused: 'x' } })).toHaveLength(1);
    expect(new QueryHistory(null).list()).toEqual([]);
  });
});

describe('an answer over time per category', () => {
  const perPriority = {
    columns: [{ name: 'bucket', type: 'TIMESTAMP WITH TIME ZONE' }, { name: 'priority', type: 'VARCHAR' }, { name: 'alarms', type: 'BIGINT' }],
    rows: [[T0, 'critical', 2], [T0, 'high', 5], [T0 + 600_000, 'high', 7], [T0 + 600_000, 'critical', 1]],
  };

  it('draws one line per category value', () => {
    const p = defaultPick(perPriority.columns);
    expect(p).toMatchObject({ kind: 'line', x: 'bucket', ys: ['alarms'], group: 'priority' });
    const o = buildResultOption(perPriority, p) as { series: { name: string; data: unknown[][] }[] };
    expect(o.series.map((s) => [s.name, s.data])).toEqual([['critical', [[T0, 2], [T0 + 600_000, 1]]], ['high', [[T0, 5], [T0 + 600_000, 7]]]]);
  });

  it('draws a heatmap of time × category (a silent feed is a dark cell)', () => {
    const p = defaultPick(perPriority.columns, 'heatmap');
    expect(p).toMatchObject({ kind: 'heatmap', x: 'bucket', group: 'priority', ys: ['alarms'] });
    const o = buildResultOption(perPriority, p) as { yAxis: { data: string[] }; xAxis: { data: string[] }; series: { data: number[][] }[] };
    expect(o.yAxis.data).toEqual(['critical', 'high']);
    expect(o.xAxis.data).toHaveLength(2);
    expect(o.series[0]?.data).toEqual([[0, 0, 2], [0, 1, 5], [1, 1, 7], [1, 0, 1]]);
    expect(pickProblem(perPriority.columns, { ...p, group: null })).toBe('wb_chart_needs_group');
  });

  it('stacks bars by a second category (hazards by stage, split by deadline)', () => {
    const cols = [{ name: 'stage', type: 'VARCHAR' }, { name: 'deadline', type: 'VARCHAR' }, { name: 'hazards', type: 'BIGINT' }];
    expect(defaultPick(cols, 'bar')).toMatchObject({ kind: 'bar', x: 'stage', group: 'deadline', ys: ['hazards'] });
  });

  it('stacks grouped bars on the same categories', () => {
    const cols = [{ name: 'district', type: 'VARCHAR' }, { name: 'colour', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }];
    const rows = [['茅箭区', 'red', 1], ['张湾区', 'orange', 2], ['茅箭区', 'orange', 3]];
    const o = buildResultOption({ columns: cols, rows }, { kind: 'bar', x: 'district', ys: ['n'], lat: null, lon: null, label: null, group: 'colour' }) as { xAxis: { data: string[] }; series: { name: string; data: unknown[]; stack: string }[] };
    expect(o.xAxis.data).toEqual(['茅箭区', '张湾区']);
    expect(o.series.map((s) => [s.name, s.data, s.stack])).toEqual([['red', [1, null], 'groups'], ['orange', [3, 2], 'groups']]);
  });
});

describe('category values named in the page\'s language', () => {
  it('names domains, priorities and colours in a chart, and leaves other values as they are', async () => {
    const { valueLabel } = await import('./valueLabel');
    expect(valueLabel('zh', 'domain', 'water')).toBe('供水');
    expect(valueLabel('en', 'a_domain', 'road')).toBe('Roads');
    expect(valueLabel('zh', 'priority', 'critical')).toBe('紧急');
    expect(valueLabel('zh', 'severity', 'red')).toBe('重大');
    expect(valueLabel('zh', 'asset', 'water')).toBe('water');
    expect(valueLabel('zh', 'domain', '__proto__')).toBe('__proto__');
    expect(valueLabel('zh', 'stage', 'dispatched')).toBe('已派发');
    expect(valueLabel('zh', 'deadline', 'overdue')).toBe('已逾期');
    expect(valueLabel('zh', 'district', '420302')).toBe('茅箭区');
    expect(valueLabel('zh', 'feed', 'gas/420303')).toBe('燃气·张湾区');
    expect(valueLabel('zh', 'feed', 'gas/4203')).toBe('gas/4203');
    const o = buildResultOption({ columns: [{ name: 'domain', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }], rows: [['gas', 1]] },
      { kind: 'bar', x: 'domain', ys: ['n'], lat: null, lon: null, label: null }, { label: (c, v) => valueLabel('zh', c, v) }) as { xAxis: { data: string[] } };
    expect(o.xAxis.data).toEqual(['燃气']);
  });
});

describe('a question best read as a table', () => {
  it('stays a table when its ready question says so (a row of KPIs is no scatter)', () => {
    const cols = [{ name: 'alarms_raised', type: 'BIGINT' }, { name: 'avg_per_10_min', type: 'DOUBLE' }];
    expect(defaultPick(cols).kind).toBe('scatter');
    expect(defaultPick(cols, 'table').kind).toBe('table');
  });
});
