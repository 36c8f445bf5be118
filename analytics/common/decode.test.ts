import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { malformedSamples } from './malformedSamples.js';
import { poisonSamples } from './testing/poisonSamples.js';
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
    const samples = [...malformedSamples(NOW, 't'), ...poisonSamples(NOW, 't', 30)];
    // only the writer gives store_rejected: the database refused a row the decoder let through
    const seen = new Set<string>(['store_rejected']);
    for (const s of samples) {
      const d = decodeMessage(s.subject, s.data, NOW, { oldestMs: NOW - 30 * 86_400_000 });
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

const tel = 'city.telemetry.gas.420303.gw7';
const decodeText = (subject: string, text: string, now = NOW, oldestMs?: number): ReturnType<typeof decodeMessage> =>
  decodeMessage(subject, enc.encode(text), now, oldestMs === undefined ? undefined : { oldestMs });
const reasons = (d: ReturnType<typeof decodeMessage>): string[] => (d.kind === 'rejected' || d.kind === 'telemetry' ? d.rejections.map((r) => r.reason) : []);

describe('decodeMessage on hostile nesting', () => {
  it('quarantines a 30,000-deep array inside a telemetry array without overflowing the stack', () => {
    const text = '['.repeat(30_000) + ']'.repeat(30_000);
    const d = decodeText(tel, text);
    expect(reasons(d)).toEqual(['too_deep']);
  });

  it('quarantines a 9,000-deep object inside an array and keeps its valid neighbours', () => {
    const deep = '{"a":'.repeat(9000) + '1' + '}'.repeat(9000);
    const text = `[${JSON.stringify(reading)},${deep},${JSON.stringify({ ...reading, id: 'after' })}]`;
    const d = decodeText(tel, text);
    if (d.kind !== 'telemetry') throw new Error(`unexpected ${d.kind}`);
    expect(d.readings.map((r) => r.id)).toEqual(['gw7-000123', 'after']);
    expect(d.rejections.map((r) => r.reason)).toEqual(['too_deep']);
    // the element's own text, not a re-serialisation of it
    expect(d.rejections[0]?.payload).toBe(deep);
  });

  it('quarantines deep nesting on every kind of subject', () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    for (const subject of ['city.event.water.420302', 'city.asset.bridge.420381.b1', 'city.inspection.park.420325', tel]) {
      expect(reasons(decodeText(subject, deep)), subject).toEqual(['too_deep']);
    }
  });

  it('ignores the unknown fields of a valid reading whatever their nesting (they are never read), and survives the deepest nesting 64 KiB holds', () => {
    const extra = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const d = decodeText(tel, `[{"id":"a","ts":${NOW - 1000},"metric":"m","value":1,"extra":${extra}}]`);
    expect(d.kind === 'telemetry' && d.readings.map((r) => r.id)).toEqual(['a']);
    expect(reasons(decodeText(tel, '['.repeat(65_536)))).toEqual(['invalid_json']);
    expect(reasons(decodeText(tel, '['.repeat(32_768) + ']'.repeat(32_768)))).toEqual(['too_deep']);
  });

  it('never throws on nesting of any depth, shape and position', () => {
    const subjects = fc.constantFrom(tel, 'city.event.water.420302', 'city.asset.bridge.420381.b1', 'city.inspection.park.420325');
    const opener = fc.constantFrom('[', '{"a":', '{"value":', '{"id":"x","ts":1,"metric":"m","value":');
    fc.assert(fc.property(subjects, fc.array(opener, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 32_000 }), fc.boolean(), fc.boolean(),
      (subject, openers, depth, inArray, balanced) => {
        let open = '';
        let close = '';
        for (let i = 0; i < depth; i++) {
          const o = openers[i % openers.length] ?? '[';
          open += o;
          close = (o === '[' ? ']' : '}') + close;
        }
        const body = open + '0' + (balanced ? close : close.slice(1));
        const text = inArray ? `[${JSON.stringify(reading)},${body}]` : body;
        if (text.length > 64 * 1024) return;
        const d = decodeText(subject, text);
        expect(['rejected', 'telemetry', 'event', 'asset', 'inspection']).toContain(d.kind);
      }), { numRuns: 300, seed: 20261127 });
  });
});

