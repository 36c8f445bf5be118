import { createHash } from 'node:crypto';
import type { AlarmKpis } from '../../common/ops/alarmKpis.js';
import type { ControlRoomState } from '../../common/ops/controlRoomState.js';
import type { HazardView } from '../../common/ops/controlRoomViews.js';
import type { RiskChange } from '../../common/risk/riskRegister.js';

import type { AlarmBin, HandoverNotes, HandoverPictures, HandoverReport, HazardSummary, KeyEvent } from '../../common/ops/handoverReport.js';
import { HAZARD_STAGES, parseAssetKey, PRIORITIES, type Priority } from '../../common/vocabulary.js';
import { SHIYAN_DISTRICTS } from '../../common/city.js';

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

const TEN_MIN_MS = 600_000;
/** ISA-18.2: more than 10 alarms in 10 minutes for one operator is a flood. */
const FLOOD_ABOVE = 10;
/** Two days of 10-minute bars; a longer report gets wider bars (its floods are still found per 10 minutes). */
const MOST_BINS = 288;

/**
 * Raises per period over [fromMs, toMs), stacked by priority, on the clock's 10-minute grid (a raise
 * at a boundary opens the next period), and the flood periods: 10-minute periods with more than
 * FLOOD_ABOVE raises, consecutive ones merged. `raises` are the shift's raises (clears are not counted).
 */
export function alarmsPer10Min(raises: readonly { atMs: number; priority: Priority }[], fromMs: number, toMs: number): HandoverPictures['alarmsPer10Min'] {
  const first = Math.floor(fromMs / TEN_MIN_MS) * TEN_MIN_MS;
  const binMs = TEN_MIN_MS * Math.max(1, Math.ceil((toMs - first) / TEN_MIN_MS / MOST_BINS));
  const count = Math.max(0, Math.ceil((toMs - first) / binMs));
  const bins = Array.from({ length: count }, (_, i): AlarmBin => ({ startMs: first + i * binMs, critical: 0, high: 0, medium: 0, low: 0 }));
  const perTen = new Map<number, number>();
  for (const r of raises) {
    if (r.atMs < fromMs || r.atMs >= toMs || !PRIORITIES.includes(r.priority)) continue;
    const bin = bins[Math.floor((r.atMs - first) / binMs)];
    if (bin) bin[r.priority]++;
    const ten = Math.floor(r.atMs / TEN_MIN_MS);
    perTen.set(ten, (perTen.get(ten) ?? 0) + 1);
  }
  const floods: { startMs: number; endMs: number }[] = [];
  for (const ten of [...perTen.keys()].filter((k) => (perTen.get(k) ?? 0) > FLOOD_ABOVE).sort((a, b) => a - b)) {
    const last = floods[floods.length - 1];
    if (last && last.endMs === ten * TEN_MIN_MS) last.endMs += TEN_MIN_MS;
    else floods.push({ startMs: ten * TEN_MIN_MS, endMs: (ten + 1) * TEN_MIN_MS });
  }
  return { binMs, bins, floodAbove: FLOOD_ABOVE, floods };
}

/** The shift's changes to red per district: the district's assets' and the district's own, in the city's order. */
export function redByDistrict(turnedRed: readonly RiskChange[]): HandoverPictures['redByDistrict'] {
  const by = new Map<string, { code: string; assets: number; whole: number }>();
  for (const c of turnedRed) {
    const whole = c.key.startsWith('district/');
    const code = whole ? c.key.slice('district/'.length) : parseAssetKey(c.key)?.district;
    if (!code) continue;
    const d = by.get(code) ?? { code, assets: 0, whole: 0 };
    if (whole) d.whole++;
    else d.assets++;
    by.set(code, d);
  }
  const order = (code: string): number => {
    const i = SHIYAN_DISTRICTS.findIndex((d) => d.code === code);
    return i < 0 ? SHIYAN_DISTRICTS.length : i;
  };
  return [...by.values()].sort((a, b) => order(a.code) - order(b.code) || a.code.localeCompare(b.code));
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
    // 应急处置: incidents opened and closed in the shift
    ...s.incidents.list().filter((i) => inShift(i.openedAtMs)).map((i): KeyEvent => ({ atMs: i.openedAtMs, kind: 'incident_opened', ref: i.id, what: i.title })),
    ...s.incidents.list().filter((i) => inShift(i.closed?.atMs ?? null)).map((i): KeyEvent => ({ atMs: i.closed?.atMs ?? 0, kind: 'incident_closed', ref: i.id, what: i.title })),
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
    pictures: {
      alarmsPer10Min: alarmsPer10Min(raised, fromMs, toMs),
      // the same cases as stillOpen, so the bars add up to it
      hazardsByStage: HAZARD_STAGES.filter((st) => st !== 'closed').map((stage) => {
        const here = hazards.filter((h) => h.stage === stage);
        return { stage, onTime: here.filter((h) => !h.overdue).length, overdue: here.filter((h) => h.overdue).length };
      }),
      redByDistrict: redByDistrict(turnedRed),
    } satisfies HandoverPictures,
  };
  const signatures = s.signatures.filter((g) => g.shiftStartMs === fromMs && g.shiftEndMs === toMs);
  return { ...body, signatures, sha256: handoverSha256(body) };
}
