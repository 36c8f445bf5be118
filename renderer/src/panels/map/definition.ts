import { SHIYAN_DISTRICTS } from '../../../../analytics/common/city';
import type { OpsSnapshot } from '../../../../analytics/common/ops/controlRoomViews';
import type { AssetRow } from '../../lib/cityState.svelte';
import type { RiskLevel } from '../theme';
import type { AssetMarker, DistrictRisk } from './buildDistrictMapOption';
import { keyOf } from '../../../../analytics/common/vocabulary';

/** Every district of Shiyan in the risk register's colour ('none' before the register has it). */
export function districtRisks(known: OpsSnapshot['districts']): DistrictRisk[] {
  return SHIYAN_DISTRICTS.map((d) => {
    const r = known.find((x) => x.district === d.code);
    const c = r?.counts ?? { red: 0, orange: 0, yellow: 0, blue: 0 };
    return { code: d.code, name: d.zh, level: r ? r.colour : 'none', detail: `🔴${c.red} 🟠${c.orange} 🟡${c.yellow} 🔵${c.blue}` };
  });
}

/**
 * What colours the asset markers, as text: the map is redrawn when this text changes (a colour
 * or an alarm), not on every push of the operational picture.
 */
export function markerLevelsKey(snap: OpsSnapshot | null): string {
  const alarmed = new Set<string>();
  for (const a of snap?.alarms ?? []) if (a.active && a.annunciated) alarmed.add(keyOf(a));
  return JSON.stringify([Object.entries(snap?.assetRisk ?? {}).sort(), [...alarmed].sort(), snap !== null]);
}

/** The registry's assets as markers in their risk colour, ringed when an alarm stands on them. */
export function assetMarkers(assets: readonly AssetRow[], levelsKey: string): AssetMarker[] {
  const [risk, alarmed, known] = JSON.parse(levelsKey) as [[string, RiskLevel][], string[], boolean];
  const colour = new Map(risk);
  const alarm = new Set(alarmed);
  return assets.map((a) => {
    const key = keyOf(a);
    return { name: a.name, lon: a.lon, lat: a.lat, key, level: colour.get(key) ?? (known ? 'blue' : 'none'), alarm: alarm.has(key) };
  });
}
