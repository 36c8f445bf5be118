import { describe, expect, it } from 'vitest';
import type { OpsAction, Role } from '../../common/ops/opsEvents.js';
import type { Engine, EngineConfig } from '../engine.js';
import { engineSuite } from '../../../dev/testing/engineSuite.js';
import { waitFor } from '../../../dev/testing/harness.js';
import { AckedPublisher, type PublishedMessage } from '../../../dev/testing/jsPublisher.js';
import { ActionRefused } from './actionPrecheck.js';

/** 应急处置 across engines: an incident opened on one engine, worked on another, closed, its report the same on both and after a restart. */
const suite = engineSuite();
const D = '420303';
const config = (name: string, over: Partial<EngineConfig> = {}): EngineConfig => suite.config(over, name);
const act = (e: Engine, a: OpsAction, device = 'console-1', role: Role = 'shift_leader') => e.controlRoom.submit(a, device, role);

function city(tsMs: number, lel: number): PublishedMessage[] {
  const asset = (id: string, kind: string, domain: string, lat: number, owner: string, supervisor: string): PublishedMessage => ({
    subject: `city.asset.${domain}.${D}.${id}`, msgId: `asset-${id}-${tsMs}`,
    body: JSON.stringify({ id, ts: new Date(tsMs - 60_000).toISOString(), name: `${id} 名称`, kind, lat, lon: 110.78, owner, supervisor, approver: '十堰市住房和城乡建设局' }),
  });
  return [
    asset('market-1', 'market_detector', 'gas', 32.6, '市场经营户联合会', '十堰市市场监督管理局'),
    asset('school-1', 'school', 'building', 32.603, '第一中学', '十堰市教育局'),
    asset('school-far', 'school', 'building', 32.63, '远处中学', '十堰市教育局'),
    { subject: `city.telemetry.gas.${D}.market-1`, msgId: `r-${tsMs}`, body: JSON.stringify({ id: `r-${tsMs}`, ts: new Date(tsMs).toISOString(), metric: 'lel_pct', value: lel }) },
  ];
}

