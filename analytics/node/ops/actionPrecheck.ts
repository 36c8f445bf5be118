import { applyHazard, isHazardRefusal } from '../../common/hazards/hazardCase.js';
import type { ControlRoomState } from '../../common/ops/controlRoomState.js';
import { hazardCommand } from '../../common/ops/hazardCommand.js';
import { mayDo, type OpsAction, type Role } from '../../common/ops/opsEvents.js';
import type { AssetRegistry } from './assetRegistry.js';
import { message, messageText, type Message } from '../../common/i18n.js';

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
export function precheckAction(state: ControlRoomState, registry: AssetRegistry, action: OpsAction, device: string, role: Role, nowMs: number): OpsAction {
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
