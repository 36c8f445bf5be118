/** A client-controlled field (Origin, path, user agent) is cut to this many characters in an audit line. */
export const MAX_FIELD_CHARS = 64;

/**
 * A field the client chose, safe to put in an audit line: at most `max` characters, control
 * characters and lone surrogates replaced, and quoted so that no value can pose as another part of
 * the line. Without this, one refused request could write 15 KB, or a fake second line, into the log.
 */
export function clipField(value: string | undefined, max = MAX_FIELD_CHARS): string {
  if (value === undefined) return '-';
  const head = value.slice(0, max).replace(/[\u0000-\u001f\u007f-\u009f"\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '?');
  return value.length > max ? `"${head}"…(${value.length} chars)` : `"${head}"`;
}

/** An instant for an audit line; `toISOString` throws beyond ±8.64e15 ms, and an audit line must never throw. */
export function isoOf(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? `${String(ms)}ms` : d.toISOString();
}
