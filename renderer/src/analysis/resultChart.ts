import type { SqlColumn, SqlResult } from '../../../analytics/common/analysis';
import type { ChartOption } from '../lib/chart.svelte';
import { RISK_COLORS, THEME } from '../panels/theme';

/** How a SQL answer is drawn. */
export type ChartKind = 'table' | 'line' | 'bar' | 'scatter' | 'map' | 'heatmap';

/** The most series a group column splits a chart into (the rest are left out, and said). */
export const MAX_GROUPS = 20;

/** Which columns a chart draws: x (time or category or number), the y columns, or lat/lon for a map. */
export interface ChartPick {
  kind: ChartKind;
  x: string | null;
  ys: string[];
  lat: string | null;
  lon: string | null;
  /** A map point's label (an asset, a title), when the answer has one. */
  label: string | null;
  /** A column whose values split the chart into one series each (a domain, a district, a priority); the heatmap's rows. */
  group?: string | null;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL)/i;
const TIME = /^(TIMESTAMP|DATE)/i;

export const isNumeric = (c: SqlColumn): boolean => NUMERIC.test(c.type);
export const isTime = (c: SqlColumn): boolean => TIME.test(c.type);
const named = (cols: SqlColumn[], re: RegExp): SqlColumn | undefined => cols.find((c) => re.test(c.name) && isNumeric(c));

/** The lat/lon columns of an answer, when it has a place (`lat`/`latitude`, `lon`/`lng`/`longitude`). */
export function placeColumns(cols: SqlColumn[]): { lat: string; lon: string } | null {
  const lat = named(cols, /^(lat|latitude|.*_lat)$/i);
  const lon = named(cols, /^(lon|lng|longitude|.*_lon|.*_lng)$/i);
  return lat && lon ? { lat: lat.name, lon: lon.name } : null;
}

/**
 * The chart an answer is best seen as, as the analyst would pick it: a time column and numbers →
 * a line over time; a place → a map; a category and numbers → bars; two numbers → a scatter; else
 * the table.
 */
export function defaultPick(cols: SqlColumn[], hint?: ChartKind): ChartPick {
  const nums = cols.filter(isNumeric);
  const time = cols.find(isTime);
  const place = placeColumns(cols);
  const text = cols.find((c) => !isNumeric(c) && !isTime(c));
  const label = text?.name ?? null;
  const base: ChartPick = { kind: 'table', x: null, ys: [], lat: place?.lat ?? null, lon: place?.lon ?? null, label };
  const measures = nums.filter((c) => c.name !== place?.lat && c.name !== place?.lon);
  // a question best read as a table (a row of KPIs) stays one; the analyst can still draw it
  if (hint === 'table') return base;
  const want = hint ?? null;
  if ((want === 'map' || (!want && place)) && place) return { ...base, kind: 'map', ys: measures.slice(0, 1).map((c) => c.name) };
  // over time per category (alarms per 10 minutes per priority, readings per district): one series per value
  if (time && text && measures.length > 0 && want === 'heatmap') {
    return { ...base, kind: 'heatmap', x: time.name, ys: measures.slice(0, 1).map((c) => c.name), group: text.name };
  }
  if (time && measures.length > 0 && (!want || want === 'line')) {
    return { ...base, kind: 'line', x: time.name, ys: measures.slice(0, text ? 1 : 4).map((c) => c.name), group: text?.name ?? null };
  }
  if (text && measures.length > 0 && (!want || want === 'bar')) {
    // a second category stacks the bars (hazards by stage, split by their deadline)
    const second = cols.find((c) => c !== text && !isNumeric(c) && !isTime(c));
    return { ...base, kind: 'bar', x: text.name, ys: measures.slice(0, second ? 1 : 4).map((c) => c.name), group: second?.name ?? null };
  }
  if (measures.length >= 2 && (!want || want === 'scatter')) return { ...base, kind: 'scatter', x: measures[0]?.name ?? null, ys: [measures[1]?.name ?? ''] };
  if (want && want !== 'map') {
    // the kind asked for, with the best columns there are
    const x = (want === 'line' ? time : want === 'bar' ? text ?? time : measures[0]) ?? cols[0];
    return { ...base, kind: want, x: x?.name ?? null, ys: measures.filter((c) => c.name !== x?.name).slice(0, 4).map((c) => c.name) };
  }
  return base;
}

