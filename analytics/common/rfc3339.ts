/**
 * Epoch milliseconds of an RFC 3339 timestamp already shaped by the feed schema
 * (`YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`), or NaN when it names no real instant: 30 February,
 * 24:00, minute 60, an offset beyond 23:59. `Date.parse` rolls such dates over into other days.
 *
 * A leap second (second 60, allowed only where the UTC time is 23:59) is read as the last
 * millisecond of its minute, 23:59:59.999 UTC: it stays in its own day and minute, after every
 * other reading of that second. Fractions beyond milliseconds are truncated, as `Date.parse` does.
 */
export function rfc3339Ms(s: string): number {
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  let second = digits(s, 17, 2);
  let ms = 0;
  let i = 19;
  if (s.charCodeAt(i) === 0x2e) {
    i++;
    let scale = 100;
    for (; isDigit(s, i); i++, scale /= 10) if (scale >= 1) ms += (s.charCodeAt(i) - 48) * scale;
  }
  let offsetMin = 0;
  const z = s.charCodeAt(i);
  if (z !== 0x5a && z !== 0x7a) {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh > 23 || om > 59) return NaN;
    offsetMin = (z === 0x2d ? -1 : 1) * (oh * 60 + om);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) return NaN;
  if (second === 60) {
    const utcMinuteOfDay = (((hour * 60 + minute - offsetMin) % 1440) + 1440) % 1440;
    if (utcMinuteOfDay !== 1439) return NaN;
    second = 59;
    ms = 999;
  }
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offsetMin) * 60_000 + second * 1000 + ms;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) v = v * 10 + (s.charCodeAt(at + k) - 48);
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
