import type { PermitFindingKind, PermitFindingView } from '../../../../analytics/common/permits/permitRules';
import type { ChartOption } from '../../lib/chart.svelte';
import { RISK_COLORS, THEME } from '../../panels/theme';

/** Each finding kind's colour on the map: missing red, out of order orange, use changed yellow, expired violet. */
export const FINDING_COLORS: Record<PermitFindingKind, string> = { missing: '#ff3b30', out_of_order: '#ff8c1a', use_changed: '#ffd21a', expired: '#c77dff' };

/** One point per asset with findings: its worst kind's colour, a ring once all its findings are opened as cases. */
export interface PermitPoint {
  key: string;
  name: string;
  lon: number;
  lat: number;
  kind: PermitFindingKind;
  /** Every finding of the asset, worded (the tooltip). */
  detail: string;
  opened: boolean;
}

const WORST: readonly PermitFindingKind[] = ['missing', 'out_of_order', 'use_changed', 'expired'];

/** The findings grouped per asset, worst kind first; `say` words one finding. */
export function permitPoints(findings: readonly PermitFindingView[], say: (f: PermitFindingView) => string): PermitPoint[] {
  const by = new Map<string, PermitFindingView[]>();
  for (const f of findings) {
    const k = `${f.domain}/${f.district}/${f.asset}`;
    by.set(k, [...(by.get(k) ?? []), f]);
  }
  return [...by].map(([key, list]) => {
    const first = list[0] as PermitFindingView;
    const kind = WORST.find((k) => list.some((f) => f.kind === k)) ?? first.kind;
    return { key, name: first.name, lon: first.lon, lat: first.lat, kind, detail: list.map(say).join('<br/>'), opened: list.every((f) => f.stage !== null) };
  });
}

/** Shiyan's districts with the permit findings on top, one series per kind (the legend's order); no findings, no points. */
export function buildPermitMapOption(points: readonly PermitPoint[], kindName: (k: PermitFindingKind) => string): ChartOption {
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: { trigger: 'item', formatter: (p: { data?: { name?: string; detail?: string } }) => `${p.data?.name ?? ''}${p.data?.detail ? `<br/>${p.data.detail}` : ''}` },
    legend: { bottom: 0, textStyle: { color: '#cfe3ff', fontFamily: THEME.font, fontSize: 12 }, data: WORST.map(kindName) },
    geo: {
      map: 'shiyan', roam: true, scaleLimit: { min: 1, max: 12 }, layoutCenter: ['50%', '46%'], layoutSize: '92%',
      label: { show: false }, itemStyle: { borderColor: '#9cc8ff', borderWidth: 1, areaColor: RISK_COLORS.none }, emphasis: { disabled: true },
    },
    series: WORST.map((kind) => ({
      id: `permits-${kind}`, name: kindName(kind), type: 'scatter', coordinateSystem: 'geo', zlevel: 1, symbolSize: 9,
      itemStyle: { color: FINDING_COLORS[kind], borderColor: '#000', borderWidth: 0.5 },
      data: points.filter((p) => p.kind === kind).map((p) => ({
        name: p.name, key: p.key, detail: p.detail, value: [p.lon, p.lat],
        ...(p.opened ? { itemStyle: { borderColor: '#ffffff', borderWidth: 2 } } : {}),
      })),
    })),
  };
}
