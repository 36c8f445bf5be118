import { createHash } from 'node:crypto';
import type { AlarmKpis } from '../../common/ops/alarmKpis.js';
import type { ControlRoomState } from '../../common/ops/controlRoomState.js';
import type { AlarmView, HazardView, Signature } from '../../common/ops/controlRoomViews.js';
import type { RiskChange } from '../../common/risk/riskRegister.js';

/** The shift handover (交接班): generated from the data of the shift, signed by both leaders, kept. */
export interface HandoverReport {
  fromMs: number;
  toMs: number;
  generatedAtMs: number;
  alarms: {
    raised: number;
    raisedByPriority: Record<string, number>;
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
  /** SHA-256 of the report without its signatures: what both leaders sign. */
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

const summary = (h: HazardView): HazardSummary => ({
  id: h.id, title: h.title, grade: h.grade, stage: h.stage, domain: h.domain, district: h.district, asset: h.asset, assignee: h.assignee, deadlineMs: h.deadlineMs,
});

export function buildHandover(s: ControlRoomState, riskChanges: readonly RiskChange[], kpis: AlarmKpis, fromMs: number, toMs: number, nowMs: number): HandoverReport {
  const raised = s.history.filter((t) => t.active && t.atMs >= fromMs && t.atMs < toMs);
  const byPriority: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const r of raised) byPriority[r.priority] = (byPriority[r.priority] ?? 0) + 1;
  const alarms = s.alarms(toMs);
  const hazards = s.hazardList(toMs);
  const body = {
    fromMs, toMs, generatedAtMs: nowMs,
    alarms: {
      raised: raised.length, raisedByPriority: byPriority,
      standing: alarms.filter((a) => a.active && a.raisedAtMs < toMs),
      shelved: alarms.filter((a) => a.shelved !== null),
    },
    hazards: {
      opened: hazards.filter((h) => h.createdAtMs >= fromMs && h.createdAtMs < toMs).map(summary),
      closed: hazards.filter((h) => h.closedAtMs !== null && h.closedAtMs >= fromMs && h.closedAtMs < toMs).map(summary),
      overdue: hazards.filter((h) => h.overdue).map(summary),
      stillOpen: hazards.filter((h) => h.stage !== 'closed').length,
    },
    risksTurnedRed: riskChanges.filter((c) => c.to === 'red' && c.atMs >= fromMs && c.atMs < toMs),
    kpis,
  };
  const sha256 = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const signatures = s.signatures.filter((g) => g.shiftStartMs === fromMs && g.shiftEndMs === toMs);
  return { ...body, signatures, sha256 };
}
