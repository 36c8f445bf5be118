import type { ChartOption } from '../../lib/chart.svelte';
import { THEME } from '../../panels/theme';

/** Where the asset is: its district's boundary around it, the asset a pulsing dot (named in the panel's title), the map centred on it. */
export function buildLocationOption(p: { lon: number; lat: number; name: string; districtName: string; alarm: boolean }): ChartOption {
  const ok = Number.isFinite(p.lon) && Number.isFinite(p.lat);
  return {
    backgroundColor: 'transparent',
    animation: false,
    geo: {
      map: 'shiyan', roam: false, nameProperty: 'name', zoom: 4, ...(ok ? { center: [p.lon, p.lat] } : {}),
      label: { show: true, color: '#cfe3ff', fontSize: 14, fontFamily: THEME.font },
      itemStyle: { areaColor: '#12304f', borderColor: '#9cc8ff', borderWidth: 1 },
      regions: [{ name: p.districtName, itemStyle: { areaColor: '#1d4a78' } }],
      silent: true,
    },
    series: ok ? [{
      id: 'asset', type: 'effectScatter', coordinateSystem: 'geo', symbolSize: 16, rippleEffect: { scale: 3, brushType: 'stroke' },
      itemStyle: { color: p.alarm ? '#ff4d4d' : '#9fd3ff', borderColor: '#fff', borderWidth: 2 },
      data: [{ name: p.name, value: [p.lon, p.lat] }],
    }] : [],
  };
}
