const WEEK_MS = 7 * 86_400_000;
const YEAR_MS = 365.25 * 86_400_000;
/** 1900-01-01: before it, zones used local mean time; nothing in a bundle is that old. */
const OLDEST_MS = -2_208_988_800_000;

const formats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at an instant, as ISO 8601 writes it (`+08:00`, `-02:30`, `+00:00`). */
export function offsetAt(zone: string, ms: number): string {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    if (formats.size > 100) formats.clear();
    formats.set(zone, f);
  }
  const name = f.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-]\d{2}):?(\d{2})?$/.exec(name);
  return m ? `${m[1] ?? '+00'}:${m[2] ?? '00'}` : '+00:00';
}

/**
 * Since when the zone has kept one offset, and keeps it for the next 50 years as far as the time
 * zone database knows (Asia/Shanghai: +08:00 since its last daylight saving time in 1991; UTC:
 * always). Null for a zone that still changes its offset. Times in that span are written with the
 * constant offset, without a per-row lookup.
 */
export function constantOffset(zone: string, nowMs = Date.now()): { sinceMs: number | null; offset: string } | null {
  const offset = offsetAt(zone, nowMs);
  for (let t = nowMs; t < nowMs + 50 * YEAR_MS; t += WEEK_MS) if (offsetAt(zone, t) !== offset) return null;
  for (let t = nowMs; t > OLDEST_MS; t -= WEEK_MS) {
    if (offsetAt(zone, t - WEEK_MS) === offset) continue;
    // the change lies within this week: find its millisecond
    let lo = t - WEEK_MS;
    let hi = t;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(zone, mid) === offset) hi = mid;
      else lo = mid;
    }
    return { sinceMs: hi, offset };
  }
  return { sinceMs: null, offset };
}

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * The SQL writing a TIMESTAMPTZ column as ISO 8601 with its offset in the session's zone
 * (`2026-06-13T06:42:10.25+08:00`). Where the zone's offset is constant the local time is written
 * with that offset; elsewhere each row's offset is looked up (several times slower).
 */
export function isoTimeSql(column: string, constant: { sinceMs: number | null; offset: string } | null): string {
  const c = q(column);
  const perRow = `replace(${c}::VARCHAR, ' ', 'T') || CASE WHEN timezone_minute(${c}) = 0 THEN ':00' ELSE '' END`;
  if (!constant) return perRow;
  const fast = `replace((${c}::TIMESTAMP)::VARCHAR, ' ', 'T') || '${constant.offset}'`;
  if (constant.sinceMs === null) return fast;
  return `CASE WHEN ${c} >= make_timestamptz(${BigInt(constant.sinceMs) * 1000n}) THEN ${fast} ELSE ${perRow} END`;
}
