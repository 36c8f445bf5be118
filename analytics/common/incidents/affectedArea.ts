import type { RegistryRow } from '../registryRow.js';

/**
 * What lies inside an incident's radius, from the asset registry: crowded places (人员密集公共场所,
 * 集贸市场: markets, schools, hospitals, parks) and other lifelines (pipelines, tunnels, power, water,
 * gas, heat, drainage), nearest first, and the parties to notify. Pure.
 */
export interface PlacedAsset extends RegistryRow {
  owner: string | null;
  supervisor: string | null;
}

export type PlaceCategory = 'crowded' | 'lifeline';

export interface AffectedPlace extends PlacedAsset {
  category: PlaceCategory;
  distanceM: number;
}

/** Kinds of the registry that are crowded public places (the seed's 人员密集公共场所 and 集贸市场). */
export const CROWDED_KINDS: ReadonlySet<string> = new Set(['market_detector', 'market', 'school', 'hospital', 'park']);
/** Domains whose assets are lifelines (生命线). */
export const LIFELINE_DOMAINS: ReadonlySet<string> = new Set(['water', 'drainage', 'power', 'gas', 'heat', 'pipeline', 'tunnel']);
/** The most places an incident carries: the nearest first. */
export const MAX_PLACES = 100;

const EARTH_M = 6_371_008.8;

/** Great-circle distance in metres (haversine). */
export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function categoryOf(a: { kind: string; domain: string }): PlaceCategory | null {
  if (CROWDED_KINDS.has(a.kind)) return 'crowded';
  if (LIFELINE_DOMAINS.has(a.domain)) return 'lifeline';
  return null;
}

/** Crowded places and lifelines within `radiusM` of `center` (the incident's own asset excepted), crowded first, then nearest. */
export function placesWithin(center: { lat: number; lon: number }, radiusM: number, assets: Iterable<PlacedAsset>, except: string | null = null): AffectedPlace[] {
  const out: AffectedPlace[] = [];
  for (const a of assets) {
    if (!Number.isFinite(a.lat) || !Number.isFinite(a.lon)) continue;
    const category = categoryOf(a);
    if (category === null || `${a.domain}/${a.district}/${a.asset}` === except) continue;
    const d = distanceM(center, a);
    if (d > radiusM) continue;
    out.push({ domain: a.domain, district: a.district, asset: a.asset, name: a.name, kind: a.kind, category, distanceM: Math.round(d), lat: a.lat, lon: a.lon, owner: a.owner, supervisor: a.supervisor });
  }
  const rank = (p: AffectedPlace): number => (p.category === 'crowded' ? 0 : 1);
  return out.sort((x, y) => rank(x) - rank(y) || x.distanceM - y.distanceM || x.asset.localeCompare(y.asset)).slice(0, MAX_PLACES);
}

/** A party to notify and why: the plan, the alarmed asset's responsible parties, or a place inside the radius. */
export interface PartyToNotify {
  party: string;
  why: 'plan' | 'asset' | 'place';
  /** The place's or asset's name when `why` is not the plan. */
  about: string | null;
}

/** Every party once, in the order: the plan's departments, the asset's parties, then each place's owner and supervisor. */
export function partiesToNotify(planDepartments: readonly string[], asset: { name: string; owner: string | null; supervisor: string | null; approver: string | null } | null, places: readonly AffectedPlace[]): PartyToNotify[] {
  const out = new Map<string, PartyToNotify>();
  const add = (party: string | null, why: PartyToNotify['why'], about: string | null): void => {
    const p = party?.trim();
    if (p && !out.has(p)) out.set(p, { party: p, why, about });
  };
  for (const d of planDepartments) add(d, 'plan', null);
  if (asset) for (const p of [asset.owner, asset.supervisor, asset.approver]) add(p, 'asset', asset.name);
  for (const pl of places) {
    if (pl.category !== 'crowded') continue;
    add(pl.owner, 'place', pl.name);
    add(pl.supervisor, 'place', pl.name);
  }
  for (const pl of places) {
    if (pl.category === 'crowded') continue;
    add(pl.owner, 'place', pl.name);
  }
  return [...out.values()].slice(0, 60);
}
