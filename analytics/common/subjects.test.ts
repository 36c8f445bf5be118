import { describe, expect, it } from 'vitest';
import { parseSubject, telemetrySubject } from './subjects.js';

describe('parseSubject', () => {
  it('reads the four kinds of the contract', () => {
    expect(parseSubject('city.telemetry.gas.420303.gw7')).toEqual({ ok: true, kind: 'telemetry', domain: 'gas', district: '420303', asset: 'gw7' });
    expect(parseSubject('city.event.flood.420381')).toMatchObject({ ok: true, kind: 'event', asset: null });
    expect(parseSubject('city.asset.bridge.420302.b-01')).toMatchObject({ ok: true, kind: 'asset', asset: 'b-01' });
    expect(parseSubject('city.inspection.construction.420304')).toMatchObject({ ok: true, kind: 'inspection' });
    expect(parseSubject(telemetrySubject('water', '420302', 'A_1'))).toMatchObject({ ok: true });
  });

  it.each([
    ['city.telemetry.gas.420303', 'bad_subject'],
    ['city.telemetry.gas.42030x.a', 'bad_subject'],
    ['city.telemetry.Gas.420303.a', 'bad_subject'],
    ['city.telemetry.gas.420303.a.b', 'bad_subject'],
    ['city.telemetry.gas.420303.a b', 'bad_subject'],
    [`city.telemetry.gas.420303.${'a'.repeat(65)}`, 'bad_subject'],
    ['city.event.gas.420303.extra', 'bad_subject'],
    ['town.event.gas.420303', 'bad_subject'],
    ['city.alarm.gas.420303', 'bad_subject'],
    ['city.telemetry.nuclear.420303.a', 'unknown_domain'],
  ])('rejects %s as %s', (subject, reason) => {
    expect(parseSubject(subject)).toMatchObject({ ok: false, reason });
  });
});
