import type { CorrelationCluster } from '../../../analytics/common/analysis';
import type { ChartOption } from '../lib/chart.svelte';
import { RISK_COLORS, THEME } from '../panels/theme';

const DOMAIN_COLOURS = ['#35c2ff', '#7ee0a1', '#ff8c1a', '#f2d31b', '#c792ea', '#ff6b9a', '#4dd0e1', '#aed581', '#ffb74d', '#90a4ae', '#f48fb1', '#9fa8da', '#80cbc4', '#e6ee9c'];

/** A probability said briefly: 3 significant digits, tiny ones as < 0.001. */
export function pValueText(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p < 0.001) return '< 0.001';
  return p.toPrecision(2);
}

/**
 * The clusters' members on the map of Shiyan, coloured by domain; the chosen cluster's members
 * large and linked to their centre, the others small and dim.
 */
export function clusterMapOption(clusters: readonly CorrelationCluster[], chosen: string | null, domainLabel: (d: string) => string): ChartOption {
  const domains = [...new Set(clusters.flatMap((c) => c.members.map((m) => m.domain)))].sort();
  const colour = (d: string): string => DOMAIN_COLOURS[domains.indexOf(d) % DOMAIN_COLOURS.length] ?? THEME.accent;
  const current = clusters.find((c) => c.id === chosen) ?? null;
  const lines = current ? current.members.map((m) => ({ coords: [[current.centroid.lon, current.centroid.lat], [m.lon, m.lat]] })) : [];
  return {
    animation: false,
    backgroundColor: THEME.background,
    textStyle: { fontFamily: THEME.font, color: THEME.text },
    tooltip: { trigger: 'item' },
    legend: { top: 4, left: 8, textStyle: { color: THEME.text }, data: domains.map(domainLabel) },
    geo: {
      map: 'shiyan', roam: true, itemStyle: { areaColor: RISK_COLORS.none, borderColor: THEME.panelBorder }, emphasis: { disabled: true }, label: { show: false },
      ...(current ? { center: [current.centroid.lon, current.centroid.lat], zoom: 6 } : {}),
    },
    series: [
      ...domains.map((d) => ({
        type: 'scatter', name: domainLabel(d), coordinateSystem: 'geo', itemStyle: { color: colour(d) },
        data: clusters.flatMap((c) => c.members.filter((m) => m.domain === d).map((m) => ({
          name: m.what, value: [m.lon, m.lat], symbolSize: c.id === chosen ? 14 : 6, itemStyle: { opacity: c.id === chosen ? 1 : 0.4 },
        }))),
      })),
      { id: 'links', type: 'lines', coordinateSystem: 'geo', data: lines, lineStyle: { color: THEME.text, width: 1, opacity: 0.6 }, silent: true },
    ],
  };
}
