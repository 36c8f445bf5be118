import type { AlarmKpis } from './alarmKpis.js';
import type { AlarmView, Signature } from './controlRoomViews.js';
import type { RiskChange } from '../risk/riskRegister.js';

/** What the outgoing leader writes into the report before it is signed. */
export interface HandoverNotes {
  /** 交班说明: how the shift went, in the leader's words. */
  summary: string;
  /** 遗留事项: what the incoming shift must follow up. */
  pending: string;
}
export const NO_NOTES: HandoverNotes = { summary: '', pending: '' };

/** A key event of the shift, oldest first: critical alarms, major hazards found, cases closed, risks turned red. */
export interface KeyEvent {
  atMs: number;
  kind: 'critical_alarm' | 'hazard_opened' | 'hazard_closed' | 'risk_red';
  /** The alarm's point, the case's id or the register key: the reader shows its name. */
  ref: string;
  /** The case's title (hazards) or the rule id (alarms). */
  what: string;
}

/** The shift handover (交接班): generated from the data of the shift, signed by both leaders, kept. */
export interface HandoverReport {
  fromMs: number;
  toMs: number;
  generatedAtMs: number;
  notes: HandoverNotes;
  keyEvents: KeyEvent[];
  alarms: {
    raised: number;
    raisedByPriority: Record<string, number>;
    /** Standing and not shelved (a shelved alarm is listed once, under shelved). */
    standing: AlarmView[];
    shelved: AlarmView[];
  };
  hazards: {
    opened: HazardSummary[];
    closed: HazardSummary[];
    overdue: HazardSummary[];
    stillOpen: number;
  };
  risksTurnedRed: RiskChange[];
  kpis: AlarmKpis;
  signatures: Signature[];
  /** SHA-256 of the report without its signatures: what both leaders sign. Signing never changes it. */
  sha256: string;
}

export interface HazardSummary {
  id: string;
  title: string;
  grade: string;
  stage: string;
  domain: string;
  district: string;
  asset: string | null;
  assignee: string | null;
  deadlineMs: number | null;
}

/** A case of the shift listed once, with every way it concerns the shift. */
export interface ShiftHazard extends HazardSummary {
  opened: boolean;
  closed: boolean;
  overdue: boolean;
}

/** The shift's cases, each once: overdue first, then new, then closed (a case new and closed in one shift is one line). */
export function shiftHazards(r: Pick<HandoverReport, 'hazards'>): ShiftHazard[] {
  const byId = new Map<string, ShiftHazard>();
  const add = (h: HazardSummary, flag: 'opened' | 'closed' | 'overdue'): void => {
    const seen = byId.get(h.id) ?? { ...h, opened: false, closed: false, overdue: false };
    seen[flag] = true;
    byId.set(h.id, seen);
  };
  for (const h of r.hazards.overdue) add(h, 'overdue');
  for (const h of r.hazards.opened) add(h, 'opened');
  for (const h of r.hazards.closed) add(h, 'closed');
  return [...byId.values()];
}
