import type { MalformedSample } from '../malformedSamples.js';

const enc = new TextEncoder();
const DAY_MS = 86_400_000;

/**
 * Messages the first version let through to the database or choked on (deep nesting, unpaired
 * surrogates, dates that do not exist, data older than the retention), each between valid readings
 * where an array allows, with the reason the decoder must give. `rawDays` is the engine's retention.
 */
export function poisonSamples(nowMs: number, tag: string, rawDays: number): MalformedSample[] {
  const ts = new Date(nowMs).toISOString();
  const good = (i: number): string => JSON.stringify({ id: `${tag}-pok-${i}`, ts, metric: 'lel_pct', value: 2.5 });
  const subj = 'city.telemetry.gas.420303.poison-src';
  const text = (subject: string, s: string, reason: MalformedSample['reason'], validReadings = 0): MalformedSample =>
    ({ subject, data: enc.encode(s), reason, rows: 1, validReadings });
  return [
    text(subj, `[${good(0)},${'['.repeat(30_000)}${']'.repeat(30_000)},${good(1)}]`, 'too_deep', 2),
    text(subj, `[${good(2)},${'{"a":'.repeat(9_000)}1${'}'.repeat(9_000)}]`, 'too_deep', 1),
    text('city.event.gas.420303', `${'['.repeat(20_000)}${']'.repeat(20_000)}`, 'too_deep'),
    text(subj, `[${good(3)},{"id":"${tag}-sur\\ud800","ts":"${ts}","metric":"lel_pct","value":1}]`, 'invalid_unicode', 1),
    text(subj, `{"id":"${tag}-sur\\udbff","ts":"${ts}","metric":"lel_pct","value":1}`, 'invalid_unicode'),
    text('city.event.gas.420303', `{"id":"${tag}-ev-sur","ts":"${ts}","type":"leak","severity":"red","title":"x\\udc00y"}`, 'invalid_unicode'),
    text('city.asset.gas.420303.poison-st', `{"id":"poison-st","ts":"${ts}","name":"n","kind":"k","lat":32.6,"lon":110.8,"owner":"o","supervisor":"s","attrs":{"a":"x\\udc00y"}}`, 'invalid_unicode'),
    text('city.inspection.gas.420303', `{"id":"${tag}-in-sur","ts":"${ts}","asset":"st-1","item":"\\ud83d","result":"pass","inspector":"z"}`, 'invalid_unicode'),
    text(subj, `{"id":"${tag}-feb30","ts":"2026-02-30T00:00:00Z","metric":"lel_pct","value":1}`, 'bad_timestamp'),
    text(subj, `{"id":"${tag}-jun31","ts":"2026-06-31T00:00:00+08:00","metric":"lel_pct","value":1}`, 'bad_timestamp'),
    text(subj, `{"id":"${tag}-h24","ts":"2026-06-13T24:00:00Z","metric":"lel_pct","value":1}`, 'bad_timestamp'),
    text(subj, `[${good(4)},{"id":"${tag}-old","ts":${nowMs - (rawDays + 1) * DAY_MS},"metric":"lel_pct","value":1}]`, 'expired', 1),
    text('city.event.gas.420303', `{"id":"${tag}-ev-old","ts":${nowMs - (rawDays + 1) * DAY_MS},"type":"leak","severity":"red","title":"t"}`, 'expired'),
  ];
}
