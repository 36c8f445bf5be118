import type { QuarantineReason } from './decode.js';

export interface MalformedSample {
  subject: string;
  data: Uint8Array;
  reason: QuarantineReason;
  /** How many quarantine rows the message makes (an array with one bad element makes one). */
  rows: number;
  /** Valid readings inside the same message, which must be stored. */
  validReadings: number;
}

const enc = new TextEncoder();
const js = (o: unknown): Uint8Array => enc.encode(JSON.stringify(o));

/** One message of every malformed kind in the feed contract, with the reason it must get. */
export function malformedSamples(nowMs: number, tag: string): MalformedSample[] {
  const ts = new Date(nowMs).toISOString();
  const good = (i: number): Record<string, unknown> => ({ id: `${tag}-ok-${i}`, ts, metric: 'lel_pct', value: 1.5, unit: '%LEL' });
  const subj = 'city.telemetry.gas.420303.malformed-src';
  return [
    { subject: subj, data: js({ ...good(0), detail: 'x'.repeat(70 * 1024) }), reason: 'too_large', rows: 1, validReadings: 0 },
    { subject: subj, data: enc.encode(`{"id": "${tag}-trunc", "ts": `), reason: 'invalid_json', rows: 1, validReadings: 0 },
    { subject: subj, data: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), reason: 'invalid_utf8', rows: 1, validReadings: 0 },
    { subject: subj, data: js({ id: `${tag}-nometric`, ts, value: 3 }), reason: 'schema', rows: 1, validReadings: 0 },
    { subject: subj, data: js({ id: `${tag}-strval`, ts, metric: 'lel_pct', value: '12' }), reason: 'schema', rows: 1, validReadings: 0 },
    { subject: subj, data: js({ id: `${tag}-badq`, ts, metric: 'lel_pct', value: 2, quality: 'great' }), reason: 'schema', rows: 1, validReadings: 0 },
    { subject: subj, data: js({ id: `${tag}-nooffset`, ts: '2026-06-13T06:42:10', metric: 'lel_pct', value: 2 }), reason: 'schema', rows: 1, validReadings: 0 },
    { subject: subj, data: enc.encode(`{"id":"${tag}-inf","ts":"${ts}","metric":"lel_pct","value":1e400}`), reason: 'non_finite', rows: 1, validReadings: 0 },
    { subject: subj, data: enc.encode(`{"id":"${tag}-nan","ts":"${ts}","metric":"lel_pct","value":NaN}`), reason: 'invalid_json', rows: 1, validReadings: 0 },
    { subject: 'city.telemetry.nuclear.420303.r1', data: js(good(1)), reason: 'unknown_domain', rows: 1, validReadings: 0 },
    { subject: 'city.telemetry.gas.42030.a1', data: js(good(2)), reason: 'bad_subject', rows: 1, validReadings: 0 },
    { subject: 'city.telemetry.gas.420303', data: js(good(3)), reason: 'bad_subject', rows: 1, validReadings: 0 },
    { subject: 'city.telemetry.Gas.420303.a1', data: js(good(4)), reason: 'bad_subject', rows: 1, validReadings: 0 },
    { subject: 'city.weather.gas.420303', data: js(good(5)), reason: 'bad_subject', rows: 1, validReadings: 0 },
    { subject: subj, data: js({ id: `${tag}-future`, ts: new Date(nowMs + 3_600_000).toISOString(), metric: 'lel_pct', value: 2 }), reason: 'future_ts', rows: 1, validReadings: 0 },
    { subject: subj, data: js({ id: `${tag}-badts`, ts: '2026-13-45T99:00:00+08:00', metric: 'lel_pct', value: 2 }), reason: 'bad_timestamp', rows: 1, validReadings: 0 },
    { subject: subj, data: js(Array.from({ length: 1001 }, (_, i) => ({ id: `m${i}`, ts: nowMs, metric: 'a', value: 1 }))), reason: 'too_many_readings', rows: 1, validReadings: 0 },
    { subject: subj, data: js([]), reason: 'empty_batch', rows: 1, validReadings: 0 },
    { subject: subj, data: js([{ ...good(0), id: `${tag}-mix-1` }, { id: `${tag}-mix-bad`, ts, metric: 'lel_pct' }, { ...good(0), id: `${tag}-mix-2` }]), reason: 'schema', rows: 1, validReadings: 2 },
    { subject: 'city.event.gas.420303', data: js({ id: `${tag}-ev`, ts, type: 'leak', severity: 'purple', title: '燃气泄漏' }), reason: 'schema', rows: 1, validReadings: 0 },
    { subject: 'city.asset.gas.420303.st-1', data: js({ id: 'st-2', ts, name: 'x', kind: 'k', lat: 32.6, lon: 110.8, owner: 'o', supervisor: 's' }), reason: 'schema', rows: 1, validReadings: 0 },
    { subject: 'city.inspection.gas.420303', data: js({ id: `${tag}-insp`, ts, asset: 'st-1', item: '阀门', result: 'maybe', inspector: '张三' }), reason: 'schema', rows: 1, validReadings: 0 },
    { subject: 'city.event.gas.420303', data: js({ id: `${tag}-ev-lat`, ts, type: 'leak', severity: 'red', title: 't', lat: 1e400 }), reason: 'schema', rows: 1, validReadings: 0 },
  ];
}
