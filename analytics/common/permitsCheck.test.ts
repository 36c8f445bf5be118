import { describe, expect, it } from 'vitest';
import { decodeMessage } from './decode.js';
import { dayMs } from './permitsCheck.js';

const enc = new TextEncoder();
const NOW = Date.parse('2026-06-13T06:45:00+08:00');
const subject = 'city.permit.building.420303.b-7';
const record = (issued: string, expires?: string): Uint8Array => enc.encode(JSON.stringify({
  ts: NOW - 1000, asset: 'b-7', permits: [{ type: 'fire', number: 'F-1', department: '张湾区消防救援大队', issued, ...(expires === undefined ? {} : { expires }), status: 'valid' }],
}));

describe('permit days', () => {
  it('reads every four-digit year by the proleptic Gregorian calendar of the feed, the years 0000-0099 included', () => {
    expect(dayMs('2026-06-13')).toBe(Date.parse('2026-06-13T00:00:00Z'));
    expect(dayMs('0050-06-01')).toBe(Date.parse('0050-06-01T00:00:00Z'));
    expect(dayMs('0000-01-01')).toBe(Date.parse('0000-01-01T00:00:00Z'));
    // year 0 is a leap year (divisible by 400); 1900, which Date.UTC took it for, is not
    expect(dayMs('0000-02-29')).toBe(Date.parse('0000-02-29T00:00:00Z'));
    expect(dayMs('9999-12-31')).toBe(Date.parse('9999-12-31T00:00:00Z'));
    for (const no of ['0099-02-29', '1900-02-29', '2023-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-00-10', '2026-06-00', '2026-01-32']) expect(dayMs(no), no).toBeNaN();
  });

  it('stores a permits record whose days lie in the years 0000-0099 and refuses only the days that do not exist', () => {
    for (const [issued, expires] of [['0050-06-01', undefined], ['0000-02-29', '0099-12-31'], ['0001-01-01', '0001-12-31']] as const) {
      const d = decodeMessage(subject, record(issued, expires), NOW);
      expect(d.kind, `${issued} ${String(expires)}: ${d.kind === 'rejected' ? d.rejections[0]?.detail ?? '' : ''}`).toBe('permit');
    }
    const bad = decodeMessage(subject, record('2020-01-01', '0099-02-29'), NOW);
    expect(bad.kind === 'rejected' && bad.rejections.map((r) => [r.reason, r.detail])).toEqual([['bad_timestamp', 'permits.0.expires 0099-02-29 is not a real day']]);
  });
});