describe('decodeMessage on text that is not valid Unicode', () => {
  const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
  const escape = (s: string): string => s.replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  const ts = new Date(NOW - 1000).toISOString();
  const samples: { subject: string; payload: Record<string, unknown>; fields: string[] }[] = [
    { subject: tel, payload: { id: 'r1', ts, metric: 'lel_pct', value: 1, unit: 'u' }, fields: ['id', 'unit'] },
    { subject: 'city.event.gas.420303', payload: { id: 'e1', ts, type: 'leak', severity: 'red', title: 't', detail: 'd' }, fields: ['id', 'type', 'title', 'detail'] },
    { subject: 'city.asset.gas.420303.st-1', payload: { id: 'st-1', ts, name: 'n', kind: 'k', lat: 1, lon: 2, owner: 'o', supervisor: 's', approver: 'a', attrs: { k: 'v' } }, fields: ['name', 'kind', 'owner', 'supervisor', 'approver', 'attrs.k', 'attrs.<key>'] },
    { subject: 'city.inspection.gas.420303', payload: { id: 'i1', ts, asset: 'st-1', item: 'valve', result: 'fail', level: 'major', note: 'n', inspector: 'z' }, fields: ['id', 'item', 'note', 'inspector'] },
  ];

  it('stores neither of two ids that differ only in their unpaired surrogate', () => {
    for (const id of ['sur\\ud800', 'sur\\udbff']) {
      const d = decodeText(tel, `{"id":"${id}","ts":${NOW - 1000},"metric":"lel_pct","value":1}`);
      expect(reasons(d)).toEqual(['invalid_unicode']);
    }
  });

  it('quarantines an asset whose attrs hold a lone surrogate', () => {
    const d = decodeText('city.asset.gas.420303.st-1', `{"id":"st-1","ts":${NOW - 1000},"name":"n","kind":"k","lat":1,"lon":2,"owner":"o","supervisor":"s","attrs":{"a":"x\\udc00y"}}`);
    expect(reasons(d)).toEqual(['invalid_unicode']);
  });

  it('judges every text field of every kind the same way', () => {
    const cases = samples.flatMap((s) => s.fields.map((f) => ({ ...s, field: f })));
    fc.assert(fc.property(fc.constantFrom(...cases), lone, fc.boolean(), ({ subject, payload, field }, bad, asEscape) => {
      const p: Record<string, unknown> = structuredClone(payload);
      if (field === 'attrs.<key>') p['attrs'] = { [`k${bad}`]: 'v' };
      else if (field === 'attrs.k') p['attrs'] = { k: `v${bad}` };
      else p[field] = `${String(p[field])}${bad}`;
      const text = JSON.stringify(p);
      const d = decodeText(subject, asEscape ? escape(text) : text);
      expect(reasons(d), `${subject} ${field}`).toEqual(['invalid_unicode']);
    }), { numRuns: 300, seed: 20261127 });
  });

  it('keeps paired surrogates (characters beyond the BMP) in every field', () => {
    for (const s of samples) {
      const d = decodeText(s.subject, JSON.stringify({ ...s.payload, ...(s.subject === tel ? { id: 'r-😀' } : { id: s.payload['id'] }) }));
      expect(reasons(d)).toEqual([]);
    }
  });
});

