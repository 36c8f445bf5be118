import { describe, expect, it } from 'vitest';
import { FuzzTarget, FUZZ_STREAM } from './fuzzTarget.js';
import { compareWithDatabase, ContractJudge, contractInstant, readDatabase, readWholeStream, type StoredRows } from './oracle.js';

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

  it('reports a database that differs from the stream', () => {
    const now = Date.now();
    const msgs = [{ seq: 1, subject: 'city.telemetry.gas.420303.a', data: enc.encode(`{"id":"r1","ts":${now},"metric":"m","value":2}`), timeMs: now }];
    const good: StoredRows = {
      readings: [{ msg_id: 'r1', ts_ms: now, value: 2, metric: 'm', unit: null, quality: 'good', domain: 'gas', district: '420303', asset: 'a', seq: 1 }],
      events: [], assets: [], inspections: [], quarantine: [], totals: { received: 1, stored: 1, quarantined: 0, duplicates: 0 },
    };
    expect(compareWithDatabase(msgs, good).problems).toEqual([]);
    expect(compareWithDatabase(msgs, { ...good, readings: [] }).problems.join('\n')).toMatch(/stored 0 times/);
    expect(compareWithDatabase(msgs, { ...good, readings: [...good.readings, ...good.readings] }).problems.join('\n')).toMatch(/stored 2 times/);
    expect(compareWithDatabase(msgs, { ...good, readings: [{ ...good.readings[0]!, value: 3 }] }).problems.join('\n')).toMatch(/value 3, expected 2/);
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
      expect(await target.stopEngine(), `clean stop; last output:\n${target.outputTail()}`).toBe(0);
      const report = compareWithDatabase(await readWholeStream(target.nats.url, FUZZ_STREAM), await readDatabase(target.dbPath));
      console.log(`oracle over the edge corpus: ${report.messages} messages, expected ${JSON.stringify(report.expected)}`);
      expect(report.problems).toEqual([]);
    } finally {
      await target.dispose();
    }
  });
});
