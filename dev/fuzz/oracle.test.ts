import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, type Decoded } from '../../analytics/common/decode.js';
import { PERMIT_TYPES } from '../../analytics/common/feedSchemas.js';
import { FeedMaterializer, permitFeedSpec } from './arbitraries.js';
import { CI_SEED } from './fuzzRunner.js';
import { FuzzTarget, FUZZ_STREAM } from './fuzzTarget.js';
import {
  compareWithDatabase, ContractJudge, contractInstant, readDatabase, readWholeStream, realDay, RETENTION_MS, type MessageVerdict, type StoredRows,
} from './oracle.js';

const enc = new TextEncoder();
const DAY = 86_400_000;

describe('the contract judge', () => {
  it('names no instant for impossible dates and accepts the leap second at the end of a UTC day', () => {
    expect(contractInstant('2026-02-30T00:00:00Z')).toBeNull();
    expect(contractInstant('2026-06-31T08:00:00+08:00')).toBeNull();
    expect(contractInstant('2026-06-13T24:00:00Z')).toBeNull();
    expect(contractInstant('2026-06-13T10:00:00+24:00')).toBeNull();
    expect(contractInstant('2026-06-13T12:30:60Z')).toBeNull();
    expect(contractInstant('2028-02-29T00:00:00Z')).toEqual({ lo: Date.UTC(2028, 1, 29), hi: Date.UTC(2028, 1, 29) });
    const leap = Date.UTC(2026, 5, 13, 23, 59, 59);
    expect(contractInstant('2026-06-13T23:59:60Z')).toEqual({ lo: leap, hi: leap + 1000 });
    expect(contractInstant('2026-06-13t06:42:10.250+08:00')).toEqual({ lo: Date.UTC(2026, 5, 12, 22, 42, 10, 250), hi: Date.UTC(2026, 5, 12, 22, 42, 10, 250) });
    expect(contractInstant('2026-06-13T06:42:10')).toBe('shape');
  });

  it('judges surrogates, extreme numbers, retention and ids per kind', () => {
    const now = Date.now();
    const j = new ContractJudge();
    const t = (subject: string, body: string, seq: number) => j.judge(subject, enc.encode(body), now, seq);
    const r = (id: string, extra = ''): string => `{"id":${JSON.stringify(id)},"ts":${now - 1000},"metric":"lel_pct","value":1${extra}}`;
    expect(t('city.telemetry.gas.420303.a', `[${r('sur\ud800')},${r('sur\udbff')}]`, 1).rejections.map((x) => x.reasons)).toEqual([['invalid_unicode'], ['invalid_unicode']]);
    expect(t('city.telemetry.gas.420303.a', '{"id":"big","ts":1,"metric":"lel_pct","value":1e19}', 2).rejections[0]?.reasons).toEqual(['expired']);
    expect(t('city.telemetry.gas.420303.a', `{"id":"big","ts":${now - 1000},"metric":"lel_pct","value":1e19}`, 3).stored).toHaveLength(1);
    expect(t('city.telemetry.gas.420303.a', `{"id":"inf","ts":${now - 1000},"metric":"lel_pct","value":1e400}`, 4).rejections[0]?.reasons).toEqual(['non_finite']);
    expect(t('city.telemetry.gas.420303.a', r('event:X'), 5).stored).toHaveLength(1);
    expect(t('city.event.gas.420303', `{"id":"X","ts":${now - 1000},"type":"leak","severity":"red","title":"t"}`, 6).stored).toHaveLength(1);
    expect(t('city.telemetry.gas.420303.b', r('event:X'), 7).duplicates).toBe(1);
    expect(t('city.telemetry.gas.420303.a', `{"id":"old","ts":${now - 31 * DAY},"metric":"m","value":1}`, 8).rejections[0]?.reasons).toEqual(['expired']);
    const deep = t('city.telemetry.gas.420303.a', `[${'{"a":'.repeat(9000)}1${'}'.repeat(9000)},${r('good')}]`, 9);
    expect([deep.stored.length, deep.rejections.length, deep.wholeRefusal?.rejections.length]).toEqual([1, 1, 1]);
    expect(t('city.asset.gas.420303.st-1', `{"id":"st-1","ts":${now - 1000},"name":"n","kind":"k","lat":1,"lon":1,"owner":"o","supervisor":"s","attrs":{"k":"x\\udc00y"}}`, 10).rejections[0]?.reasons).toEqual(['invalid_unicode']);
  });

  it('judges permits records by their schema and the contract: real days, the subject\'s asset, valid Unicode, kept whatever their age', () => {
    const now = Date.now();
    const j = new ContractJudge();
    const subject = 'city.permit.building.420303.b-7';
    const permit = (o: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'fire', number: 'F-1', department: '张湾区消防救援大队', issued: '2017-05-01', status: 'valid', ...o });
    const body = (o: Record<string, unknown> = {}): string => JSON.stringify({ ts: now - 1000, asset: 'b-7', permits: [permit()], ...o });
    let seq = 0;
    const t = (b: string, s = subject): MessageVerdict => j.judge(s, enc.encode(b), now, ++seq);
    const reasons = (v: MessageVerdict): unknown => v.rejections.map((r) => r.reasons);

    const every = PERMIT_TYPES.map((type, i) => permit({ type, number: `建字第${i}号`, department: '十堰市自然资源和规划局'.padEnd(200, '局'), use: i % 2 === 0 ? 'residential' : undefined }));
    const whole = t(body({ use: 'catering', permits: every }));
    expect(whole.stored).toMatchObject([{ kind: 'permits', asset: 'b-7', use: 'catering', permits: JSON.parse(JSON.stringify(every)) as unknown }]);
    expect(t(body({ permits: [] })).stored).toHaveLength(1);
    // no id: a repeated record is another version, never a duplicate
    expect([t(body()).stored.length, t(body()).duplicates]).toEqual([1, 0]);
    expect(t(body({ ts: 0 })).stored).toHaveLength(1);
    expect(t(body({ permits: [permit({ issued: '0000-02-29', expires: '9999-12-31' })] })).stored).toHaveLength(1);
    expect(t(body({ permits: [permit({ issued: '2020-01-01', expires: '2019-12-31' })] })).stored).toHaveLength(1);
    expect(t(body({ permits: [permit(), permit()] })).stored).toHaveLength(1);
    expect(t(body({ permits: [permit({ number: 'F\u0000\t\u2028' })] })).stored).toHaveLength(1);
    expect(t(body({ x: { y: [1, { z: 2 }] } })).stored).toHaveLength(1);

    expect(reasons(t(body({ permits: [permit({ issued: '2023-02-29' })] })))).toEqual([['bad_timestamp']]);
    expect(reasons(t(body({ permits: [permit({ expires: '1900-02-29' })] })))).toEqual([['bad_timestamp']]);
    expect(reasons(t(body({ asset: 'b-8' })))).toEqual([['schema']]);
    expect(reasons(t(body({ permits: Array.from({ length: 25 }, () => permit()) })))).toEqual([['schema']]);
    expect(reasons(t(body({ permits: 'none' })))).toEqual([['schema']]);
    expect(reasons(t(body({ permits: [permit({ expires: '2026-6-1' })] })))).toEqual([['schema']]);
    expect(reasons(t(body({ ts: now + 86_400_000 })))).toEqual([['future_ts']]);
    expect(reasons(t(`{"ts":${now},"asset":"b-7","permits":[{"type":"fire","number":"F\\ud800","department":"d","issued":"2017-05-01","status":"valid"}]}`))).toEqual([['invalid_unicode']]);
    expect(reasons(t(`{"ts":${now},"asset":"b-7","x":1e400,"permits":[]}`))).toEqual([['non_finite']]);
    expect(reasons(t(body(), 'city.permit.building.420303'))).toEqual([['bad_subject']]);
    expect(reasons(t(body(), 'city.permits.building.420303.b-7'))).toEqual([['bad_subject']]);
    // two faults: the contract does not say which reason wins
    expect(reasons(t(body({ asset: 'b-8', permits: [permit({ issued: '2026-02-30' })] })))).toEqual([null]);
    expect(['0000-02-29', '0050-06-01', '9999-12-31'].every(realDay)).toBe(true);
    expect(['1900-02-29', '0099-02-29', '2026-13-01', '2026-00-01'].some(realDay)).toBe(false);
  });

  it('reports a database that differs from the stream', () => {
    const now = Date.now();
    const msgs = [{ seq: 1, subject: 'city.telemetry.gas.420303.a', data: enc.encode(`{"id":"r1","ts":${now},"metric":"m","value":2}`), timeMs: now }];
    const good: StoredRows = {
      readings: [{ msg_id: 'r1', ts_ms: now, value: 2, metric: 'm', unit: null, quality: 'good', domain: 'gas', district: '420303', asset: 'a', seq: 1 }],
      events: [], assets: [], inspections: [], permits: [], quarantine: [], totals: { received: 1, stored: 1, quarantined: 0, duplicates: 0 },
    };
    expect(compareWithDatabase(msgs, good).problems).toEqual([]);
    expect(compareWithDatabase(msgs, { ...good, readings: [] }).problems.join('\n')).toMatch(/stored 0 times/);
    expect(compareWithDatabase(msgs, { ...good, readings: [...good.readings, ...good.readings] }).problems.join('\n')).toMatch(/stored 2 times/);
    expect(compareWithDatabase(msgs, { ...good, readings: [{ ...good.readings[0]!, value: 3 }] }).problems.join('\n')).toMatch(/value 3, expected 2/);

    const subject = 'city.permit.building.420303.b-7';
    const record = { ts: now, asset: 'b-7', permits: [{ type: 'fire', number: 'F\u0000', department: '消防', issued: '2017-05-01', status: 'valid' }] };
    const pmsgs = [{ seq: 1, subject, data: enc.encode(JSON.stringify({ ...record, permits: [{ ...record.permits[0], x_extra: 1 }] })), timeMs: now }];
    const stored: StoredRows = {
      readings: [], events: [], assets: [], inspections: [], quarantine: [], totals: { received: 1, stored: 1, quarantined: 0, duplicates: 0 },
      permits: [{ asset: 'b-7', ts_ms: now, use: null, permits: JSON.stringify(record.permits), domain: 'building', district: '420303', seq: 1 }],
    };
    expect(compareWithDatabase(pmsgs, stored).problems).toEqual([]);
    expect(compareWithDatabase(pmsgs, { ...stored, permits: [] }).problems.join('\n')).toMatch(/permits record of "b-7" .* stored 0 times/);
    const changed = JSON.stringify([{ ...record.permits[0], number: 'F' }]);
    expect(compareWithDatabase(pmsgs, { ...stored, permits: [{ ...stored.permits[0]!, permits: changed }] }).problems.join('\n')).toMatch(/holds .*expected/);
  });
});

