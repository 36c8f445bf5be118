import { describe, expect, it } from 'vitest';
import { formatDateValue, parseDateText } from './dateText';
import { endOfDate, localDate } from './hazardDrafts';
import { localInput } from './shift';

const ok = (value: string): unknown => ({ ok: true, value });
const bad = (problem: string): unknown => ({ ok: false, problem });

describe('dates typed as YYYY-MM-DD and times as HH:mm, in either language', () => {
  it('reads the canonical forms as the native inputs held them', () => {
    expect(parseDateText('date', '2026-01-31')).toEqual(ok('2026-01-31'));
    expect(parseDateText('datetime', '2026-01-31 08:00')).toEqual(ok('2026-01-31T08:00'));
    expect(parseDateText('datetime', '2026-01-31T20:30')).toEqual(ok('2026-01-31T20:30'));
    expect(parseDateText('time', '23:59')).toEqual(ok('23:59'));
  });

  it('reads what people type: short parts, other separators, 年月日, full-width digits and colon', () => {
    expect(parseDateText('date', '2026-1-5')).toEqual(ok('2026-01-05'));
    expect(parseDateText('date', '2026/1/5')).toEqual(ok('2026-01-05'));
    expect(parseDateText('date', '2026.01.05')).toEqual(ok('2026-01-05'));
    expect(parseDateText('date', '2026年1月5日')).toEqual(ok('2026-01-05'));
    expect(parseDateText('date', '  ２０２６－０１－０５ ')).toEqual(ok('2026-01-05'));
    expect(parseDateText('datetime', '2026-1-5 8:05')).toEqual(ok('2026-01-05T08:05'));
    expect(parseDateText('datetime', '２０２６-０１-０５　０８：０５')).toEqual(ok('2026-01-05T08:05'));
    expect(parseDateText('time', '8点30分')).toEqual(ok('08:30'));
    expect(parseDateText('datetime', '2026年11月26日 20:00')).toEqual(ok('2026-11-26T20:00'));
  });

  it('refuses the US order, 12-hour times and words, as a matter of format', () => {
    for (const s of ['01/31/2026', '31.01.2026', '2026-01', '20260131', 'tomorrow', '明天', '']) expect(parseDateText('date', s)).toEqual(bad('format'));
    for (const s of ['2026-01-31', '2026-01-31 8:00 PM', '2026-01-31 08', '01/31/2026 08:00']) expect(parseDateText('datetime', s)).toEqual(bad('format'));
    expect(parseDateText('time', '8:00 am')).toEqual(bad('format'));
  });

  it('refuses days and times that do not exist', () => {
    for (const s of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '2026-01-00']) expect(parseDateText('date', s)).toEqual(bad('no_such_date'));
    expect(parseDateText('date', '2028-02-29')).toEqual(ok('2028-02-29'));
    expect(parseDateText('datetime', '2026-01-31 24:00')).toEqual(bad('no_such_date'));
    expect(parseDateText('time', '12:60')).toEqual(bad('no_such_date'));
  });

  it('shows a value as it is typed, and reads back what it shows', () => {
    expect(formatDateValue('datetime', '2026-01-31T08:00')).toBe('2026-01-31 08:00');
    expect(formatDateValue('date', '2026-01-31')).toBe('2026-01-31');
    expect(formatDateValue('time', '08:00')).toBe('08:00');
    for (const ms of [Date.UTC(2026, 0, 1), Date.UTC(2026, 5, 30, 23, 59), Date.UTC(2027, 11, 31, 12)]) {
      const date = localDate(ms);
      expect(parseDateText('date', formatDateValue('date', date))).toEqual(ok(date));
      expect(Number.isFinite(endOfDate(date))).toBe(true);
      const at = localInput(ms);
      expect(parseDateText('datetime', formatDateValue('datetime', at))).toEqual(ok(at));
      // the handover reads the value with new Date(): the same minute, local time
      expect(new Date(at).getTime()).toBe(Math.floor(ms / 60_000) * 60_000);
    }
  });
});
