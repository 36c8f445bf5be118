import type { PermitsRecord } from './feedSchemas.js';
import { rfc3339Ms } from './rfc3339.js';

/** The checks of a permits record that its schema cannot say: its subject, real days, valid Unicode. */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The day `YYYY-MM-DD` as the epoch ms of its midnight in UTC, NaN when it names no real day (30 February).
 * Read by the same proleptic Gregorian calendar as every timestamp of the feed: `Date.UTC` would take
 * the years 0000-0099 for 1900-1999 and refuse their real days (0050-06-01, 0000-02-29).
 */
export function dayMs(day: string): number {
  return rfc3339Ms(`${day}T00:00:00Z`);
}

/** Why a record that passed its schema is refused anyway, or null. */
export function permitsRefusal(r: PermitsRecord, subjectAsset: string | null, unicode: boolean): { reason: 'schema' | 'bad_timestamp' | 'invalid_unicode'; detail: string } | null {
  for (const [i, p] of r.permits.entries()) {
    if (unicode && [p.number, p.department].some((t) => LONE_SURROGATE.test(t))) {
      return { reason: 'invalid_unicode', detail: `permits.${i} holds an unpaired surrogate (text that is not valid Unicode)` };
    }
    if (Number.isNaN(dayMs(p.issued))) return { reason: 'bad_timestamp', detail: `permits.${i}.issued ${p.issued} is not a real day` };
    if (p.expires !== undefined && Number.isNaN(dayMs(p.expires))) return { reason: 'bad_timestamp', detail: `permits.${i}.expires ${p.expires} is not a real day` };
  }
  if (r.asset !== subjectAsset) return { reason: 'schema', detail: `asset ${r.asset} does not match the subject's asset ${subjectAsset ?? ''}` };
  return null;
}
