import type { ChartOption } from '../../lib/chart.svelte';
import { RISK_COLORS, THEME, type RiskLevel } from '../theme';

export interface DistrictRisk {
  code: string;
  name: string;
  level: RiskLevel;
  detail: string;
}

export interface AssetMarker {
  name: string;
  lon: number;
  lat: number;
  /** The asset's risk colour ('none' when the register does not know it yet). */
  level: RiskLevel;
  key: string;
  /** A standing alarm: drawn larger, ringed. */
  alarm?: boolean;
}

/** The highest severity among event counts: the district's colour until the risk register exists. */
export function levelFromCounts(c: { red: number; orange: number; yellow: number; blue: number }): RiskLevel {
  if (c.red > 0) return 'red';
  if (c.orange > 0) return 'orange';
  if (c.yellow > 0) return 'yellow';
  if (c.blue > 0) return 'blue';
  return 'none';
}

/** Shiyan's districts in the four risk colours, with asset markers; stale data is drawn grey. */
export function buildDistrictMapOption(districts: DistrictRisk[], assets: AssetMarker[], stale: boolean, labelOf: (name: string) => string = (n) => n): ChartOption {
  const color = (l: RiskLevel): string => (stale ? THEME.stale : RISK_COLORS[l]);
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'item', formatter: (p: { name: string; data?: { detail?: string } }) => `${p.name}${p.data?.detail ? `<br/>${p.data.detail}` : ''}` },
    geo: {
      map: 'shiyan', roam: false, nameProperty: 'name', layoutCenter: ['50%', '52%'], layoutSize: '96%',
      label: { show: true, formatter: (p: { name: string }) => labelOf(p.name), color: '#ffffff', fontSize: 18, fontFamily: THEME.font, textBorderColor: '#000', textBorderWidth: 3 },
      itemStyle: { borderColor: '#9cc8ff', borderWidth: 1.5, areaColor: RISK_COLORS.none },
      emphasis: { label: { color: '#fff' }, itemStyle: { areaColor: '#2a5a8c' } },
      regions: districts.map((d) => ({ name: d.name, itemStyle: { areaColor: color(d.level), opacity: d.level === 'none' ? 1 : 0.78 } })),
    },
    series: [
      {
        id: 'districts', type: 'map', geoIndex: 0,
        data: districts.map((d) => ({ name: d.name, value: d.level, detail: d.detail })),
      },
      {
        id: 'assets', type: 'scatter', coordinateSystem: 'geo',
        // what needs attention is large; the city's many yellow and blue assets stay small
        symbolSize: (_v: unknown, p: { data: { level: RiskLevel; alarm: boolean } }) => (p.data.alarm ? 16 : p.data.level === 'red' || p.data.level === 'orange' ? 10 : p.data.level === 'yellow' ? 5 : 4),
        data: assets.map((a) => ({
          name: a.name, value: [a.lon, a.lat], level: a.level, key: a.key, alarm: a.alarm === true,
          itemStyle: { color: a.level === 'none' ? '#9fd3ff' : color(a.level), borderColor: a.alarm ? '#ffffff' : '#000', borderWidth: a.alarm ? 2 : a.level === 'red' || a.level === 'orange' ? 1 : 0.5 },
        })),
        zlevel: 1,
      },
    ],
  };
}
