/**
 * 摸清底数: how well the city knows its own assets. An asset's record is complete when its location
 * lies in its district, its three responsible parties are named (谁主管谁负责、谁拥有谁负责、谁审批谁负责),
 * it was inspected within its domain's period, and (for the kinds the city monitors) its sensors
 * reported within the last hour. Pure: the engine reads the facts, this judges them, the same for
 * the live answer, a replayed instant and each day of the trend.
 */
import { DOMAINS, type Domain } from './city.js';

export const BASELINE_CHECKS = ['location', 'owner', 'supervisor', 'approver', 'inspection', 'sensors'] as const;
export type BaselineCheck = (typeof BASELINE_CHECKS)[number];

/**
 * Days within which each domain's assets must have been inspected: the project's defaults for the
 * routine inspections the seed's checklists ask for (gas and construction sites weekly; lifelines
 * and structures monthly; parks and waste fortnightly). Documented in docs/baseline.md.
 */
export const INSPECTION_PERIOD_DAYS: Readonly<Record<Domain, number>> = {
  gas: 7, construction: 7, flood: 7,
  water: 30, drainage: 30, power: 30, heat: 30, bridge: 30, road: 30, pipeline: 30, tunnel: 30, building: 30,
  waste: 14, park: 14,
};

/** Sensors are reporting when the newest reading is at most this old. */
export const REPORTING_WITHIN_MS = 3_600_000;

/** The facts of one asset at the instant judged. */
export interface BaselineAsset {
  domain: string;
  district: string;
  asset: string;
  name: string;
  kind: string;
  owner: string;
  supervisor: string;
  approver: string | null;
  /** The registry's point lies inside the asset's district. */
  located: boolean;
  lastInspectionMs: number | null;
  lastReadingMs: number | null;
  /** Assets of this kind report readings in the city (a kind nobody monitors is not a gap). */
  monitored: boolean;
}

export interface BaselineCell {
  domain: string;
  district: string;
  assets: number;
  complete: number;
  /** Assets missing each check. */
  missing: Record<BaselineCheck, number>;
  /** Assets missing at least one of the three responsible parties. */
  missingParties: number;
}

/** An incomplete record and who must complete it: the owner (谁拥有谁负责). */
export type BaselineGap = Pick<BaselineAsset, 'domain' | 'district' | 'asset' | 'name' | 'kind' | 'owner' | 'lastInspectionMs' | 'lastReadingMs'> & {
  missing: BaselineCheck[];
};

export interface BaselineTrendPoint {
  /** The end of the day judged (or the instant, for the newest point). */
  atMs: number;
  assets: number;
  complete: number;
}

export interface BaselineResult {
  atMs: number;
  assets: number;
  complete: number;
  cells: BaselineCell[];
  /** The incomplete records, most gaps first (at most the query's limit). */
  gaps: BaselineGap[];
  /** All incomplete records, whether listed or not. */
  gapCount: number;
  trend: BaselineTrendPoint[];
  periods: Readonly<Record<string, number>>;
}

const blank = (s: string | null): boolean => s === null || s.trim() === '';

/** What an asset's record lacks at `atMs`, in the order of {@link BASELINE_CHECKS}. */
export function missingOf(a: BaselineAsset, atMs: number): BaselineCheck[] {
  const out: BaselineCheck[] = [];
  if (!a.located) out.push('location');
  if (blank(a.owner)) out.push('owner');
  if (blank(a.supervisor)) out.push('supervisor');
  if (blank(a.approver)) out.push('approver');
  const period = (INSPECTION_PERIOD_DAYS as Record<string, number | undefined>)[a.domain] ?? 30;
  if (a.lastInspectionMs === null || a.lastInspectionMs > atMs || atMs - a.lastInspectionMs > period * 86_400_000) out.push('inspection');
  if (a.monitored && (a.lastReadingMs === null || a.lastReadingMs > atMs || atMs - a.lastReadingMs > REPORTING_WITHIN_MS)) out.push('sensors');
  return out;
}

const noMissing = (): Record<BaselineCheck, number> => ({ location: 0, owner: 0, supervisor: 0, approver: 0, inspection: 0, sensors: 0 });

/** Judges every asset at `atMs`: the cells per domain and district, and the gaps (most missing first, then by place). */
export function judgeBaseline(assets: readonly BaselineAsset[], atMs: number, gapLimit: number): Omit<BaselineResult, 'trend'> {
  const cells = new Map<string, BaselineCell>();
  const gaps: BaselineGap[] = [];
  let complete = 0;
  for (const a of assets) {
    const key = `${a.domain}\u0000${a.district}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { domain: a.domain, district: a.district, assets: 0, complete: 0, missing: noMissing(), missingParties: 0 }));
    cell.assets++;
    const missing = missingOf(a, atMs);
    if (missing.length === 0) {
      cell.complete++;
      complete++;
      continue;
    }
    for (const m of missing) cell.missing[m]++;
    if (missing.includes('owner') || missing.includes('supervisor') || missing.includes('approver')) cell.missingParties++;
    gaps.push({
      domain: a.domain, district: a.district, asset: a.asset, name: a.name, kind: a.kind, owner: a.owner, missing,
      lastInspectionMs: a.lastInspectionMs, lastReadingMs: a.lastReadingMs,
    });
  }
  const order = (d: string): number => {
    const i = (DOMAINS as readonly string[]).indexOf(d);
    return i < 0 ? DOMAINS.length : i;
  };
  gaps.sort((x, y) => y.missing.length - x.missing.length || order(x.domain) - order(y.domain) || x.district.localeCompare(y.district) || x.asset.localeCompare(y.asset));
  return {
    atMs, assets: assets.length, complete,
    cells: [...cells.values()].sort((x, y) => order(x.domain) - order(y.domain) || x.district.localeCompare(y.district)),
    gaps: gaps.slice(0, gapLimit), gapCount: gaps.length, periods: INSPECTION_PERIOD_DAYS,
  };
}
