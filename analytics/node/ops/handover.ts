import { createHash } from 'node:crypto';
import type { AlarmKpis } from '../../common/ops/alarmKpis.js';
import type { ControlRoomState } from '../../common/ops/controlRoomState.js';
import type { HazardView } from '../../common/ops/controlRoomViews.js';
import type { RiskChange } from '../../common/risk/riskRegister.js';

import type { HandoverNotes, HandoverReport, HazardSummary, KeyEvent } from '../../common/ops/handoverReport.js';

export type { HandoverReport, HazardSummary };

const summary = (h: HazardView): HazardSummary => ({
  id: h.id, title: h.title, grade: h.grade, stage: h.stage, domain: h.domain, district: h.district, asset: h.asset, assignee: h.assignee, deadlineMs: h.deadlineMs,
});
/** Enough key events to read in a handover; the counts above them say how many there were. */
const KEY_EVENTS_KEPT = 50;

/** The report's hash: SHA-256 of everything but the signatures, so signing never changes what was signed. */
export function handoverSha256(body: Omit<HandoverReport, 'signatures' | 'sha256'>): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

export function buildHandover(s: ControlRoomState, riskChanges: readonly RiskChange[], kpis: AlarmKpis, fromMs: number, toMs: number, nowMs: number, notes: HandoverNotes): HandoverReport {
  const inShift = (ms: number | null): ms is number => ms !== null && ms >= fromMs && ms < toMs;
  const raised = s.history.filter((t) => t.active && inShift(t.atMs));
  const byPriority: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const r of raised) byPriority[r.priority] = (byPriority[r.priority] ?? 0) + 1;
  const alarms = s.alarms(toMs);
  const hazards = s.hazardList(toMs);
  const turnedRed = riskChanges.filter((c) => c.to === 'red' && inShift(c.atMs));
  const keyEvents: KeyEvent[] = [
    ...raised.filter((r) => r.priority === 'critical').map((r): KeyEvent => ({ atMs: r.atMs, kind: 'critical_alarm', ref: r.point, what: r.rule })),
    ...hazards.filter((h) => h.grade === 'major' && inShift(h.createdAtMs)).map((h): KeyEvent => ({ atMs: h.createdAtMs, kind: 'hazard_opened', ref: h.id, what: h.title })),
    ...hazards.filter((h) => inShift(h.closedAtMs)).map((h): KeyEvent => ({ atMs: h.closedAtMs ?? 0, kind: 'hazard_closed', ref: h.id, what: h.title })),
    ...turnedRed.map((c): KeyEvent => ({ atMs: c.atMs, kind: 'risk_red', ref: c.key, what: '' })),
  ].sort((a, b) => a.atMs - b.atMs).slice(-KEY_EVENTS_KEPT);
  const body = {
    fromMs, toMs, generatedAtMs: nowMs,
    notes: { summary: notes.summary.trim(), pending: notes.pending.trim() },
    keyEvents,
    alarms: {
      raised: raised.length, raisedByPriority: byPriority,
      standing: alarms.filter((a) => a.active && a.raisedAtMs < toMs && a.shelved === null),
      shelved: alarms.filter((a) => a.shelved !== null),
    },
    hazards: {
      opened: hazards.filter((h) => inShift(h.createdAtMs)).map(summary),
      closed: hazards.filter((h) => inShift(h.closedAtMs)).map(summary),
      overdue: hazards.filter((h) => h.overdue).map(summary),
      stillOpen: hazards.filter((h) => h.stage !== 'closed').length,
    },
    risksTurnedRed: turnedRed,
    kpis,
  };
  const signatures = s.signatures.filter((g) => g.shiftStartMs === fromMs && g.shiftEndMs === toMs);
  return { ...body, signatures, sha256: handoverSha256(body) };
}
