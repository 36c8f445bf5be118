import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { malformedSamples } from './malformedSamples.js';
import { decodeMessage, MAX_FUTURE_MS, QUARANTINE_REASONS } from './decode.js';

const enc = new TextEncoder();
const NOW = Date.parse('2026-06-13T06:45:00+08:00');
const reading = { id: 'gw7-000123', ts: '2026-06-13T06:42:10.250+08:00', metric: 'lel_pct', value: 27.5, unit: '%LEL', quality: 'good' };

describe('decodeMessage', () => {
  it('decodes the contract example reading', () => {
    const d = decodeMessage('city.telemetry.gas.420303.gw7', enc.encode(JSON.stringify(reading)), NOW);
    expect(d).toMatchObject({ kind: 'telemetry', domain: 'gas', district: '420303', asset: 'gw7', rejections: [] });
    if (d.kind !== 'telemetry') throw new Error('not telemetry');
    expect(d.readings).toEqual([{ id: 'gw7-000123', tsMs: Date.parse('2026-06-13T06:42:10.250+08:00'), metric: 'lel_pct', value: 27.5, unit: '%LEL', quality: 'good' }]);
  });

  it('accepts epoch milliseconds and defaults quality to good', () => {
    const d = decodeMessage('city.telemetry.gas.420303.gw7', enc.encode(JSON.stringify({ id: 'a', ts: NOW - 1000, metric: 'x', value: -1 })), NOW);
    expect(d.kind === 'telemetry' && d.readings[0]).toMatchObject({ tsMs: NOW - 1000, quality: 'good', unit: null });
  });

  it('judges an array element by element', () => {
    const arr = [reading, { ...reading, id: 'b', value: 'x' }, { ...reading, id: 'c' }];
    const d = decodeMessage('city.telemetry.gas.420303.gw7', enc.encode(JSON.stringify(arr)), NOW);
    if (d.kind !== 'telemetry') throw new Error('not telemetry');
    expect(d.readings.map((r) => r.id)).toEqual(['gw7-000123', 'c']);
    expect(d.rejections).toHaveLength(1);
    expect(d.rejections[0]?.reason).toBe('schema');
    expect(d.rejections[0]?.payload).toContain('"id":"b"');
  });

  it('gives every malformed kind of the contract its own reason', () => {
    const samples = malformedSamples(NOW, 't');
    const seen = new Set<string>();
    for (const s of samples) {
      const d = decodeMessage(s.subject, s.data, NOW);
      const rejections = d.kind === 'rejected' || d.kind === 'telemetry' ? d.rejections : [];
      expect(rejections.map((r) => r.reason), `${s.subject} ${new TextDecoder().decode(s.data.slice(0, 80))}`).toEqual([s.reason]);
      expect(rejections[0]?.detail.length).toBeGreaterThan(0);
      seen.add(s.reason);
      if (d.kind === 'telemetry') expect(d.readings).toHaveLength(s.validReadings);
    }
    expect([...seen].sort()).toEqual([...QUARANTINE_REASONS].sort());
  });

  it('accepts a timestamp just inside the future limit and refuses one just past it', () => {
    const at = (ms: number): string => decodeMessage('city.telemetry.gas.420303.a', enc.encode(JSON.stringify({ ...reading, ts: ms })), NOW).kind;
    expect(at(NOW + MAX_FUTURE_MS)).toBe('telemetry');
    const past = decodeMessage('city.telemetry.gas.420303.a', enc.encode(JSON.stringify({ ...reading, ts: NOW + MAX_FUTURE_MS + 1 })), NOW);
    expect(past.kind === 'telemetry' && past.rejections[0]?.reason).toBe('future_ts');
  });

  it('never throws, whatever the bytes and subject', () => {
    fc.assert(fc.property(fc.string(), fc.uint8Array({ maxLength: 300 }), (subject, bytes) => {
      const d = decodeMessage(subject, bytes, NOW);
      expect(['rejected', 'telemetry', 'event', 'asset', 'inspection']).toContain(d.kind);
    }), { numRuns: 2000 });
  });

  it('never throws on arbitrary JSON, and every value it keeps is finite', () => {
    const subjects = fc.constantFrom('city.telemetry.gas.420303.a1', 'city.event.water.420302', 'city.asset.bridge.420381.b1', 'city.inspection.park.420325');
    fc.assert(fc.property(subjects, fc.jsonValue(), (subject, v) => {
      const d = decodeMessage(subject, enc.encode(JSON.stringify(v)), NOW);
      if (d.kind === 'telemetry') for (const r of d.readings) expect(Number.isFinite(r.value) && Number.isFinite(r.tsMs)).toBe(true);
    }), { numRuns: 2000 });
  });

  it('counts each reading of an array once: kept plus rejected equals the array length', () => {
    const item = fc.oneof(
      fc.record({ id: fc.string({ minLength: 1, maxLength: 10 }), ts: fc.constant(NOW - 5), metric: fc.constantFrom('a', 'b_1', 'BAD'), value: fc.oneof(fc.double(), fc.string()) }),
      fc.jsonValue(),
    );
    fc.assert(fc.property(fc.array(item, { minLength: 1, maxLength: 50 }), (items) => {
      const d = decodeMessage('city.telemetry.gas.420303.a1', enc.encode(JSON.stringify(items)), NOW);
      if (d.kind !== 'telemetry') throw new Error(`unexpected ${d.kind}`);
      expect(d.readings.length + d.rejections.length).toBe(items.length);
    }), { numRuns: 500 });
  });
});
