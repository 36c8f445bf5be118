import type { ChartOption } from '../../lib/chart.svelte';
import type { Threshold } from '../metricPanel';
import { THEME, RISK_COLORS } from '../theme';

export interface TrendData {
  t: number[];
  avg: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export interface TrendOptions {
  unit: string;
  thresholds: Threshold[];
  stale: boolean;
  noDataText: string;
  staleText: string;
  /** The length of one bucket of the series (ms): a bucket's time is its start. */
  bucketMs: number;
  /** Engine time when the answer was drawn (ms). */
  nowMs: number;
  /** The window the panel shows, ending at now (ms): the time axis spans it whatever the data (a lone reading sits at its time, not in the middle). */
  windowMs?: number;
}

/**
 * Where a bucket is drawn: at its end, when its last reading can have come, and the bucket still
 * filling at now. Drawn at its start, the newest value would sit up to a bucket behind "now" and
 * a live line would look stale.
 */
export function drawnAtMs(bucketStartMs: number, bucketMs: number, nowMs: number): number {
  return Math.max(bucketStartMs, Math.min(bucketStartMs + bucketMs, nowMs));
}

/** Points with no value on either side: a line through them draws nothing, so they get a dot. */
function isolated(ys: (number | null)[], i: number): boolean {
  return ys[i] !== null && ys[i] !== undefined && (ys[i - 1] ?? null) === null && (ys[i + 1] ?? null) === null;
}

/** Columns from the `series` query, checked: anything not a finite number becomes a gap. */
export function trendData(columns: Record<string, unknown[]> | undefined): TrendData {
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const t = (columns?.['t'] ?? []).map((v) => Number(v));
  return {
    t,
    avg: (columns?.['avg'] ?? []).map(num),
    min: (columns?.['min'] ?? []).map(num),
    max: (columns?.['max'] ?? []).map(num),
  };
}

/**
 * A metric over time: the mean, the min–max band, the thresholds as lines in their national colour.
 * No data is an ordinary result (an empty chart that says so); stale data is drawn grey and labelled.
 */
export function buildTrendOption(d: TrendData, o: TrendOptions): ChartOption {
  const empty = d.t.length === 0 || d.avg.every((v) => v === null);
  const line = o.stale ? THEME.stale : THEME.accent;
  const at = d.t.map((t) => drawnAtMs(t, o.bucketMs, o.nowMs));
  const pairs = (ys: (number | null)[]): [number, number | null][] => at.map((t, i) => [t, ys[i] ?? null]);
  // a single reading (or one between gaps) is a dot, so the operator sees a value rather than an empty chart
  const avg = pairs(d.avg).map((p, i) => (isolated(d.avg, i) ? { value: p, symbol: 'circle', symbolSize: 8, itemStyle: { color: line } } : p));
  const lower = pairs(d.min);
  const band = at.map((t, i): [number, number | null] => {
    const lo = d.min[i];
    const hi = d.max[i];
    return [t, lo === null || lo === undefined || hi === null || hi === undefined ? null : hi - lo];
  });
  const values = [...d.min, ...d.max, ...o.thresholds.map((x) => x.value)].filter((v): v is number => v !== null);
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { fontFamily: THEME.font, color: THEME.text },
    grid: { left: 64, right: 16, top: 24, bottom: 28 },
    xAxis: {
      type: 'time', axisLine: { lineStyle: { color: THEME.grid } }, axisLabel: { color: THEME.textDim, fontSize: 14, hideOverlap: true }, splitLine: { show: false },
      ...(o.windowMs !== undefined ? { min: o.nowMs - o.windowMs, max: o.nowMs } : {}),
    },
    yAxis: {
      type: 'value', scale: true, name: o.unit, nameTextStyle: { color: THEME.textDim, fontSize: 13 },
      axisLabel: { color: THEME.textDim, fontSize: 14 }, splitLine: { lineStyle: { color: THEME.grid } },
      ...(values.length > 0 ? { min: (v: { min: number }) => Math.min(v.min, ...values), max: (v: { max: number }) => Math.max(v.max, ...values) } : {}),
    },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toPrecision(4)} ${o.unit}` : '—') },
    series: [
      { id: 'lower', type: 'line', data: lower, stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, silent: true },
      { id: 'band', type: 'line', data: band, stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: line, opacity: 0.15 }, silent: true },
      {
        id: 'avg', type: 'line', data: avg, symbol: 'none', connectNulls: false, lineStyle: { color: line, width: 2 },
        markLine: {
          symbol: 'none', silent: true,
          data: o.thresholds.map((x) => ({ yAxis: x.value, lineStyle: { color: RISK_COLORS[x.severity], type: 'dashed', width: 2 }, label: { formatter: x.label, color: RISK_COLORS[x.severity], position: 'insideEndTop', fontSize: 13 } })),
        },
      },
    ],
    graphic: empty || o.stale ? [{
      type: 'text', left: 'center', top: 'middle', silent: true,
      style: { text: empty ? o.noDataText : o.staleText, fill: empty ? THEME.textDim : '#ffb4b4', fontSize: 22, fontWeight: 'bold', fontFamily: THEME.font },
    }] : [],
  };
}
