import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { engineSuite } from '../../../dev/testing/engineSuite.js';
import { waitFor } from '../../../dev/testing/harness.js';
import { AckedPublisher, readingMessages, type PublishedMessage } from '../../../dev/testing/jsPublisher.js';
import type { OpsAction } from '../../common/ops/opsEvents.js';

/**
 * Permits records through a real nats-server between valid traffic: the valid one is stored and
 * judged, each malformed one is in quarantine with its reason, ingest keeps running and the
 * counters add up; a finding opened as a case twice is one case, whose approver is the department.
 */
const suite = engineSuite();

const building = (now: number): string => JSON.stringify({ id: 'b-7', ts: now, name: '张湾区老旧房屋7号', kind: 'old_building', lat: 32.63, lon: 110.78, owner: '业主委员会', supervisor: '十堰市住房和城乡建设局' });
const permit = (type: string, issued: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type, number: `${type}-7`, department: `${type}部门`, issued, status: 'valid', ...extra });
const chain = [permit('project', '2015-01-10'), permit('land', '2015-03-01'), permit('planning', '2015-06-01'), permit('construction', '2015-09-01')];
const subject = 'city.permit.building.420303.b-7';

describe('permits records on the feed', () => {
  it('stores the valid record, quarantines each malformed one with its reason, and never stops ingest', async () => {
    const jsm = await jetstreamManager(suite.nc);
    await jsm.streams.delete('CITY').catch(() => undefined);
    await jsm.streams.add({ name: 'CITY', subjects: ['city.>'] });
    const now = Date.now() - 1000;
    const body = (o: Record<string, unknown>): string => JSON.stringify({ ts: now, asset: 'b-7', use: 'residential', permits: chain, ...o });
    const bad: { subject: string; body: string }[] = [
      { subject, body: body({ permits: [permit('fire', '2017-05-01', { status: 'lapsed' })] }) }, // schema: unknown status
      { subject, body: body({ permits: [permit('fire', '2017-02-30')] }) }, // bad_timestamp: no 30 February
      { subject, body: body({ permits: [permit('fire', '2017-05-01', { expires: '2031-13-01' })] }) }, // bad_timestamp
      { subject, body: body({ asset: 'b-8' }) }, // schema: not the subject's asset
      { subject, body: `{"ts":${now},"asset":"b-7","permits":[{"type":"fire","number":"F","department":"消防\\ud800","issued":"2017-05-01","status":"valid"}]}` }, // invalid_unicode
      { subject, body: body({ permits: 'none' }) }, // schema
      { subject: 'city.permit.building.420303', body: body({}) }, // bad_subject: no asset token
      { subject, body: '{"ts":' }, // invalid_json
    ];
    const messages: PublishedMessage[] = [
      ...readingMessages('pm-a', 100, 10),
      { subject: 'city.asset.building.420303.b-7', body: building(now), msgId: 'pm-asset' },
      ...bad.map((m, i) => ({ ...m, msgId: `pm-bad-${i}` })),
      { subject, body: body({}), msgId: 'pm-good' },
      ...readingMessages('pm-b', 100, 10),
    ];
    await new AckedPublisher(suite.nc).publishAll(messages, 1);
    const e = await suite.engineOn(suite.config({}, 'permits'));
    const received = 200 + 2 + bad.length;
    await waitFor(() => e.health().ingest.received >= received, `${received} received`);
    expect(e.health().ingest).toMatchObject({ received, stored: 202, quarantined: bad.length, duplicates: 0, running: true, lastError: null });
    const q = await e.db.queryRows("SELECT reason, count(*)::INTEGER AS n FROM quarantine WHERE subject LIKE 'city.permit.%' GROUP BY reason ORDER BY reason");
    expect(Object.fromEntries(q.map((r) => [r['reason'], r['n']]))).toEqual({ bad_subject: 1, bad_timestamp: 2, invalid_json: 1, invalid_unicode: 1, schema: 3 });
    const details = (await e.db.queryRows("SELECT detail FROM quarantine WHERE reason = 'bad_timestamp' ORDER BY detail")).map((r) => r['detail']);
    expect(details).toEqual(['permits.0.expires 2031-13-01 is not a real day', 'permits.0.issued 2017-02-30 is not a real day']);
    expect(await e.db.queryRows('SELECT asset, use, json_array_length(permits)::INTEGER AS n FROM permit_versions')).toEqual([{ asset: 'b-7', use: 'residential', n: 4 }]);

    // the stored record is judged: a building without its fire permit, the competent authority responsible
    const r = await e.query('permits', {});
    expect(r.findings.map((f) => [f.asset, f.kind, f.type, f.department, f.grade, f.stage])).toEqual([['b-7', 'missing', 'fire', null, 'major', null]]);
    expect(r.districts).toEqual([{ district: '420303', assets: 1, checked: 1, clean: 0, findings: 1, cases: 0, closed: 0 }]);

    // opened as a case: the engine builds it from the finding; a second opening is refused, the case stays one
    const f = r.findings[0]!;
    const ask: OpsAction = {
      kind: 'hazard.raise', hazard: f.id, grade: 'general', title: 'forged', domain: 'gas', district: '420302', asset: 'x', fromAlarm: null,
      fromPermit: { finding: f.id, kind: 'missing', type: 'fire', number: null, department: 'forged' }, responsible: { owner: null, supervisor: null, approver: null },
    };
    await e.submitAction(ask, 'console-1', 'shift_leader');
    await waitFor(() => e.controlRoom.state.hazards.has(f.id), 'the case is applied');
    await expect(e.submitAction(ask, 'console-2', 'shift_leader')).rejects.toThrow(/exists/);
    await expect(e.submitAction({ ...ask, hazard: 'pmt.missing.fire.420303.nope.00000000', fromPermit: { ...ask.fromPermit!, finding: 'x' } }, 'console-1', 'shift_leader')).rejects.toThrow(/no such permit finding/);
    await expect(e.submitAction(ask, 'wall-1', 'wall')).rejects.toThrow();
    const h = e.controlRoom.state.hazards.get(f.id)!;
    expect(h).toMatchObject({ domain: 'building', district: '420303', asset: 'b-7', grade: 'major', responsible: { owner: '业主委员会', approver: '住房和城乡建设部门（消防设计审查验收，应审批）' } });
    expect(h.source).toMatchObject({ kind: 'permit', finding_kind: 'missing', type: 'fire' });
    expect((await e.query('permits', {})).findings[0]?.stage).toBe('found');
    expect([...e.controlRoom.state.hazards.values()].filter((x) => x.source.kind === 'permit')).toHaveLength(1);
  });
});
