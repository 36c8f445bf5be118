import { describe, expect, it } from 'vitest';
import { ControlRoomState } from '../../common/ops/controlRoomState.js';
import type { OpsAction, OpsEvent } from '../../common/ops/opsEvents.js';
import { incidentReportBody, type IncidentReportBody } from '../../common/incidents/incidentReport.js';
import { loadPlans } from './planFiles.js';
import { dataPath } from '../paths.js';
import { incidentSha256 } from './incidentReports.js';

const gas = loadPlans(dataPath('plans')).find((p) => p.id === 'gas-leak');

function closedBody(summary: string): IncidentReportBody {
  if (!gas) throw new Error('no gas plan');
  const s = new ControlRoomState();
  const events: OpsAction[] = [
    { kind: 'incident.open', incident: 'inc-1', title: '集贸市场燃气泄漏', domain: 'gas', district: '420303', asset: 'm-1', fromAlarm: { point: 'gas/420303/m-1#gas.lel.level2', raisedAtMs: 1 }, fromEvent: null, center: { lat: 32.6, lon: 110.78 }, plan: gas, places: [], notify: [] },
    { kind: 'incident.step', incident: 'inc-1', step: 'confirm' },
    { kind: 'incident.close', incident: 'inc-1', summary },
  ];
  events.forEach((action, i) => s.apply({ id: `evt-000000${i}`, ts: 1_000 + i, device: 'console-1', role: 'shift_leader', action } satisfies OpsEvent));
  const b = incidentReportBody(s.incidents.byId.get('inc-1') ?? (() => { throw new Error('no incident'); })());
  if (!b) throw new Error('not closed');
  return b;
}

describe('the incident report hash', () => {
  it('is the same for the same closed incident and changes with any word of it', () => {
    const a = incidentSha256(closedBody('阀门已关闭'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(incidentSha256(closedBody('阀门已关闭'))).toBe(a);
    expect(incidentSha256(closedBody('阀门已关闭。'))).not.toBe(a);
    const body = closedBody('阀门已关闭');
    expect(incidentSha256({ ...body, steps: body.steps.map((x) => ({ ...x, by: x.by === null ? null : 'console-2' })) })).not.toBe(a);
  });
});
