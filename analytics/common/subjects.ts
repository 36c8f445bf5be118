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
  const withAsset = kind === 'telemetry' || kind === 'asset';
  const expected = withAsset ? 5 : 4;
  if (kind !== 'telemetry' && kind !== 'event' && kind !== 'asset' && kind !== 'inspection') {
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
export function inspectionSubject(domain: Domain, district: string): string {
  return `city.inspection.${domain}.${district}`;
}
