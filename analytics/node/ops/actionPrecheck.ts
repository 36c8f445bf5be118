import { applyHazard, isHazardRefusal } from '../../common/hazards/hazardCase.js';
import type { ControlRoomState } from '../../common/ops/controlRoomState.js';
import { hazardCommand } from '../../common/ops/hazardCommand.js';
import { mayDo, type OpsAction, type Role } from '../../common/ops/opsEvents.js';
import type { AssetRegistry } from './assetRegistry.js';
import type { RedEvent } from './redEvents.js';
import { message, messageText, type Message } from '../../common/i18n.js';
import { categoryOf, partiesToNotify, placesWithin } from '../../common/incidents/affectedArea.js';
import { planFor, type ContingencyPlan } from '../../common/incidents/contingencyPlan.js';

/** An operator action refused before it reaches the stream (the role, or this engine's state). */
export class ActionRefused extends Error {
  /** The English text is the error's message (logs, the API); the code travels for the screens. */
  constructor(readonly refusal: Message) {
    super(messageText('en', refusal));
  }
}

/**
 * Checks an action from the engine API against the role and this engine's state, so an obviously
 * refused action never reaches the stream; returns it ready to publish (a new case gets its asset's
 * responsible parties from the registry). Every engine still judges it again in stream order.
 */
/** What opening an incident needs beyond the state: the plans, and the red events this engine stored. */
export interface IncidentSources {
  plans: readonly ContingencyPlan[];
  redEvent: (id: string) => RedEvent | undefined;
}

export function precheckAction(state: ControlRoomState, registry: AssetRegistry, action: OpsAction, device: string, role: Role, nowMs: number,
  incidents: IncidentSources = { plans: [], redEvent: () => undefined }): OpsAction {
  if (!mayDo(role, action.kind)) throw new ActionRefused(message('msg_role_may_not', { role, action: action.kind }));
  const a = action;
  if (a.kind === 'hazard.raise') {
    if (state.hazards.has(a.hazard)) throw new ActionRefused(message('msg_hazard_exists', { hazard: a.hazard }));
    const fromEvent = a.fromEvent ? state.events.get(a.fromEvent.event)?.hazard : null;
    if (fromEvent) throw new ActionRefused(message('msg_hazard_exists', { hazard: fromEvent }));
    const parties = registry.responsible(a.domain, a.district, a.asset);
    // a permit case's approver is the approving department responsible for the finding (谁审批谁负责)
    return { ...a, responsible: a.fromPermit ? { ...parties, approver: a.fromPermit.department } : parties };
  }
  if (a.kind === 'incident.open') return openIncident(state, registry, a, device, nowMs, incidents);
  if (a.kind === 'incident.step' || a.kind === 'incident.notify' || a.kind === 'incident.close') {
    const refused = state.incidents.refusal(a, device, nowMs);
    if (refused) throw new ActionRefused(refused);
    return a;
  }
  if (a.kind === 'event.ack') {
    const had = state.events.get(a.event);
    if (had) throw new ActionRefused(message('msg_event_acked', { by: had.by }));
    return a;
  }
  if (a.kind.startsWith('hazard.') && 'hazard' in a) {
    const h = state.hazards.get(a.hazard);
    if (!h) throw new ActionRefused(message('msg_no_hazard', { hazard: a.hazard }));
    const cmd = hazardCommand(a, device);
    if (cmd) {
      const r = applyHazard(h, cmd, nowMs);
      if (isHazardRefusal(r)) throw new ActionRefused(r.message);
    }
  }
  return a;
}

/**
 * An incident opened here gets its plan, its centre (the asset's place in the registry), what lies
 * inside the plan's radius and who to notify from this engine, so every engine applies the same.
 * Only a critical alarm standing on this engine, or a red event, opens one.
 */
function openIncident(state: ControlRoomState, registry: AssetRegistry, a: Extract<OpsAction, { kind: 'incident.open' }>, device: string, nowMs: number, { plans, redEvent }: IncidentSources): OpsAction {
  const exists = state.incidents.opened(a);
  if (exists) throw new ActionRefused(exists);
  if (a.fromAlarm) {
    const { point, raisedAtMs } = a.fromAlarm;
    const alarm = state.alarms(nowMs).find((x) => x.point === point && x.raisedAtMs === raisedAtMs);
    if (!alarm || alarm.priority !== 'critical' || alarm.domain !== a.domain || alarm.district !== a.district || alarm.asset !== a.asset) throw new ActionRefused(message('msg_incident_not_critical'));
  } else if (a.fromEvent) {
    const ev = redEvent(a.fromEvent.event);
    if (!ev || ev.domain !== a.domain || ev.district !== a.district || ev.asset !== a.asset) throw new ActionRefused(message('msg_incident_not_critical'));
  } else throw new ActionRefused(message('msg_incident_no_source'));
  const plan = planFor(plans, a.domain);
  if (!plan) throw new ActionRefused(message('msg_incident_no_plan', { domain: a.domain }));
  const row = a.asset === null ? undefined : registry.get(a.domain, a.district, a.asset);
  if (!row || row.lat === undefined || row.lon === undefined) throw new ActionRefused(message('msg_incident_no_place'));
  const center = { lat: row.lat, lon: row.lon };
  const own = categoryOf({ kind: row.kind ?? '', domain: row.domain }) === 'crowded' ? null : `${row.domain}/${row.district}/${row.asset}`;
  const places = placesWithin(center, plan.radiusM, registry.placed(), own);
  const filled = { ...a, center, plan, places, notify: partiesToNotify(plan.notify, row, places) };
  const refused = state.incidents.refusal(filled, device, nowMs);
  if (refused) throw new ActionRefused(refused);
  return filled;
}
