import { SHIYAN_DISTRICTS } from '../../common/city.js';
import type { AssetKindProfile } from './profiles.js';
import { ASSET_KINDS } from './profiles.js';
import { placeNear } from './geo.js';
import type { SimAsset } from './city.js';

/** Crowded public places of the seed (人员密集公共场所) besides markets and parks: in the registry, without sensors. */
export const CROWDED_PLACE_KINDS: AssetKindProfile[] = [
  { domain: 'building', kind: 'school', zh: '学校', weight: 0, metrics: [],
    owners: ['十堰市教育局直属学校'], supervisor: '十堰市教育局', approver: '十堰市住房和城乡建设局' },
  { domain: 'building', kind: 'hospital', zh: '医院', weight: 0, metrics: [],
    owners: ['十堰市人民医院'], supervisor: '十堰市卫生健康委员会', approver: '十堰市住房和城乡建设局' },
];

/** The market of the gas-leak scenario: the first market detector of 张湾区 (420303), else the first. */
export function scenarioMarket(assets: readonly SimAsset[]): SimAsset | undefined {
  return assets.find((a) => a.profile.kind === 'market_detector' && a.district === '420303') ?? assets.find((a) => a.profile.kind === 'market_detector');
}

/**
 * Around the scenario's market, at fixed distances: a school (≈360 m), a hospital (≈570 m) and a
 * pipeline monitor (≈180 m), so a gas leak at the market has crowded places and another lifeline
 * inside the gas plan's radius (data/plans/gas.json). Appended after the city is drawn, so every
 * other asset stays what the seed made it; the market keeps its sensors.
 */
export function addCrowdedPlaces(assets: SimAsset[], registryTsMs: number): void {
  const market = scenarioMarket(assets);
  if (!market) return;
  delete market.silent;
  const d = SHIYAN_DISTRICTS.find((x) => x.code === market.district);
  const pipeline = ASSET_KINDS.find((k) => k.kind === 'pipeline_monitor');
  const near: { profile: AssetKindProfile | undefined; id: string; name: string; north: number; east: number }[] = [
    { profile: CROWDED_PLACE_KINDS[0], id: 'school-0001', name: `${d?.zh ?? ''}第一中学`, north: 300, east: 200 },
    { profile: CROWDED_PLACE_KINDS[1], id: 'hospital-0001', name: `${d?.zh ?? ''}人民医院`, north: -450, east: 350 },
    { profile: pipeline, id: 'pipeline-monitor-9001', name: `${d?.zh ?? ''}市场路地下管线监测点`, north: 120, east: -140 },
  ];
  let seq = assets.length;
  for (const n of near) {
    if (!n.profile) continue;
    const at = placeNear(market.record, n.north, n.east);
    const s = String(++seq).padStart(5, '0');
    assets.push({
      id: n.id, district: market.district, profile: n.profile, inspectedDaysAgo: 10,
      record: {
        id: n.id, ts: new Date(registryTsMs).toISOString(), name: n.name, kind: n.profile.kind, lat: at.lat, lon: at.lon,
        owner: n.profile.owners[0] ?? n.profile.supervisor, supervisor: n.profile.supervisor, approver: n.profile.approver,
        attrs: { owner_contact: `0719-01${s}`, supervisor_contact: `0719-02${s}`, approver_contact: `0719-03${s}` },
      },
    });
  }
}
