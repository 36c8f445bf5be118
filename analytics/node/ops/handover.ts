import { createHash } from 'node:crypto';
import type { AlarmKpis } from '../../common/ops/alarmKpis.js';
import type { ControlRoomState } from '../../common/ops/controlRoomState.js';
import type { HazardView } from '../../common/ops/controlRoomViews.js';
import type { RiskChange } from '../../common/risk/riskRegister.js';

import type { HandoverReport, HazardSummary } from '../../common/ops/handoverReport.js';

export type { HandoverReport, HazardSummary };

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
