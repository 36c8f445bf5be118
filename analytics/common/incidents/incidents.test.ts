import { describe, expect, it } from 'vitest';
import { ControlRoomState } from '../ops/controlRoomState.js';
import type { OpsAction, OpsEvent } from '../ops/opsEvents.js';
import { OpsActionSchema } from '../ops/opsEvents.js';
import type { ContingencyPlan } from './contingencyPlan.js';
import { incidentReportBody } from './incidentReport.js';

const plan: ContingencyPlan = {
  id: 'gas-leak', name: { zh: '燃气泄漏应急处置预案', en: 'Gas leak plan' }, domains: ['gas'], radiusM: 800, cordonM: 100,
  source: { document: 'ERG 2020', clause: 'Guide 115' },
  steps: [
    { id: 'confirm', text: { zh: '确认报警', en: 'Confirm' }, who: { zh: '值班长', en: 'Shift leader' } },
    { id: 'cordon', text: { zh: '设立警戒区', en: 'Cordon' }, who: { zh: '公安', en: 'Police' } },
  ],
  notify: ['应急管理局'],
};
const point = 'gas/420303/market-detector-0001#gas.lel.level2';
const open = (incident: string, over: Partial<Extract<OpsAction, { kind: 'incident.open' }>> = {}): OpsAction => ({
  kind: 'incident.open', incident, title: '市场燃气泄漏', domain: 'gas', district: '420303', asset: 'market-detector-0001',
  fromAlarm: { point, raisedAtMs: 1_000 }, fromEvent: null, center: { lat: 32.6, lon: 110.8 }, plan, places: [], notify: [{ party: '应急管理局', why: 'plan', about: null }], ...over,
});
let n = 0;
const ev = (action: OpsAction, ts: number, device = 'console-1'): OpsEvent => ({ id: `evt-${String(++n).padStart(8, '0')}`, ts, device, role: 'shift_leader', action });

describe('an incident in the control room state', () => {
  it('opens once per alarm occurrence, checks each step once with its time and who, notifies, and closes once; nothing after closing', () => {
    const s = new ControlRoomState();
    expect(s.apply(ev(open('inc-1'), 2_000)).ok).toBe(true);
    // the same alarm never opens two incidents, whatever the id
    const again = s.apply(ev(open('inc-2'), 2_100, 'console-2'));
    expect(again).toMatchObject({ ok: false, message: { code: 'msg_incident_exists', params: { incident: 'inc-1' } } });
    expect(s.apply(ev(open('inc-1', { fromAlarm: { point, raisedAtMs: 9 } }), 2_100)).message?.code).toBe('msg_incident_exists');

    expect(s.apply(ev({ kind: 'incident.step', incident: 'inc-1', step: 'confirm' }, 3_000)).ok).toBe(true);
    expect(s.apply(ev({ kind: 'incident.step', incident: 'inc-1', step: 'confirm' }, 3_100, 'console-2')).message).toMatchObject({ code: 'msg_incident_step_done', params: { by: 'console-1' } });
    expect(s.apply(ev({ kind: 'incident.step', incident: 'inc-1', step: 'nope' }, 3_200)).message?.code).toBe('msg_incident_no_step');
    expect(s.apply(ev({ kind: 'incident.notify', incident: 'inc-1', party: '应急管理局' }, 3_300)).ok).toBe(true);
    expect(s.apply(ev({ kind: 'incident.notify', incident: 'inc-1', party: '应急管理局' }, 3_400)).message?.code).toBe('msg_incident_notified');
    expect(s.apply(ev({ kind: 'incident.step', incident: 'inc-9', step: 'confirm' }, 3_500)).message?.code).toBe('msg_no_incident');

    expect(s.apply(ev({ kind: 'incident.close', incident: 'inc-1', summary: '阀门已关闭，浓度回落' }, 4_000, 'console-2')).ok).toBe(true);
    expect(s.apply(ev({ kind: 'incident.close', incident: 'inc-1', summary: '再次结束' }, 4_100)).message?.code).toBe('msg_incident_closed');
    expect(s.apply(ev({ kind: 'incident.step', incident: 'inc-1', step: 'cordon' }, 4_200)).message?.code).toBe('msg_incident_closed');

    const i = s.incidents.byId.get('inc-1');
    expect(i?.steps).toEqual([{ id: 'confirm', doneAtMs: 3_000, by: 'console-1', note: null }, { id: 'cordon', doneAtMs: null, by: null, note: null }]);
    expect(i?.closed).toEqual({ atMs: 4_000, by: 'console-2', summary: '阀门已关闭，浓度回落' });
    expect(i?.timeline.map((e) => [e.atMs, e.by, e.message?.code])).toEqual([
      [2_000, 'console-1', 'hist_incident_opened'], [3_000, 'console-1', 'hist_incident_step'], [3_300, 'console-1', 'hist_incident_notified'], [4_000, 'console-2', 'hist_incident_closed'],
    ]);
  });

  it('refuses an incident without a plan or a source; a hostile plan in an action is refused by the schema', () => {
    const s = new ControlRoomState();
    expect(s.apply(ev(open('inc-3', { plan: undefined }), 1)).message?.code).toBe('msg_incident_no_plan');
    expect(s.apply(ev(open('inc-4', { fromAlarm: null }), 1)).message?.code).toBe('msg_incident_no_source');
    expect(OpsActionSchema.safeParse({ ...open('inc-5'), plan: { ...plan, radiusM: 1e9 } }).success).toBe(false);
    expect(OpsActionSchema.safeParse({ kind: 'incident.step', incident: 'inc-5', step: '../x' }).success).toBe(false);
    expect(OpsActionSchema.safeParse({ kind: 'incident.close', incident: 'inc-5', summary: '   ' }).success).toBe(false);
  });

  it('two states fed the same events end the same, and the report body is derived from the closed incident alone', () => {
    const events = [ev(open('inc-6'), 10), ev({ kind: 'incident.step', incident: 'inc-6', step: 'cordon' }, 20), ev({ kind: 'incident.close', incident: 'inc-6', summary: '结束' }, 30)];
    const a = new ControlRoomState();
    const b = new ControlRoomState();
    for (const e of events) { a.apply(e); b.apply(e); }
    const bodyA = incidentReportBody(a.incidents.byId.get('inc-6') ?? assertNever());
    expect(JSON.stringify(bodyA)).toBe(JSON.stringify(incidentReportBody(b.incidents.byId.get('inc-6') ?? assertNever())));
    expect(bodyA).toMatchObject({ closedAtMs: 30, summary: '结束', steps: [{ id: 'confirm', doneAtMs: null }, { id: 'cordon', doneAtMs: 20, by: 'console-1' }] });
    const open7 = new ControlRoomState();
    open7.apply(ev(open('inc-7'), 1));
    expect(incidentReportBody(open7.incidents.byId.get('inc-7') ?? assertNever())).toBeNull();
  });
});

function assertNever(): never {
  throw new Error('missing incident');
}
