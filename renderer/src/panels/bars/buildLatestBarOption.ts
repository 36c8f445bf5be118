import type { ChartOption } from '../../lib/chart.svelte';
import type { Threshold } from '../metricPanel';
import { RISK_COLORS, THEME } from '../theme';
import type { LatestRow } from './definition';

/** The assets with the highest current value of a metric, coloured by the threshold they pass. */
export function buildLatestBarOption(rows: LatestRow[], thresholds: Threshold[], unit: string, stale: boolean, noDataText: string, limit = 10): ChartOption {
  const top = rows.filter((r) => Number.isFinite(r.value)).sort((a, b) => b.value - a.value).slice(0, limit).reverse();
  const sorted = [...thresholds].sort((a, b) => b.value - a.value);
  const colorOf = (v: number): string => {
    if (stale) return THEME.stale;
    const hit = sorted.find((t) => v >= t.value);
    return hit ? RISK_COLORS[hit.severity] : THEME.accent2;
  };
  return {
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 230, right: 80, top: 8, bottom: 8 },
    xAxis: { type: 'value', show: false, max: (v: { max: number }) => Math.max(v.max, ...thresholds.map((t) => t.value)) },
    yAxis: { type: 'category', data: top.map((r) => r.label), axisLabel: { color: THEME.text, fontSize: 15, fontFamily: THEME.font, width: 215, overflow: 'truncate' }, axisLine: { show: false }, axisTick: { show: false } },
    series: [{
      id: 'latest', type: 'bar', barMaxWidth: 18,
      data: top.map((r) => ({ value: r.value, key: r.key, itemStyle: { color: colorOf(r.value) } })),
      label: { show: true, position: 'right', color: THEME.text, fontSize: 15, formatter: (p: { value: number }) => `${p.value} ${unit}` },
    }],
    graphic: top.length === 0 ? [{ type: 'text', left: 'center', top: 'middle', style: { text: noDataText, fill: THEME.textDim, fontSize: 20 } }] : [],
  };
}