/** What a pick can draw over these columns, and why not when it cannot (an i18n key). */
export function pickProblem(cols: SqlColumn[], p: ChartPick): string | null {
  if (p.kind === 'table') return null;
  const has = (n: string | null): boolean => n !== null && cols.some((c) => c.name === n);
  if (p.kind === 'map') return has(p.lat) && has(p.lon) ? null : 'wb_chart_needs_place';
  if (p.kind === 'heatmap' && !has(p.group ?? null)) return 'wb_chart_needs_group';
  if (!has(p.x)) return 'wb_chart_needs_x';
  if (p.ys.length === 0 || !p.ys.every(has)) return 'wb_chart_needs_y';
  if (!p.ys.every((y) => cols.find((c) => c.name === y && isNumeric(c)))) return 'wb_chart_needs_number';
  return null;
}

const num = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
};
/** A time cell: epoch milliseconds (the engine's JSON for times), or an ISO text. */
const timeOf = (v: unknown): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : null;
  }
  return null;
};
const PALETTE = [THEME.accent, THEME.accent2, RISK_COLORS.orange, RISK_COLORS.yellow, '#c792ea', '#ff6b9a'];

/**
 * The ECharts option of an answer drawn as `p` (null for the table). Axis names are the columns';
 * times on a time axis; rows whose cells are not numbers are left out of the chart (the table shows them).
 */
