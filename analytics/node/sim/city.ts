import { INSPECTION_PERIOD_DAYS } from '../../common/baseline.js';
import { SHIYAN_DISTRICTS } from '../../common/city.js';
import type { AssetRecord } from '../../common/feedSchemas.js';
import { loadDistrictShapes, randomPointIn } from './geo.js';
import { ASSET_KINDS, type AssetKindProfile } from './profiles.js';
import { Rng } from './rng.js';
import { addCrowdedPlaces } from './crowdedPlaces.js';

export interface SimAsset {
  id: string;
  district: string;
  profile: AssetKindProfile;
  record: AssetRecord;
  /** Its sensors never report (a gap of the baseline: installed on paper, not connected). */
  silent?: boolean;
  /** Days since its last inspection when the simulation starts (none: never inspected). */
  inspectedDaysAgo?: number;
}

/** The kinds the scenarios drive: their records stay whole, so the scenarios find them where they expect. */
const SCENARIO_KINDS: ReadonlySet<string> = new Set(['regulator_station', 'bridge', 'river_gauge', 'manhole', 'pipe_monitor', 'road_segment']);

export interface City {
  seed: number;
  assets: SimAsset[];
}

/** District weights: the urban districts hold more of the city's infrastructure. */
const DISTRICT_WEIGHT: Record<string, number> = {
  '420302': 4, '420303': 4, '420304': 2, '420322': 1, '420323': 1, '420324': 1, '420325': 1, '420381': 2,
};

function weighted<T>(items: readonly T[], weight: (t: T) => number, rng: Rng): T {
  const total = items.reduce((s, t) => s + weight(t), 0);
  let x = rng.next() * total;
  for (const t of items) {
    x -= weight(t);
    if (x <= 0) return t;
  }
  const last = items[items.length - 1];
  if (last === undefined) throw new Error('empty choice');
  return last;
}

/**
 * The demo city of Shiyan: `count` assets of every domain, each placed inside its real district
 * boundary, with its registry record and the three responsible parties.
 */
export function buildCity(count: number, seed: number, registryTsMs = Date.UTC(2026, 0, 1)): City {
  const rng = new Rng(seed);
  const shapes = new Map(loadDistrictShapes().map((s) => [s.code, s]));
  const assets: SimAsset[] = [];
  const perKind = new Map<string, number>();
  // every kind at least once, so each domain has data even in a small city
  const kinds = [...ASSET_KINDS, ...Array.from({ length: Math.max(0, count - ASSET_KINDS.length) }, () => weighted(ASSET_KINDS, (k) => k.weight, rng))];
  for (const profile of kinds.slice(0, Math.max(count, ASSET_KINDS.length))) {
    const d = weighted(SHIYAN_DISTRICTS, (x) => DISTRICT_WEIGHT[x.code] ?? 1, rng);
    const shape = shapes.get(d.code);
    if (!shape) throw new Error(`no boundary for district ${d.code}`);
    const [lon, lat] = randomPointIn(shape, rng);
    const n = (perKind.get(profile.kind) ?? 0) + 1;
    perKind.set(profile.kind, n);
    const id = `${profile.kind.replace(/_/g, '-')}-${String(n).padStart(4, '0')}`;
    // demo contacts (0719-0…: no real local number starts with 0), so the asset view shows where they go
    const seq = String(assets.length + 1).padStart(5, '0');
    const attrs = { ...profile.attrs?.(() => rng.next()), owner_contact: `0719-01${seq}`, supervisor_contact: `0719-02${seq}`, approver_contact: `0719-03${seq}` };
    const record: AssetRecord = {
      id, ts: new Date(registryTsMs).toISOString(), name: `${d.zh}${profile.zh}${n}号`, kind: profile.kind, lat, lon,
      owner: rng.pick(profile.owners), supervisor: profile.supervisor, approver: profile.approver,
      attrs,
    };
    assets.push({ id, district: d.code, profile, record });
  }
  leaveGaps(assets, seed, shapes);
  addCrowdedPlaces(assets, registryTsMs);
  return { seed, assets };
}

/**
 * The gaps a real registry has (摸清底数), drawn from a generator of their own so the city itself
 * stays the same for a seed: about 7 % of the records name no approving department, 3 % carry a
 * point outside their district, 4 % of the sensors never report, and 18 % of the assets have no
 * inspection on record; the others were inspected within their domain's period. The kinds the
 * scenarios drive keep their place and their sensors.
 */
function leaveGaps(assets: SimAsset[], seed: number, shapes: Map<string, ReturnType<typeof loadDistrictShapes>[number]>): void {
  const rng = new Rng(seed ^ 0xba5e);
  const others = SHIYAN_DISTRICTS.map((d) => d.code);
  for (const a of assets) {
    if (rng.next() < 0.07) delete a.record.approver;
    const driven = SCENARIO_KINDS.has(a.profile.kind);
    if (!driven && rng.next() < 0.03) {
      const elsewhere = shapes.get(others[(others.indexOf(a.district) + 1) % others.length] as string);
      if (elsewhere) [a.record.lon, a.record.lat] = randomPointIn(elsewhere, rng);
    }
    if (!driven && a.profile.metrics.length > 0 && rng.next() < 0.04) a.silent = true;
    const period = INSPECTION_PERIOD_DAYS[a.profile.domain];
    if (rng.next() >= 0.18) a.inspectedDaysAgo = Math.round(rng.range(0.05, 0.9) * period * 10) / 10;
  }
}