describe('an incident on the OPS stream', () => {
  it('opens from a critical alarm on one engine, is worked and closed on another, converges, keeps its report with one SHA-256, and survives a restart', async () => {
    const cfgA = config('inc-a');
    let a = await suite.engineOn(cfgA);
    const b = await suite.engineOn(config('inc-b'));
    const now = Date.now();
    await new AckedPublisher(suite.nc).publishAll(city(now, 62));
    const point = `gas/${D}/market-1#gas.lel.level2`;
    const high = `gas/${D}/market-1#gas.lel.level1`;
    await waitFor(() => a.controlRoom.alarmList({ all: true, limit: 100 }).find((x) => x.point === point), 'the critical alarm on A');
    // the registry's places have reached A's memory with the batch that raised the alarm
    await waitFor(() => a.controlRoom.state.version > 0 && a.controlRoom.assetName(`building/${D}/school-1`) !== `building/${D}/school-1`, 'the school in the registry');

    const base = { title: '集贸市场燃气泄漏', domain: 'gas' as const, district: D, asset: 'market-1', fromEvent: null };
    // a high (not critical) alarm opens no incident
    await expect(act(a, { kind: 'incident.open', incident: 'inc-high', ...base, fromAlarm: { point: high, raisedAtMs: now } })).rejects.toThrow(ActionRefused);
    await act(a, { kind: 'incident.open', incident: 'inc-1', ...base, fromAlarm: { point, raisedAtMs: now } });
    const onB = await waitFor(() => b.controlRoom.incidentList({ limit: 10 }).find((i) => i.id === 'inc-1'), 'the incident on B');
    expect(onB.plan.id).toBe('gas-leak');
    expect(onB.places.map((p) => [p.asset, p.category, p.distanceM])).toEqual([['market-1', 'crowded', 0], ['school-1', 'crowded', 334]]);
    expect(onB.notify.map((p) => p.party)).toEqual(expect.arrayContaining(['十堰市应急管理局', '市场经营户联合会', '十堰市市场监督管理局', '第一中学', '十堰市教育局']));
    // the same alarm never opens two: refused on B before the stream
    await expect(act(b, { kind: 'incident.open', incident: 'inc-2', ...base, fromAlarm: { point, raisedAtMs: now } }, 'console-2')).rejects.toThrow(/already open/);

    await act(b, { kind: 'incident.step', incident: 'inc-1', step: 'confirm' }, 'console-2');
    await act(a, { kind: 'incident.notify', incident: 'inc-1', party: '十堰市应急管理局' });
    await waitFor(() => a.controlRoom.incidentList({ limit: 10 })[0]?.steps[0]?.doneAtMs, 'the step on A');
    await expect(act(a, { kind: 'incident.step', incident: 'inc-1', step: 'confirm' })).rejects.toThrow(/already done by console-2/);
    await act(a, { kind: 'incident.close', incident: 'inc-1', summary: '关闭上游阀门，浓度回落至10%LEL以下，解除警戒' });
    await waitFor(() => b.controlRoom.incidentList({ limit: 10 })[0]?.closed, 'closed on B');
    await expect(act(b, { kind: 'incident.close', incident: 'inc-1', summary: '再次' }, 'console-2')).rejects.toThrow(/is closed/);

    const reportA = await waitFor(async () => (await a.controlRoom.incidentReport({ incident: 'inc-1' }))?.keptSha256 ? a.controlRoom.incidentReport({ incident: 'inc-1' }) : null, 'the report kept on A');
    const reportB = await waitFor(async () => (await b.controlRoom.incidentReport({ incident: 'inc-1' }))?.keptSha256 ? b.controlRoom.incidentReport({ incident: 'inc-1' }) : null, 'the report kept on B');
    expect(reportA?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(reportA?.sha256).toBe(reportB?.sha256);
    expect(reportA?.verified).toBe(true);
    expect(reportA?.body.timeline.map((t) => [t.by, t.message?.code])).toEqual([
      ['console-1', 'hist_incident_opened'], ['console-2', 'hist_incident_step'], ['console-1', 'hist_incident_notified'], ['console-1', 'hist_incident_closed'],
    ]);
    expect(JSON.stringify(a.controlRoom.incidentList({ limit: 10 }))).toBe(JSON.stringify(b.controlRoom.incidentList({ limit: 10 })));
    // the shift's handover names the incident opened and closed
    const handover = await a.controlRoom.handover(now - 3_600_000, Date.now() + 1_000, false);
    expect(handover.keyEvents.filter((k) => k.ref === 'inc-1').map((k) => [k.kind, k.what])).toEqual([['incident_opened', '集贸市场燃气泄漏'], ['incident_closed', '集贸市场燃气泄漏']]);
    // replay: as of an instant, the incident as it stood then (re-derived from the operator action log)
    const opened = reportA?.body.openedAtMs ?? 0;
    const closedAt = reportA?.body.closedAtMs ?? 0;
    await a.controlRoom.actionStream.flushLog();
    expect(await a.query('incidents', { limit: 10 }, undefined, opened - 1)).toEqual([]);
    const asOpen = await a.query('incidents', { limit: 10 }, undefined, closedAt - 1);
    expect(asOpen.map((i) => [i.id, i.closed])).toEqual([['inc-1', null]]);
    expect(await a.query('incidentReport', { incident: 'inc-1' }, undefined, closedAt - 1)).toBeNull();
    expect((await a.query('incidentReport', { incident: 'inc-1' }, undefined, closedAt))?.sha256).toBe(reportA?.sha256);
    // hostile parameters are a clear error, never a crash
    await expect(a.query('incidentReport', { incident: '../../etc' })).rejects.toThrow();
    await expect(a.query('incidents', { limit: 1e9 })).rejects.toThrow();

    await suite.stopEngine(a);
    a = await suite.engineOn(cfgA);
    const again = await waitFor(async () => (await a.controlRoom.incidentReport({ incident: 'inc-1' })) ?? null, 'the report after a restart');
    expect(again).toMatchObject({ sha256: reportA?.sha256, keptSha256: reportA?.sha256, verified: true });
    // the replayed state still refuses a second incident for the same alarm
    await waitFor(() => a.controlRoom.alarmList({ all: true, limit: 100 }).find((x) => x.point === point), 'the alarm restored');
    await expect(act(a, { kind: 'incident.open', incident: 'inc-3', ...base, fromAlarm: { point, raisedAtMs: now } })).rejects.toThrow(/already open/);
    await suite.stopEngine(a);
    await suite.stopEngine(b);
  });

  it('a red event opens one incident with the event\'s place; an orange one, an unknown one or one named at another asset opens none; a restart still knows the red event', async () => {
    const cfg = config('inc-ev');
    let e = await suite.engineOn(cfg);
    const now = Date.now();
    const ev = (id: string, severity: string): PublishedMessage => ({
      subject: `city.event.gas.${D}`, msgId: `ev-${id}`,
      body: JSON.stringify({ id, ts: new Date(now).toISOString(), type: 'gas_leak', severity, title: `${id} 燃气泄漏`, asset: 'market-1' }),
    });
    await new AckedPublisher(suite.nc).publishAll([...city(now, 3), ev('ev-red', 'red'), ev('ev-orange', 'orange')]);
    const base = { domain: 'gas' as const, district: D, asset: 'market-1', fromAlarm: null };
    const open = (incident: string, event: string, over: Partial<typeof base> = {}) => act(e, { kind: 'incident.open', incident, title: event, ...base, ...over, fromEvent: { event } });
    await waitFor(async () => (await e.query('events', { severity: 'red' })).columns['id']?.length, 'the red event stored');
    await expect(open('inc-o', 'ev-orange')).rejects.toThrow(/only a critical alarm or a red event/);
    await expect(open('inc-u', 'ev-unknown')).rejects.toThrow(/only a critical alarm or a red event/);
    await expect(open('inc-x', 'ev-red', { asset: 'school-1', domain: 'gas' })).rejects.toThrow(/only a critical alarm or a red event/);

    await suite.stopEngine(e);
    e = await suite.engineOn(cfg);
    await open('inc-r', 'ev-red');
    const i = await waitFor(() => e.controlRoom.incidentList({ limit: 10 }).find((x) => x.id === 'inc-r'), 'the incident from the red event');
    expect(i.source).toEqual({ kind: 'event', event: 'ev-red' });
    expect(i.places.map((p) => p.asset)).toEqual(['market-1', 'school-1']);
    await expect(open('inc-r2', 'ev-red')).rejects.toThrow(/already open for this source \(inc-r\)/);
    await suite.stopEngine(e);
  });
});
