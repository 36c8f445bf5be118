import { SHIYAN_DISTRICTS } from '../../common/city.js';
import type { Permit, PermitsRecord } from '../../common/feedSchemas.js';
import type { City, SimAsset } from './city.js';
import { Rng } from './rng.js';

/** A permits record without its time (the simulator stamps it when it publishes). */
export type SimPermits = Omit<PermitsRecord, 'ts'>;

const day = (y: number, m: number, d: number): string => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The Shiyan departments that issue each permit (the district's for special trades). */
function departments(district: string, fireYear: number): Record<Permit['type'], string> {
  const d = SHIYAN_DISTRICTS.find((x) => x.code === district)?.zh ?? '';
  return {
    project: '十堰市发展和改革委员会', land: '十堰市自然资源和规划局', planning: '十堰市自然资源和规划局',
    construction: '十堰市住房和城乡建设局',
    // fire review and acceptance moved from the fire brigade to housing and construction in 2019
    fire: fireYear >= 2019 ? '十堰市住房和城乡建设局' : '十堰市公安消防支队',
    special_trade: `十堰市公安局${d}分局`,
  };
}

type Gap = 'none' | 'missing_fire' | 'expired_special_trade' | 'construction_before_planning' | 'use_changed' | 'missing_planning' | 'unchecked';

/**
 * The permits of the demo city's buildings and construction sites, with the gaps a real campaign
 * finds: a missing fire permit, a hotel's expired special-trade permit, a construction permit issued
 * before its planning permit, a home turned into a restaurant on its residential permits, a site
 * without a planning permit; and about 15 % not checked yet (no record). The first assets get one gap
 * of each kind, so every kind is on screen even in a small city; then a generator of their own decides,
 * so the city itself stays the same for a seed.
 */
export function cityPermits(city: City): Map<string, SimPermits> {
  const rng = new Rng(city.seed ^ 0x9e12);
  const out = new Map<string, SimPermits>();
  const buildings = city.assets.filter((a) => a.profile.domain === 'building');
  const sites = city.assets.filter((a) => a.profile.domain === 'construction');
  const buildingGaps: Gap[] = ['missing_fire', 'expired_special_trade', 'construction_before_planning', 'use_changed'];
  for (const [i, a] of buildings.entries()) {
    const r = rng.next();
    const gap = buildingGaps[i] ?? (r < 0.15 ? 'unchecked' : r < 0.25 ? 'missing_fire' : r < 0.32 ? 'use_changed' : r < 0.37 ? 'construction_before_planning' : r < 0.42 ? 'expired_special_trade' : 'none');
    if (gap !== 'unchecked') out.set(a.id, buildingPermits(a, gap, rng));
  }
  const siteGaps: Gap[] = ['construction_before_planning', 'missing_planning'];
  for (const [i, a] of sites.entries()) {
    const r = rng.next();
    const gap = siteGaps[i] ?? (r < 0.15 ? 'unchecked' : r < 0.22 ? 'construction_before_planning' : r < 0.27 ? 'missing_planning' : 'none');
    if (gap !== 'unchecked') out.set(a.id, sitePermits(a, gap, rng));
  }
  return out;
}

function chain(a: SimAsset, startYear: number, rng: Rng, fireYear: number): Permit[] {
  const dep = departments(a.district, fireYear);
  const n = (t: string): string => `${t}${a.district}${startYear}${a.id.replace(/\D/g, '').slice(-4)}`;
  const m = 1 + rng.int(4);
  return [
    { type: 'project', number: n('发改审批'), department: dep.project, issued: day(startYear, m, 10), status: 'valid' },
    { type: 'land', number: n('地字第'), department: dep.land, issued: day(startYear, m + 2, 15), status: 'valid' },
    { type: 'planning', number: n('建字第'), department: dep.planning, issued: day(startYear, m + 4, 20), status: 'valid' },
    { type: 'construction', number: n('施工'), department: dep.construction, issued: day(startYear, m + 6, 25), status: 'valid' },
  ];
}

function buildingPermits(a: SimAsset, gap: Gap, rng: Rng): SimPermits {
  const built = typeof a.record.attrs?.['built_year'] === 'number' ? a.record.attrs['built_year'] : 1990;
  const start = Math.max(1990, Math.min(2020, built)) - 2;
  const fireYear = start + 2;
  const dep = departments(a.district, fireYear);
  const hotel = gap === 'expired_special_trade' || rng.next() < 0.08;
  const use = hotel ? 'hotel' : 'residential';
  const permits = chain(a, start, rng, fireYear).map((p) => (p.type === 'planning' ? { ...p, use } : p));
  if (gap === 'construction_before_planning') {
    const planning = permits.find((p) => p.type === 'planning') as Permit;
    const construction = permits.find((p) => p.type === 'construction') as Permit;
    construction.issued = day(start, 1, 5);
    planning.issued = day(start, 11, 20);
  }
  if (gap !== 'missing_fire') permits.push({ type: 'fire', number: `消验${a.district}${fireYear}${a.id.slice(-4)}`, department: dep.fire, issued: day(fireYear, 9, 1), status: 'valid', use });
  if (hotel) {
    // special-trade permits are renewed every three years here; the expired one was not
    const expires = gap === 'expired_special_trade' ? '2025-10-31' : '2028-12-31';
    permits.push({ type: 'special_trade', number: `特行${a.district}${a.id.slice(-4)}`, department: dep.special_trade, issued: '2022-11-01', expires, status: 'valid', use });
  }
  // a ground-floor home turned into a restaurant (住改商): its permits still say residential
  return { asset: a.id, use: gap === 'use_changed' ? 'catering' : use, permits };
}

function sitePermits(a: SimAsset, gap: Gap, rng: Rng): SimPermits {
  const permits = chain(a, 2025, rng, 2027);
  if (gap === 'construction_before_planning') (permits.find((p) => p.type === 'construction') as Permit).issued = '2025-01-05';
  return { asset: a.id, permits: gap === 'missing_planning' ? permits.filter((p) => p.type !== 'planning') : permits };
}
