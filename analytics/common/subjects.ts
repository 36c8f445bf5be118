import { type Domain, type FeedKind, isDomain } from './city.js';

/** Every subject name the app knows, in one place. */
export const CITY_SUBJECT_ALL = 'city.>';
export const DEFAULT_STREAM = 'CITY';

export type ParsedSubject =
  | { ok: true; kind: FeedKind; domain: Domain; district: string; asset: string | null }
  | { ok: false; reason: 'bad_subject' | 'unknown_domain'; detail: string };

const DISTRICT_RE = /^[0-9]{6}$/;
const ASSET_RE = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN_RE = /^[a-z0-9_-]+$/;

const cache = new Map<string, ParsedSubject>();
const CACHE_MAX = 100_000;

/** Parses `city.<kind>.<domain>.<district>[.<asset>]`; never throws. Remembers recent subjects (they repeat). */
export function parseSubject(subject: string): ParsedSubject {
  let p = cache.get(subject);
  if (p === undefined) {
    p = parseSubjectUncached(subject);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(subject, p);
  }
  return p;
}

function parseSubjectUncached(subject: string): ParsedSubject {
  const parts = subject.split('.');
  if (parts[0] !== 'city') return { ok: false, reason: 'bad_subject', detail: 'subject must start with city.' };
  const kind = parts[1];
  const domain = parts[2] ?? '';
  const district = parts[3] ?? '';
  const withAsset = kind === 'telemetry' || kind === 'asset' || kind === 'permit';
  const expected = withAsset ? 5 : 4;
  if (kind !== 'telemetry' && kind !== 'event' && kind !== 'asset' && kind !== 'inspection' && kind !== 'permit') {
    return { ok: false, reason: 'bad_subject', detail: `unknown kind ${JSON.stringify(kind ?? '')}` };
  }
  if (parts.length !== expected) {
    return { ok: false, reason: 'bad_subject', detail: `city.${kind} subjects have ${expected} tokens, got ${parts.length}` };
  }
  if (!TOKEN_RE.test(domain)) return { ok: false, reason: 'bad_subject', detail: 'domain token must be lowercase ASCII' };
  if (!isDomain(domain)) return { ok: false, reason: 'unknown_domain', detail: `unknown domain ${domain}` };
  if (!DISTRICT_RE.test(district)) return { ok: false, reason: 'bad_subject', detail: 'district must be a 6-digit division code' };
  let asset: string | null = null;
  if (withAsset) {
    asset = parts[4] ?? '';
    if (!ASSET_RE.test(asset)) return { ok: false, reason: 'bad_subject', detail: 'asset must match [A-Za-z0-9_-]{1,64}' };
  }
  return { ok: true, kind, domain, district, asset };
}

export function telemetrySubject(domain: Domain, district: string, asset: string): string {
  return `city.telemetry.${domain}.${district}.${asset}`;
}
export function eventSubject(domain: Domain, district: string): string {
  return `city.event.${domain}.${district}`;
}
export function assetSubject(domain: Domain, district: string, asset: string): string {
  return `city.asset.${domain}.${district}.${asset}`;
}
export function permitSubject(domain: Domain, district: string, asset: string): string {
  return `city.permit.${domain}.${district}.${asset}`;
}
export function inspectionSubject(domain: Domain, district: string): string {
  return `city.inspection.${domain}.${district}`;
}

/** The part of the city an engine reads (a district centre's wall): domains and/or districts; null means all. */
export interface FeedScope {
  domains: readonly Domain[] | null;
  districts: readonly string[] | null;
}

/**
 * The subject filters of a scope, for a filtered consumer: `city.*.<domain>.>` when only domains
 * are named; `city.*.<domain|*>.<district>` and `…<district>.>` per district (events and
 * inspections end at the district, telemetry and asset records carry the asset after it).
 */
export function scopeFilters(scope: FeedScope): string[] {
  const domains: readonly string[] = scope.domains ?? ['*'];
  const out: string[] = [];
  for (const d of domains) {
    if (scope.districts === null) out.push(`city.*.${d}.>`);
    else for (const x of scope.districts) out.push(`city.*.${d}.${x}`, `city.*.${d}.${x}.>`);
  }
  return out;
}

/** True when the subject lies in the scope (the same verdict as the scope's filters). */
export function inScope(subject: string, scope: FeedScope): boolean {
  const parts = subject.split('.');
  if (parts.length < 4 || parts.length > 5 || parts[0] !== 'city') return false;
  if (scope.domains !== null && !scope.domains.includes(parts[2] as Domain)) return false;
  if (scope.districts !== null && !scope.districts.includes(parts[3] as string)) return false;
  return true;
}

/**
 * Reads `--scope` text: `district=420303`, `domain=gas,water`, or both joined by `;`
 * (`domain=gas;district=420302,420303`). Throws a clear error for anything else.
 */
export function parseScope(text: string, domains: readonly Domain[]): FeedScope {
  let ds: Domain[] | null = null;
  let xs: string[] | null = null;
  for (const part of text.split(';').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^(domain|district)=(.+)$/.exec(part);
    if (!m) throw new Error(`scope "${text}": write domain=<d,…> and/or district=<code,…>, joined by ;`);
    const values = (m[2] as string).split(',').map((v) => v.trim());
    if (m[1] === 'domain') {
      for (const v of values) if (!domains.includes(v as Domain)) throw new Error(`scope: unknown domain "${v}" (one of ${domains.join(', ')})`);
      ds = values as Domain[];
    } else {
      for (const v of values) if (!DISTRICT_RE.test(v)) throw new Error(`scope: district "${v}" is not a 6-digit division code`);
      xs = values;
    }
  }
  if (ds === null && xs === null) throw new Error(`scope "${text}" names no domain and no district`);
  return { domains: ds, districts: xs };
}
