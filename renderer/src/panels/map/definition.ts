import { SHIYAN_DISTRICTS } from '../../../../analytics/common/city';
import type { OpsSnapshot } from '../../../../analytics/common/ops/controlRoomViews';
import type { RegistryRow } from '../../../../analytics/common/registryRow';
import type { RiskLevel } from '../theme';
import type { AssetMarker, DistrictRisk } from './buildDistrictMapOption';
import { keyOf } from '../../../../analytics/common/vocabulary';
import { t, type Lang } from '../../lib/i18n';

/**
 * Where each district's name is written (lon, lat): inside the district and apart from its
 * neighbours'. At the polygons' centres 张湾区 and 茅箭区, two small districts around the city
 * centre, wrote over each other.
 */
export const DISTRICT_LABELS: Record<string, [number, number]> = {
  '420302': [110.82, 32.5], '420303': [110.6, 32.7], '420304': [110.75, 32.95], '420322': [110.2, 33.08],
  '420323': [110.15, 32.2], '420324': [109.78, 31.95], '420325': [110.68, 31.98], '420381': [111.22, 32.62],
};

/**
 * Every district of Shiyan in the risk register's colour ('none' before the register has it), with
 * what made the colour (assets per colour, the worst asset by name) in the page's language.
 */
export function districtRisks(known: OpsSnapshot['districts'], lang: Lang = 'zh', assetName: (key: string) => string = (k) => k): DistrictRisk[] {
  return SHIYAN_DISTRICTS.map((d) => {
    const r = known.find((x) => x.district === d.code);
    const c = r?.counts ?? { red: 0, orange: 0, yellow: 0, blue: 0 };
    const worst = r?.worst ? t(lang, 'map_tooltip_worst', { name: assetName(r.worst) }) : '';
    return {
      code: d.code, name: d.zh, label: lang === 'zh' ? d.zh : d.en, at: DISTRICT_LABELS[d.code] ?? [0, 0], level: r ? r.colour : 'none',
      counts: c, detail: [t(lang, 'map_tooltip_counts', c), worst].filter((x) => x !== '').join('<br/>'),
    };
  });
}

/**
 * What colours the asset markers, as text: the map is redrawn when this text changes (a colour
 * or an alarm), not on every push of the operational picture.
 */
export function markerLevelsKey(snap: OpsSnapshot | null): string {
  const alarmed = new Set<string>();
  const major = new Set<string>();
  for (const a of snap?.alarms ?? []) {
    if (!a.active || !a.annunciated) continue;
    alarmed.add(keyOf(a));
    if (a.priority === 'critical' || a.priority === 'high') major.add(keyOf(a));
  }
  // sorted by key alone (thousands of entries: the default sort would make a string of every pair at every comparison)
  const byKey = (a: [string, unknown], b: [string, unknown]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return JSON.stringify([Object.entries(snap?.assetRisk ?? {}).sort(byKey), [...alarmed].sort(), snap !== null, [...major].sort()]);
}

/** The registry's assets as markers in their risk colour, ringed when an alarm stands on them. */
export function assetMarkers(assets: readonly RegistryRow[], levelsKey: string): AssetMarker[] {
  const [risk, alarmed, known, majors = []] = JSON.parse(levelsKey) as [[string, RiskLevel][], string[], boolean, string[]?];
  const colour = new Map(risk);
  const alarm = new Set(alarmed);
  const major = new Set(majors);
  return assets.map((a) => {
    const key = keyOf(a);
    return { name: a.name, lon: a.lon, lat: a.lat, key, level: colour.get(key) ?? (known ? 'blue' : 'none'), alarm: alarm.has(key), major: major.has(key) };
  });
}