/** What the decoder says of one message, in the oracle's terms: the permits it stores, or the reasons of its refusals. */
function decoderSays(d: Decoded): { stored: unknown[]; reasons: string[] } {
  switch (d.kind) {
    case 'permit': return { stored: [{ asset: d.asset, tsMs: d.tsMs, use: d.permits.use ?? null, permits: d.permits.permits }], reasons: [] };
    case 'rejected': return { stored: [], reasons: d.rejections.map((r) => r.reason) };
    default: return { stored: [d.kind], reasons: [] };
  }
}

describe('the decoder against the contract judge on permits records', () => {
  it('stores what the contract stores and refuses the rest with the reason the contract gives, on every generated permits message', () => {
    let stored = 0;
    const reasons = new Map<string, number>();
    fc.assert(fc.property(fc.array(permitFeedSpec, { minLength: 1, maxLength: 4 }), (specs) => {
      const now = Date.now();
      const m = new FeedMaterializer('d', now);
      const judge = new ContractJudge();
      for (const msg of specs.flatMap((x) => m.messages(x))) {
        const v = judge.judge(msg.subject, msg.data, now, 1);
        const d = decoderSays(decodeMessage(msg.subject, msg.data, now, { oldestMs: now - RETENTION_MS }));
        const what = `${msg.label} on ${msg.subject}: ${new TextDecoder().decode(msg.data.subarray(0, 600))}`;
        // the instant as the decoder names it, when it lies in the contract's range (a leap second is one of two
        // instants; a fraction below the millisecond may be cut)
        const decodedTs = (d.stored[0] as { tsMs?: number } | undefined)?.tsMs ?? NaN;
        const expected = v.stored.map((e) => (e.kind === 'permits'
          ? { asset: e.asset, tsMs: decodedTs >= e.tsMs - 1 && decodedTs <= e.tsMaxMs + 1 ? decodedTs : e.tsMs, use: e.use, permits: e.permits }
          : e.kind));
        // a record nested deeper than any contract shape may be refused whole for its depth
        const whole = v.wholeRefusal !== undefined && d.stored.length === 0 && d.reasons.length === 1;
        if (!whole) {
          expect(d.stored, what).toEqual(expected);
          expect(d.reasons.length, what).toBe(v.rejections.length);
          for (const [i, r] of v.rejections.entries()) if (r.reasons !== null) expect(r.reasons, `${what}: the decoder said ${String(d.reasons[i])}`).toContain(d.reasons[i]);
        }
        stored += d.stored.length;
        for (const r of d.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
      }
    }), { seed: CI_SEED, numRuns: 1000 });
    // the generators reach both sides of the contract, and every reason a permits message can get
    console.log(`permits records: ${stored} stored; refused ${JSON.stringify(Object.fromEntries(reasons))}`);
    expect(stored).toBeGreaterThan(300);
    expect([...reasons.keys()].sort()).toEqual(['bad_subject', 'bad_timestamp', 'future_ts', 'invalid_json', 'invalid_unicode', 'invalid_utf8', 'non_finite', 'schema', 'too_deep', 'too_large', 'unknown_domain']);
  });
});

/** The edge cases issue 9 names, each once, mixed with good readings. */
function edgeCorpus(now: number): { subject: string; body: string | Uint8Array }[] {
  const r = (id: string, ts: unknown, value: string, metric = 'lel_pct'): string => `{"id":${JSON.stringify(id)},"ts":${JSON.stringify(ts)},"metric":"${metric}","value":${value}}`;
  const day = new Date(now - 3 * DAY).toISOString().slice(0, 10);
  const y = new Date(now).getUTCFullYear();
  const tel = 'city.telemetry.gas.420303.gw7';
  return [
    { subject: tel, body: r('ok-1', now - 1000, '27.5') },
    { subject: tel, body: r('big-1e19', now - 1000, '1e19') },
    { subject: tel, body: `[${r('ok-2', now - 900, '-0')},${r('tiny', now - 800, '5e-324')},${r('inf', now - 700, '1e400')},${r('ok-2', now - 600, '1')}]` },
    { subject: tel, body: `[${r('sur\ud800', now - 500, '1')},${r('sur\udbff', now - 400, '1')}]` },
    { subject: tel, body: r('feb30', `${y}-02-30T00:00:00Z`, '1') },
    { subject: tel, body: r('jun31', `${y}-06-31T00:00:00Z`, '1') },
    { subject: tel, body: r('h24', `${day}T24:00:00Z`, '1') },
    { subject: tel, body: r('leap', `${day}T23:59:60Z`, '1') },
    { subject: tel, body: r('old', now - 40 * DAY, '1') },
    { subject: tel, body: r('future', now + DAY, '1') },
    { subject: tel, body: `${'['.repeat(30_000)}${']'.repeat(30_000)}` },
    { subject: tel, body: `[${'{"a":'.repeat(9_000)}1${'}'.repeat(9_000)},${r('beside-deep', now - 300, '3')}]` },
    { subject: tel, body: r('event:EV-1', now - 200, '4') },
    { subject: 'city.event.gas.420303', body: `{"id":"EV-1","ts":${now - 100},"type":"gas_leak","severity":"red","title":"可燃气体二级报警"}` },
    { subject: 'city.asset.gas.420303.st-1', body: `{"id":"st-1","ts":${now - 100},"name":"调压站","kind":"regulator","lat":32.6,"lon":110.7,"owner":"o","supervisor":"s","attrs":{"note":"x\\udc00y"}}` },
    { subject: 'city.asset.gas.420303.st-2', body: `{"id":"st-2","ts":${now - 100},"name":"调压站2","kind":"regulator","lat":32.6,"lon":110.7,"owner":"o","supervisor":"s","attrs":{"depth_m":12.5}}` },
    { subject: 'city.inspection.gas.420303', body: `{"id":"IN-1","ts":${now - 100},"asset":"st-1","item":"阀门","result":"fail","level":"major","inspector":"张工"}` },
    { subject: 'city.telemetry.gas.4203.gw7', body: r('bad-subject', now, '1') },
    { subject: tel, body: new Uint8Array([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]) },
    { subject: tel, body: r('ok-3', now - 50, '9') },
    ...permitsCorpus(now),
  ];
}

/** Permits records a careless or hostile municipal system sends, beside a building of the registry. */
function permitsCorpus(now: number): { subject: string; body: string }[] {
  const subject = 'city.permit.building.420303.b-7';
  const permit = (type: string, number: string, issued: string, o: Record<string, unknown> = {}): Record<string, unknown> => ({ type, number, department: '十堰市住房和城乡建设局', issued, status: 'valid', ...o });
  const body = (permits: unknown, o: Record<string, unknown> = {}): string => JSON.stringify({ ts: now - 500, asset: 'b-7', use: 'hotel', permits, ...o });
  const chain = [permit('project', '立项2015001', '2015-01-10'), permit('land', '用地2015002', '2015-03-01'), permit('planning', '建字第4203032015003号', '2015-06-01'),
    permit('construction', '施工2015004', '2015-09-01', { expires: '2016-09-01' }), permit('fire', '消防2017005', '2017-05-01', { department: '张湾区消防救援大队'.padEnd(200, '队') }),
    permit('special_trade', '特行2018006', '2018-01-01', { expires: '2020-12-31', status: 'expired', use: 'hotel' })];
  const padded = (bytes: number): string => {
    const b = body(chain);
    return `{"pad":"${'x'.repeat(bytes - enc.encode(b).byteLength - '"pad":"",'.length)}",${b.slice(1)}`;
  };
  return [
    { subject: 'city.asset.building.420303.b-7', body: JSON.stringify({ id: 'b-7', ts: now - 600, name: '张湾区旅馆7号', kind: 'hotel', lat: 32.63, lon: 110.78, owner: '业主', supervisor: '十堰市住房和城乡建设局' }) },
    { subject, body: body(chain) },
    { subject, body: body([permit('fire', 'F\u0000\t\u2028', '0000-02-29', { expires: '0099-12-31' })]) },
    { subject, body: body([permit('fire', 'F-1', '2020-01-01', { expires: '2019-12-31' }), permit('fire', 'F-1', '2020-01-01')]) },
    { subject, body: body([], { ts: 0, use: undefined }) },
    { subject, body: body([permit('fire', 'F-2', '2023-02-29')]) },
    { subject, body: body(chain, { asset: 'b-8' }) },
    { subject, body: `{"ts":${now - 400},"asset":"b-7","permits":[{"type":"fire","number":"F-3","department":"消防\\udc00","issued":"2017-05-01","status":"valid"}]}` },
    { subject, body: body(Array.from({ length: 25 }, (_, i) => permit('fire', `F-${i}`, '2017-05-01'))) },
    { subject, body: body(chain, { ts: now + 86_400_000 }) },
    { subject, body: body({ 0: chain[0] }) },
    { subject, body: '[]' },
    { subject, body: '' },
    { subject, body: `{"ts":${now - 300},"asset":"b-7","permits":[${'['.repeat(9_000)}${']'.repeat(9_000)}]}` },
    { subject: 'city.permit.building.420303', body: body(chain) },
    { subject: 'city.permit.building.420303.b-7.x', body: body(chain) },
    { subject, body: padded(64 * 1024) },
    { subject, body: padded(64 * 1024 + 1) },
  ];
}

describe('the stored data against an independent reading of the stream', () => {
  it('holds every valid reading of the edge corpus exactly once and every refused one in quarantine', async () => {
    const target = await FuzzTarget.start('oracle');
    try {
      const now = Date.now();
      await target.publish(edgeCorpus(now).map((m) => ({ subject: m.subject, data: typeof m.body === 'string' ? enc.encode(m.body) : m.body })));
      const h = await target.caughtUp();
      expect(h.ingest.received).toBe(h.ingest.stored + h.ingest.quarantined + h.ingest.duplicates);
      // the permit rules judge what was stored: the building with its permits is checked
      const permits = await target.query('permits', {});
      expect(permits.ok && (permits.data as { districts: unknown[] }).districts).toEqual([{ district: '420303', assets: 1, checked: 1, clean: expect.any(Number) as number, findings: expect.any(Number) as number, cases: 0, closed: 0 }]);
      expect(await target.stopEngine(), `clean stop; last output:\n${target.outputTail()}`).toBe(0);
      const report = compareWithDatabase(await readWholeStream(target.nats.url, FUZZ_STREAM), await readDatabase(target.dbPath));
      console.log(`oracle over the edge corpus: ${report.messages} messages, expected ${JSON.stringify(report.expected)}`);
      expect(report.problems).toEqual([]);
    } finally {
      await target.dispose();
    }
  });
});
