import type { HazardCommand } from '../hazards/hazardCase.js';
import type { OpsAction } from './opsEvents.js';

/**
 * The one mapping from an operator action to the hazard case's command: the engine's pre-check and
 * every engine's state apply the same command. Null for actions that are not lifecycle steps
 * (raise, comment, attach and the alarm and handover actions).
 */
export function hazardCommand(a: OpsAction, by: string): HazardCommand | null {
  switch (a.kind) {
    case 'hazard.dispatch': return { kind: 'dispatch', by, assignee: a.assignee, deadlineMs: a.deadlineMs, ...(a.fiveItems ? { fiveItems: a.fiveItems } : {}) };
    case 'hazard.start': return { kind: 'start_rectification', by };
    case 'hazard.report': return { kind: 'report_done', by, note: a.note };
    case 'hazard.verify': return { kind: 'verify', by, passed: a.passed, note: a.note };
    case 'hazard.regrade': return { kind: 'regrade', by, grade: a.grade };
    default: return null;
  }
}
