import { PERMIT_TYPES, type Permit, type PermitType } from '../feedSchemas.js';
import type { HazardGrade, HazardStage } from '../vocabulary.js';

/**
 * The permit chain (违法建设和违法违规审批全流程专项排查): each building and construction site's
 * administrative permits judged against the rules of docs/permits.md. Pure: the same facts and the
 * same instant give the same findings, with the same ids, on every engine.
 */

export const PERMIT_FINDING_KINDS = ['missing', 'expired', 'out_of_order', 'use_changed'] as const;
export type PermitFindingKind = (typeof PERMIT_FINDING_KINDS)[number];

/** Uses that need the public security bureau's special-trade permit (特种行业许可证). */
export const SPECIAL_TRADE_USES: readonly string[] = ['hotel', 'pawn', 'second_hand', 'seal_engraving'];

/** Which permit must come before which (its prerequisite): 立项 → 用地 → 规划 → 施工; 消防 → 特种行业. */
export const PREREQUISITE: Partial<Record<PermitType, PermitType>> = {
  land: 'project', planning: 'land', construction: 'planning', special_trade: 'fire',
};

/** The city's time zone (UTC+8, no daylight saving): permit days are its days. */
const CITY_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The city's calendar day of an instant, `YYYY-MM-DD`. */
export function cityDay(ms: number): string {
  return new Date(ms + CITY_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant the city's day `YYYY-MM-DD` begins. */
export function cityDayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - CITY_OFFSET_MS;
}

/** The permits that an asset of this domain and use must hold. */
export function requiredPermits(domain: string, use: string | null): PermitType[] {
  if (domain === 'construction') return ['project', 'land', 'planning', 'construction'];
  if (domain !== 'building') return [];
  const base: PermitType[] = ['project', 'land', 'planning', 'construction', 'fire'];
  return use !== null && SPECIAL_TRADE_USES.includes(use) ? [...base, 'special_trade'] : base;
}

/** The building or site a permits record is about, as the registry names and places it. */
export interface PermitAsset {
  domain: string;
  district: string;
  asset: string;
  name: string;
  lat: number;
  lon: number;
}

/** An asset with its newest permits record (null: the campaign has not checked it yet). */
export interface PermitFacts extends PermitAsset {
  record: { tsMs: number; use: string | null; permits: Permit[] } | null;
}

export interface PermitFinding extends PermitAsset {
  /** The case id this finding opens: the same on every engine, so it can be opened once only. */
  id: string;
  kind: PermitFindingKind;
  type: PermitType;
  /** The permit concerned (null when it is missing). */
  number: string | null;
  /** The approving department responsible (谁审批谁负责): the permit's issuer; null for a missing permit, whose competent authority is `type`'s. */
  department: string | null;
  issued: string | null;
  expires: string | null;
  /** missing: the later permit issued without it; out_of_order: the prerequisite issued after it. */
  related: { type: PermitType; number: string; issued: string; department: string } | null;
  /** The building's use now, and the use the permit was issued for. */
  use: string | null;
  permitUse: string | null;
  grade: HazardGrade;
  /** Since when it holds (data time: the record's, or the day after the last valid day). */
  sinceMs: number;
}

/** Held: issued and not taken back (a revoked or suspended permit is not held). */
const held = (p: Permit): boolean => p.status === 'valid' || p.status === 'expired';
const current = (p: Permit, today: string): boolean => p.status === 'valid' && (p.expires === undefined || p.expires >= today);

/** FNV-1a, 32 bits, as 8 hex digits: a short stable tag of a finding's key. */
function tag(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** A finding's case id: `pmt.<kind>.<type>.<district>.<asset>.<tag>` (≤ 120 characters, the hazard id's alphabet). */
export function findingId(kind: PermitFindingKind, type: PermitType, domain: string, district: string, asset: string, number: string | null): string {
  return `pmt.${kind}.${type}.${district}.${asset}.${tag(`${domain}|${district}|${asset}|${kind}|${type}|${number ?? ''}`)}`;
}

const byIssued = (a: Permit, b: Permit): number => (a.issued < b.issued ? -1 : a.issued > b.issued ? 1 : 0);

/** Every finding of one asset at `atMs`: missing, expired, out of order, held under a changed use. */
export function judgePermits(f: PermitFacts, atMs: number): PermitFinding[] {
  const r = f.record;
  if (r === null) return [];
  const today = cityDay(atMs);
  const out: PermitFinding[] = [];
  const base = { domain: f.domain, district: f.district, asset: f.asset, name: f.name, lat: f.lat, lon: f.lon, use: r.use };
  const add = (kind: PermitFindingKind, type: PermitType, p: Permit | null, sinceMs: number, related: PermitFinding['related'] = null): void => {
    out.push({
      ...base, id: findingId(kind, type, f.domain, f.district, f.asset, p?.number ?? null), kind, type,
      number: p?.number ?? null, department: p?.department ?? null, issued: p?.issued ?? null, expires: p?.expires ?? null,
      related, permitUse: p?.use ?? null, grade: kind === 'missing' && type === 'fire' ? 'major' : 'general', sinceMs,
    });
  };
  const heldOf = new Map<PermitType, Permit[]>();
  for (const t of PERMIT_TYPES) heldOf.set(t, r.permits.filter((p) => p.type === t && held(p)).sort(byIssued));
  const first = (t: PermitType): Permit | undefined => heldOf.get(t)?.[0];
  const newest = (t: PermitType): Permit | undefined => heldOf.get(t)?.at(-1);

  for (const t of requiredPermits(f.domain, r.use)) {
    if ((heldOf.get(t)?.length ?? 0) > 0) continue;
    // a later permit of the chain issued without this one: who issued it is named beside
    const later = PERMIT_TYPES.filter((x) => PREREQUISITE[x] === t).map(first).find((p) => p !== undefined);
    add('missing', t, null, r.tsMs, later ? { type: later.type, number: later.number, issued: later.issued, department: later.department } : null);
  }
  for (const t of PERMIT_TYPES) {
    const list = heldOf.get(t) ?? [];
    if (list.length === 0 || list.some((p) => current(p, today))) continue;
    const last = [...list].sort((a, b) => ((a.expires ?? '') < (b.expires ?? '') ? -1 : 1)).at(-1) as Permit;
    const since = last.expires !== undefined ? cityDayStartMs(last.expires) + DAY_MS : r.tsMs;
    add('expired', t, last, since);
  }
  for (const t of PERMIT_TYPES) {
    const pre = PREREQUISITE[t];
    const p = first(t);
    const q = pre === undefined ? undefined : first(pre);
    if (p === undefined || q === undefined || p.issued >= q.issued) continue;
    add('out_of_order', t, p, r.tsMs, { type: q.type, number: q.number, issued: q.issued, department: q.department });
  }
  if (r.use !== null) {
    for (const t of PERMIT_TYPES) {
      const p = newest(t);
      if (p?.use !== undefined && p.use !== r.use) add('use_changed', t, p, r.tsMs);
    }
  }
  return out;
}

export interface PermitDistrictProgress {
  district: string;
  /** Buildings and construction sites of the registry. */
  assets: number;
  /** Those whose permits have been checked (a permits record came). */
  checked: number;
  /** Checked and without any finding. */
  clean: number;
  findings: number;
  /** Findings opened as cases, and those of them closed. */
  cases: number;
  closed: number;
}

export interface PermitFindingView extends PermitFinding {
  /** The case it opened, and its stage (null: not opened yet). */
  stage: HazardStage | null;
}

export interface PermitsResult {
  atMs: number;
  /** All findings (the list holds the first `limit`, open cases last). */
  total: number;
  byKind: Record<PermitFindingKind, number>;
  findings: PermitFindingView[];
  districts: PermitDistrictProgress[];
}

/** The campaign at `atMs`: every asset's findings with the stage of its case, and the progress per district. */
export function judgeCampaign(facts: readonly PermitFacts[], atMs: number, stageOf: (id: string) => HazardStage | null, limit: number): PermitsResult {
  const byKind: Record<PermitFindingKind, number> = { missing: 0, expired: 0, out_of_order: 0, use_changed: 0 };
  const districts = new Map<string, PermitDistrictProgress>();
  const all: PermitFindingView[] = [];
  for (const f of facts) {
    let d = districts.get(f.district);
    if (!d) districts.set(f.district, (d = { district: f.district, assets: 0, checked: 0, clean: 0, findings: 0, cases: 0, closed: 0 }));
    d.assets++;
    if (f.record === null) continue;
    d.checked++;
    const found = judgePermits(f, atMs);
    if (found.length === 0) d.clean++;
    for (const x of found) {
      const stage = stageOf(x.id);
      byKind[x.kind]++;
      d.findings++;
      if (stage !== null) d.cases++;
      if (stage === 'closed') d.closed++;
      all.push({ ...x, stage });
    }
  }
  // not yet opened first, then open cases, closed last; majors first, then by district and asset
  const rank = (s: HazardStage | null): number => (s === null ? 0 : s === 'closed' ? 2 : 1);
  all.sort((a, b) => rank(a.stage) - rank(b.stage) || (a.grade === b.grade ? 0 : a.grade === 'major' ? -1 : 1)
    || a.district.localeCompare(b.district) || a.asset.localeCompare(b.asset) || a.id.localeCompare(b.id));
  return {
    atMs, total: all.length, byKind, findings: all.slice(0, limit),
    districts: [...districts.values()].sort((a, b) => a.district.localeCompare(b.district)),
  };
}