export function buildResultOption(r: Pick<SqlResult, 'columns' | 'rows'>, p: ChartPick, o: { title?: string; background?: string; label?: (column: string, value: string) => string } = {}): ChartOption | null {
  const named = (column: string | null | undefined, v: unknown): string => (o.label && column ? o.label(column, String(v ?? '')) : String(v ?? ''));
  if (p.kind === 'table' || pickProblem(r.columns, p) !== null) return null;
  const idx = (n: string | null): number => (n === null ? -1 : r.columns.findIndex((c) => c.name === n));
  const common = {
    animation: false,
    backgroundColor: o.background ?? THEME.background,
    textStyle: { fontFamily: THEME.font, color: THEME.text },
    color: PALETTE,
    title: o.title ? { text: o.title, left: 8, top: 4, textStyle: { color: THEME.text, fontSize: 14, fontWeight: 'normal' } } : undefined,
    tooltip: { trigger: p.kind === 'line' || p.kind === 'bar' ? 'axis' : 'item' },
  };
  if (p.kind === 'map') {
    const la = idx(p.lat);
    const lo = idx(p.lon);
    const va = p.ys[0] ? idx(p.ys[0]) : -1;
    const lb = idx(p.label);
    const data: { name: string; value: number[] }[] = [];
    for (const row of r.rows) {
      const lat = num(row[la]);
      const lon = num(row[lo]);
      if (lat === null || lon === null) continue;
      data.push({ name: lb >= 0 ? String(row[lb] ?? '') : '', value: [lon, lat, va >= 0 ? num(row[va]) ?? 0 : 1] });
    }
    return {
      ...common,
      geo: { map: 'shiyan', roam: true, itemStyle: { areaColor: RISK_COLORS.none, borderColor: THEME.panelBorder }, emphasis: { disabled: true }, label: { show: false } },
      series: [{ id: 'points', type: 'scatter', coordinateSystem: 'geo', data, symbolSize: 8, itemStyle: { color: THEME.accent } }],
    };
  }
  const xi = idx(p.x);
  const xCol = r.columns[xi];
  const gi = p.group ? idx(p.group) : -1;
  if (p.kind === 'heatmap') {
    const yi = idx(p.ys[0] ?? null);
    const xs = [...new Set(r.rows.map((row) => row[xi]))].sort((a, b) => (timeOf(a) ?? 0) - (timeOf(b) ?? 0));
    const gs = [...new Set(r.rows.map((row) => String(row[gi] ?? '')))].sort();
    const xAt = new Map(xs.map((x, i) => [x, i]));
    const gAt = new Map(gs.map((g, i) => [g, i]));
    const data: (number | null)[][] = r.rows.map((row) => [xAt.get(row[xi]) ?? 0, gAt.get(String(row[gi] ?? '')) ?? 0, num(row[yi])]);
    const values = data.map((d) => d[2]).filter((v): v is number => v !== null);
    const isT = xCol !== undefined && isTime(xCol);
    return {
      ...common, grid: { left: 110, right: 24, top: o.title ? 48 : 24, bottom: 80 },
      tooltip: { position: 'top' },
      xAxis: { type: 'category', data: xs.map((x) => (isT ? cellText(x, xCol) : String(x))), axisLabel: { color: THEME.textDim }, splitArea: { show: true } },
      yAxis: { type: 'category', data: gs.map((g) => named(p.group, g)), axisLabel: { color: THEME.textDim }, splitArea: { show: true } },
      visualMap: { min: values.length ? Math.min(...values) : 0, max: values.length ? Math.max(...values) : 1, calculable: true, orient: 'horizontal', left: 'center', bottom: 8, textStyle: { color: THEME.text },
        inRange: { color: ['#2a0d10', RISK_COLORS.orange, THEME.accent2] } },
      series: [{ type: 'heatmap', name: p.ys[0] ?? '', data }],
    };
  }
  /** Rows split by the group column's values (the first MAX_GROUPS), or all rows as one series. */
  const groups: { name: string | null; rows: unknown[][] }[] = (() => {
    if (gi < 0) return [{ name: null, rows: r.rows }];
    const m = new Map<string, unknown[][]>();
    for (const row of r.rows) {
      const g = String(row[gi] ?? '');
      const list = m.get(g);
      if (list) list.push(row);
      else if (m.size < MAX_GROUPS) m.set(g, [row]);
    }
    return [...m.entries()].map(([name, rows]) => ({ name, rows }));
  })();
  const timeAxis = p.kind === 'line' && xCol !== undefined && isTime(xCol);
  const axisStyle = { axisLine: { lineStyle: { color: THEME.grid } }, axisLabel: { color: THEME.textDim }, splitLine: { lineStyle: { color: THEME.grid } }, nameTextStyle: { color: THEME.textDim } };
  const grid = { left: 64, right: 24, top: o.title ? 48 : 32, bottom: 48 };
  const legend = { top: o.title ? 24 : 4, right: 8, textStyle: { color: THEME.text } };
  if (p.kind === 'scatter') {
    const yi = idx(p.ys[0] ?? null);
    const data: number[][] = [];
    for (const row of r.rows) {
      const x = num(row[xi]);
      const y = num(row[yi]);
      if (x !== null && y !== null) data.push([x, y]);
    }
    return {
      ...common, grid,
      xAxis: { type: 'value', name: p.x ?? '', scale: true, ...axisStyle },
      yAxis: { type: 'value', name: p.ys[0] ?? '', scale: true, ...axisStyle },
      series: [{ type: 'scatter', name: p.ys[0] ?? '', data, symbolSize: 5 }],
    };
  }
  if (p.kind === 'bar') {
    const cats = [...new Set(r.rows.map((row) => String(row[xi] ?? '')))];
    const at = (rows: unknown[][], yi: number): (number | null)[] => {
      const m = new Map(rows.map((row) => [String(row[xi] ?? ''), num(row[yi])]));
      return cats.map((c) => m.get(c) ?? null);
    };
    return {
      ...common, grid, legend,
      xAxis: { type: 'category', data: cats.map((c) => named(p.x, c)), name: p.x ?? '', ...axisStyle, axisLabel: { color: THEME.textDim, rotate: cats.length > 12 ? 40 : 0 } },
      yAxis: { type: 'value', ...axisStyle },
      series: groups.flatMap((g) => p.ys.map((y) => ({ type: 'bar', name: g.name === null ? y : named(p.group, g.name), stack: g.name === null ? undefined : 'groups', data: at(g.rows, idx(y)) }))),
    };
  }
  // a line: over time when x is a time, else over x as it comes
  const points = (y: string, rows: unknown[][]): (number | null)[][] => {
    const yi = idx(y);
    const out: (number | null)[][] = [];
    for (const row of rows) {
      const x = timeAxis ? timeOf(row[xi]) : num(row[xi]);
      if (x === null) continue;
      out.push([x, num(row[yi])]);
    }
    if (timeAxis) out.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    return out;
  };
  return {
    ...common, grid, legend,
    xAxis: { type: timeAxis ? 'time' : 'value', name: p.x ?? '', scale: true, ...axisStyle },
    yAxis: { type: 'value', scale: true, ...axisStyle },
    series: groups.flatMap((g) => p.ys.map((y) => ({ type: 'line', name: g.name === null ? y : named(p.group, g.name), data: points(y, g.rows), showSymbol: g.rows.length <= 1, connectNulls: false }))),
  };
}

/** A cell as the table shows it: times in local YYYY-MM-DD HH:mm:ss, nulls as an empty cell. */
export function cellText(v: unknown, c: SqlColumn | undefined): string {
  if (v === null || v === undefined) return '';
  if (c && isTime(c) && typeof v === 'number') {
    const d = new Date(v);
    const p2 = (n: number): string => String(n).padStart(2, '0');
    const base = `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
    if (/^DATE$/i.test(c.type)) return base;
    const ms = d.getMilliseconds();
    return `${base} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}${ms ? `.${String(ms).padStart(3, '0')}` : ''}`;
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