describe('decodeMessage on timestamps', () => {
  const at = (ts: string): ReturnType<typeof decodeMessage> => decodeText(tel, JSON.stringify({ ...reading, ts }), Date.parse('2026-12-31T23:59:59Z'));

  it('refuses dates and times that name no real instant', () => {
    for (const ts of ['2026-02-30T00:00:00Z', '2026-06-31T12:00:00+08:00', '2026-06-13T24:00:00Z', '2026-02-29T00:00:00Z', '2026-06-13T12:60:00Z',
      '2026-06-13T12:30:60Z', '2026-00-10T00:00:00Z', '2026-06-00T00:00:00Z', '2026-06-13T12:00:00+24:00', '2026-06-13T12:00:00+08:60']) {
      expect(reasons(at(ts)), ts).toEqual(['bad_timestamp']);
    }
  });

  it('accepts 29 February of a leap year', () => {
    const d = decodeText(tel, JSON.stringify({ ...reading, ts: '2028-02-29T10:00:00Z' }), Date.parse('2028-03-01T00:00:00Z'));
    expect(d.kind === 'telemetry' && d.readings[0]?.tsMs).toBe(Date.parse('2028-02-29T10:00:00Z'));
  });

  it('accepts a leap second and stores it as the last millisecond of the minute', () => {
    for (const [ts, same] of [['2026-06-30T23:59:60Z', '2026-06-30T23:59:59.999Z'], ['2026-07-01T07:59:60.5+08:00', '2026-06-30T23:59:59.999Z'],
      ['2027-01-01T05:29:60+05:30', '2026-12-31T23:59:59.999Z']] as const) {
      const d = at(ts);
      expect(d.kind === 'telemetry' && d.readings[0]?.tsMs, ts).toBe(Date.parse(same));
    }
  });

  it('reads every real instant as Date.parse does', () => {
    const ms = fc.integer({ min: Date.parse('1970-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') });
    const offset = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });
    fc.assert(fc.property(ms, offset, fc.integer({ min: 0, max: 3 }), (t, off, digits) => {
      const local = new Date(t + off * 60_000).toISOString().slice(0, digits === 0 ? 19 : 20 + digits);
      const sign = off < 0 ? '-' : '+';
      const a = Math.abs(off);
      const ts = `${local}${off === 0 ? 'Z' : `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`}`;
      const d = at(ts);
      expect(d.kind === 'telemetry' && d.readings[0]?.tsMs, ts).toBe(Date.parse(ts));
    }), { numRuns: 2000, seed: 20261127 });
  });
});

describe('decodeMessage on data older than the retention', () => {
  const day = 86_400_000;
  it('quarantines readings, events and inspections older than the oldest instant kept, and keeps asset records', () => {
    const old = NOW - 31 * day;
    const oldest = NOW - 30 * day;
    const arr = [{ ...reading, ts: old }, { ...reading, id: 'fresh', ts: NOW - 1000 }];
    const d = decodeText(tel, JSON.stringify(arr), NOW, oldest);
    expect(d.kind === 'telemetry' && d.readings.map((r) => r.id)).toEqual(['fresh']);
    expect(reasons(d)).toEqual(['expired']);
    expect(reasons(decodeText('city.event.gas.420303', JSON.stringify({ id: 'e', ts: old, type: 'leak', severity: 'red', title: 't' }), NOW, oldest))).toEqual(['expired']);
    expect(reasons(decodeText('city.inspection.gas.420303', JSON.stringify({ id: 'i', ts: old, asset: 'a', item: 'x', result: 'pass', inspector: 'z' }), NOW, oldest))).toEqual(['expired']);
    const asset = decodeText('city.asset.gas.420303.st-1', JSON.stringify({ id: 'st-1', ts: old, name: 'n', kind: 'k', lat: 1, lon: 2, owner: 'o', supervisor: 's' }), NOW, oldest);
    expect(asset.kind).toBe('asset');
  });
});

describe('decodeMessage on prototype keys', () => {
  const asset = (attrsJson: string): string => `{"id":"pp1","ts":${Date.now() - 1000},"name":"基坑","kind":"foundation_pit","lat":32.6,"lon":110.8,"owner":"建设单位","supervisor":"住建局","attrs":${attrsJson}}`;
  const decode = (text: string): ReturnType<typeof decodeMessage> => decodeMessage('city.asset.construction.420303.pp1', new TextEncoder().encode(text), Date.now());

  it('refuses an asset whose attrs hold a __proto__ key instead of dropping it silently', () => {
    for (const attrs of ['{"__proto__":{"nested":{"deep":1}},"depth_m":3}', '{"__proto__":"str"}', '{"\\u005f_proto__":1}']) {
      const d = decode(asset(attrs));
      expect(d.kind, attrs).toBe('rejected');
      if (d.kind === 'rejected') expect(d.rejections[0]).toMatchObject({ reason: 'schema', detail: expect.stringContaining('__proto__') });
    }
  });

  it('keeps other keys that name Object members as data', () => {
    const d = decode(asset('{"constructor":"x","toString":1,"depth_m":3}'));
    expect(d.kind).toBe('asset');
    if (d.kind === 'asset') expect(d.record.attrs).toEqual({ constructor: 'x', toString: 1, depth_m: 3 });
  });
});
