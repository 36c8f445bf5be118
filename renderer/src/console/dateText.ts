/**
 * Dates and times as the console writes and reads them, the same in Chinese and English:
 * YYYY-MM-DD and HH:mm (24-hour). A browser's own date inputs follow its locale (mm/dd/yyyy on an
 * English Chromium), so the console's fields are text fields that go through these two functions.
 *
 * The value a field hands its caller is what the native input used to hold: `2026-01-31` for a
 * date, `2026-01-31T08:00` for a date and time (as `datetime-local`), `08:00` for a time.
 */
export type DateKind = 'date' | 'datetime' | 'time';

/** Why a text is not a date: its shape, or a day or a time that does not exist (2026-02-30, 24:10). */
export type DateProblem = 'format' | 'no_such_date';

export type DateParse = { ok: true; value: string } | { ok: false; problem: DateProblem };

const pad = (n: number): string => String(n).padStart(2, '0');

/** Full-width digits and separators (a Chinese input method types them) as their ASCII forms. */
function halfWidth(text: string): string {
  return text
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[：]/g, ':').replace(/[－—–／．]/g, (c) => ({ '－': '-', '—': '-', '–': '-', '／': '/', '．': '.' })[c] ?? c)
    .replace(/\u3000/g, ' ')
    .trim();
}

const DATE = String.raw`(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?`;
const TIME = String.raw`(\d{1,2})\s*(?::|时|点)\s*(\d{1,2})\s*分?`;
const PATTERN: Record<DateKind, RegExp> = {
  date: new RegExp(`^${DATE}$`),
  datetime: new RegExp(`^${DATE}(?:\\s+|T)${TIME}$`),
  time: new RegExp(`^${TIME}$`),
};

function dateOf(y: number, m: number, d: number): string | null {
  const x = new Date(y, m - 1, d);
  return x.getFullYear() === y && x.getMonth() === m - 1 && x.getDate() === d ? `${y}-${pad(m)}-${pad(d)}` : null;
}
const timeOf = (h: number, min: number): string | null => (h <= 23 && min <= 59 ? `${pad(h)}:${pad(min)}` : null);

/**
 * A typed text as the field's value. Accepts the canonical form and what people type for it:
 * single-digit months, days and hours (2026-1-5 8:00), `/` or `.` between the parts, 2026年1月5日,
 * full-width digits and colon, and a `T` or spaces between date and time. An empty text is not
 * parsed here: the field says whether it is required.
 */
export function parseDateText(kind: DateKind, text: string): DateParse {
  const m = PATTERN[kind].exec(halfWidth(text));
  if (!m) return { ok: false, problem: 'format' };
  const n = m.slice(1).map(Number);
  if (kind === 'time') {
    const t = timeOf(n[0] ?? -1, n[1] ?? -1);
    return t ? { ok: true, value: t } : { ok: false, problem: 'no_such_date' };
  }
  const date = dateOf(n[0] ?? 0, n[1] ?? 0, n[2] ?? 0);
  if (!date) return { ok: false, problem: 'no_such_date' };
  if (kind === 'date') return { ok: true, value: date };
  const t = timeOf(n[3] ?? -1, n[4] ?? -1);
  return t ? { ok: true, value: `${date}T${t}` } : { ok: false, problem: 'no_such_date' };
}

/** A value as the field shows it: the date and time apart by a space (`2026-01-31 08:00`). */
export function formatDateValue(kind: DateKind, value: string): string {
  return kind === 'datetime' ? value.replace('T', ' ') : value;
}
