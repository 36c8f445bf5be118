/** The cursor's date and time as the replay banner says it, in the wall's local time: 2026-11-27 14:03:09. */
export function cursorText(atMs: number): string {
  const d = new Date(atMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A time of day on the bar's scale: 14:03. */
export function clockText(atMs: number): string {
  const d = new Date(atMs);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * The instant a `replay=` URL parameter names: epoch milliseconds, or an ISO 8601 date and time
 * (without an offset it is local time, as a duty officer would type it). Null when it names none.
 */
export function parseReplayParam(value: string | null): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d{10,15}$/.test(v)) return Number(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const ms = Date.parse(v.length === 10 ? `${v}T00:00:00` : v.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : null;
}
