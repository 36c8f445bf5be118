import type { Domain } from '../city.js';
import type { AlarmRule } from '../alarms/alarmRules.js';
import { applyHazard, isHazardRefusal, isOverdue, newHazard, type HazardCase, type HazardCommand } from '../hazards/hazardCase.js';
import type { OpsEvent } from './opsEvents.js';

/**
 * The shared operational state: alarms, hazard cases, suppression profiles, handover signatures.
 * Pure and deterministic. Two inputs build it:
 *
 * - alarm transitions, computed by every engine from the same data (data time, not arrival time);
 * - operator events from the OPS stream, applied in stream order.
 *
 * Acknowledge, silence and reset carry "up to the occurrence raised at t" and are kept as a maximum
 * per alarm point, so they commute with the transitions: an engine that sees the data before the
 * acknowledgement and one that sees it after end in the same state. Everything else (shelve, out of
 * service, profiles, hazard lifecycle) follows the stream's order, which is the same for every
 * engine: the first of two conflicting actions wins and the second is recorded as refused
 * (docs/ops.md).
 */
export type Priority = AlarmRule['priority'];
export const PRIORITIES: readonly Priority[] = ['critical', 'high', 'medium', 'low'];

export interface AlarmTransition {
  /** `<domain>/<district>/<asset>#<rule>` */
  point: string;
  rule: string;
  priority: Priority;
  domain: Domain;
  district: string;
  asset: string;
  metric: string;
  latching: boolean;
  active: boolean;
  /** Data time of the transition. */
  atMs: number;
  value: number | null;
}

/** One raise of an alarm point until it is back to normal. */
export interface Occurrence extends Omit<AlarmTransition, 'active' | 'atMs'> {
  raisedAtMs: number;
  clearedAtMs: number | null;
}

export type AlarmProcessState = 'unack' | 'ack' | 'rtn_unack' | 'latched' | 'normal';

interface PointState {
  ackedUpTo: number;
  silencedUpTo: number;
  resetUpTo: number;
  shelved: { by: string; reason: string; untilMs: number } | null;
  outOfService: { by: string; record: string } | null;
  /** Occurrences of this point not yet back to normal, oldest first (bounded). */
  open: Occurrence[];
  ackedBy: string | null;
}

/** An occurrence as the wall and the console show it. */
export interface AlarmView extends Occurrence {
  occurrence: string;
  state: AlarmProcessState;
  active: boolean;
  silenced: boolean;
  ackedBy: string | null;
  shelved: { by: string; reason: string; untilMs: number } | null;
  suppressedBy: string | null;
  outOfService: { by: string; record: string } | null;
  /** Shown and sounding: not shelved, suppressed or out of service, and not normal. */
  annunciated: boolean;
  /** During an alarm flood: the point of the first-out alarm this one is grouped under. */
  floodCause: string | null;
}

export interface SuppressionProfile {
  id: string;
  rules: string[];
}

export interface HazardView extends HazardCase {
  title: string;
  domain: Domain;
  district: string;
  asset: string | null;
  createdAtMs: number;
  responsible: { owner: string | null; supervisor: string | null; approver: string | null };
  source: { kind: 'alarm'; point: string; raisedAtMs: number } | { kind: 'inspection'; inspection: string; item: string } | { kind: 'manual' };
  comments: { atMs: number; by: string; text: string }[];
  attachments: { atMs: number; by: string; name: string; bytes: number; sha256: string }[];
  closedAtMs: number | null;
  lastEventId: string;
}

export interface Applied {
  id: string;
  ok: boolean;
  reason: string | null;
}

export interface Signature {
  shiftStartMs: number;
  shiftEndMs: number;
  as: 'outgoing' | 'incoming';
  name: string;
  device: string;
  atMs: number;
  reportSha256: string;
}

/** The operational picture pushed to walls and consoles on every change (engine API topic `ops`). */
export interface OpsSnapshot {
  version: number;
  atMs: number;
  alarms: AlarmView[];
  kpis: { standing: number; unacknowledged: number; floodNow: boolean; raisedLast10Min: number };
  hazards: { open: number; overdue: number; major: number };
  /** Open cases, overdue first (at most 30): overdue ones stay on the wall until handled (挂牌督办). */
  openHazards: { id: string; title: string; grade: 'major' | 'general'; stage: string; domain: string; district: string; asset: string | null; assignee: string | null; deadlineMs: number | null; overdue: boolean; createdAtMs: number }[];
  districts: { district: string; colour: 'red' | 'orange' | 'yellow' | 'blue'; counts: Record<'red' | 'orange' | 'yellow' | 'blue', number>; worst: string | null }[];
  /** Assets' risk colours, `domain/district/asset` → colour, for every asset not blue (blue is the default). */
  assetRisk: Record<string, 'red' | 'orange' | 'yellow'>;
  pending: { id: string; kind: string; ts: number; device: string; published: boolean }[];
  recent: Applied[];
}

/** Bounds: an operations center runs for months without restarting. */
export const OPS_LIMITS = {
  openPerPoint: 50,
  history: 50_000,
  orphans: 10_000,
  applied: 5_000,
  closedHazardsKept: 20_000,
};

const FLOOD_COUNT = 10;
const FLOOD_WINDOW_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

export function occurrenceId(point: string, raisedAtMs: number): string {
  return `${point}@${raisedAtMs}`;
}

function deriveState(o: Occurrence, p: PointState): AlarmProcessState {
  const acked = o.raisedAtMs <= p.ackedUpTo;
  if (o.clearedAtMs === null) return acked ? 'ack' : 'unack';
  // a latching alarm that cleared unacknowledged stays unacknowledged (ISA-18.2 latched alarms)
  if (!acked) return o.latching ? 'unack' : 'rtn_unack';
  if (o.latching && o.raisedAtMs > p.resetUpTo) return 'latched';
  return 'normal';
}

export class OpsState {
  private readonly points = new Map<string, PointState>();
  /** Every raise and clear of the last day, oldest first: the KPIs, the flood and the handover read it. */
  readonly history: AlarmTransition[] = [];
  readonly hazards = new Map<string, HazardView>();
  readonly profiles = new Set<string>();
  readonly signatures: Signature[] = [];
  /** The outcome of the latest events (refusals carry their reason). */
  readonly applied = new Map<string, Applied>();
  private readonly orphans = new Map<string, OpsEvent[]>();
  private orphanCount = 0;
  /** Bumped on every change: pushes and caches key on it. */
  version = 0;

  constructor(private readonly suppression: SuppressionProfile[] = []) {}

  private point(id: string): PointState {
    let p = this.points.get(id);
    if (!p) {
      p = { ackedUpTo: -Infinity, silencedUpTo: -Infinity, resetUpTo: -Infinity, shelved: null, outOfService: null, open: [], ackedBy: null };
      this.points.set(id, p);
    }
    return p;
  }

  /** An alarm condition starting or ending (from the data). Repeats are ignored, so a replay is harmless. */
  transition(t: AlarmTransition): void {
    const p = this.point(t.point);
    if (t.active) {
      if (p.open.some((o) => o.raisedAtMs === t.atMs)) return;
      p.open.push({ point: t.point, rule: t.rule, priority: t.priority, domain: t.domain, district: t.district, asset: t.asset, metric: t.metric, latching: t.latching, raisedAtMs: t.atMs, clearedAtMs: null, value: t.value });
      p.open.sort((a, b) => a.raisedAtMs - b.raisedAtMs);
    } else {
      const o = [...p.open].reverse().find((x) => x.clearedAtMs === null && x.raisedAtMs <= t.atMs);
      if (!o) return;
      o.clearedAtMs = t.atMs;
    }
    this.history.push(t);
    this.prune(p);
    this.version++;
  }

  /** Drops occurrences that are back to normal, keeping the newest; bounds what a chattering point can hold. */
  private prune(p: PointState): void {
    const newest = p.open[p.open.length - 1];
    p.open = p.open.filter((o) => o === newest || deriveState(o, p) !== 'normal');
    if (p.open.length > OPS_LIMITS.openPerPoint) p.open = p.open.slice(-OPS_LIMITS.openPerPoint);
    if (this.history.length > OPS_LIMITS.history) this.history.splice(0, this.history.length - OPS_LIMITS.history);
  }

  /** Applies one event from the OPS stream. Returns what happened; a refusal is kept with its reason. */
  apply(e: OpsEvent): Applied {
    const r = this.applyInner(e);
    if (r.ok || r.reason !== 'orphan') {
      this.applied.set(e.id, r);
      if (this.applied.size > OPS_LIMITS.applied) this.applied.delete(this.applied.keys().next().value as string);
      this.version++;
    }
    return r;
  }

  private applyInner(e: OpsEvent): Applied {
    const a = e.action;
    const ok: Applied = { id: e.id, ok: true, reason: null };
    const refuse = (reason: string): Applied => ({ id: e.id, ok: false, reason });
    const by = e.device;
    switch (a.kind) {
      case 'alarm.ack': {
        const p = this.point(a.point);
        if (a.raisedAtMs > p.ackedUpTo) {
          p.ackedUpTo = a.raisedAtMs;
          p.ackedBy = by;
        }
        p.silencedUpTo = Math.max(p.silencedUpTo, a.raisedAtMs);
        this.prune(p);
        return ok;
      }
      case 'alarm.silence': {
        const p = this.point(a.point);
        p.silencedUpTo = Math.max(p.silencedUpTo, a.raisedAtMs);
        return ok;
      }
      case 'alarm.reset': {
        const p = this.point(a.point);
        p.resetUpTo = Math.max(p.resetUpTo, a.raisedAtMs);
        this.prune(p);
        return ok;
      }
      case 'alarm.shelve': {
        const p = this.point(a.point);
        if (p.outOfService) return refuse('out of service');
        p.shelved = { by, reason: a.reason, untilMs: e.ts + a.forMs };
        return ok;
      }
      case 'alarm.unshelve': {
        const p = this.point(a.point);
        if (!p.shelved || p.shelved.untilMs <= e.ts) return refuse('not shelved');
        p.shelved = null;
        return ok;
      }
      case 'alarm.out_of_service': {
        const p = this.point(a.point);
        p.outOfService = { by, record: a.record };
        p.shelved = null;
        return ok;
      }
      case 'alarm.return_to_service': {
        const p = this.point(a.point);
        if (!p.outOfService) return refuse('not out of service');
        p.outOfService = null;
        return ok;
      }
      case 'alarm.profile':
        if (!this.suppression.some((s) => s.id === a.profile)) return refuse(`no suppression profile ${a.profile}`);
        if (a.on) this.profiles.add(a.profile);
        else this.profiles.delete(a.profile);
        return ok;
      case 'hazard.raise': {
        if (this.hazards.has(a.hazard)) return refuse(`hazard ${a.hazard} exists`);
        this.addHazard(newHazard(a.hazard, a.grade, by, e.ts), {
          title: a.title, domain: a.domain, district: a.district, asset: a.asset, responsible: a.responsible,
          source: a.fromAlarm ? { kind: 'alarm', point: a.fromAlarm.point, raisedAtMs: a.fromAlarm.raisedAtMs } : { kind: 'manual' },
        }, e.id);
        return ok;
      }
      case 'handover.sign':
        if (a.shiftEndMs <= a.shiftStartMs) return refuse('the shift ends before it starts');
        if (this.signatures.some((s) => s.shiftStartMs === a.shiftStartMs && s.shiftEndMs === a.shiftEndMs && s.as === a.as)) return refuse(`the ${a.as} leader has signed this shift`);
        this.signatures.push({ shiftStartMs: a.shiftStartMs, shiftEndMs: a.shiftEndMs, as: a.as, name: a.name, device: by, atMs: e.ts, reportSha256: a.reportSha256 });
        if (this.signatures.length > 1000) this.signatures.shift();
        return ok;
      default:
        return this.applyToHazard(e);
    }
  }

  private applyToHazard(e: OpsEvent): Applied {
    const a = e.action;
    if (!('hazard' in a)) return { id: e.id, ok: false, reason: 'not a hazard action' };
    const h = this.hazards.get(a.hazard);
    if (!h) {
      // the case comes from data this engine has not read yet (a failed inspection): park the event
      if (this.orphanCount >= OPS_LIMITS.orphans) return { id: e.id, ok: false, reason: `no hazard ${a.hazard}` };
      const list = this.orphans.get(a.hazard) ?? [];
      list.push(e);
      this.orphans.set(a.hazard, list);
      this.orphanCount++;
      return { id: e.id, ok: false, reason: 'orphan' };
    }
    const by = e.device;
    if (a.kind === 'hazard.comment') {
      h.comments.push({ atMs: e.ts, by, text: a.text });
      h.history.push({ atMs: e.ts, by, what: `comment: ${a.text}` });
      h.lastEventId = e.id;
      return { id: e.id, ok: true, reason: null };
    }
    if (a.kind === 'hazard.attach') {
      h.attachments.push({ atMs: e.ts, by, name: a.name, bytes: a.bytes, sha256: a.sha256 });
      h.history.push({ atMs: e.ts, by, what: `attached ${a.name}` });
      h.lastEventId = e.id;
      return { id: e.id, ok: true, reason: null };
    }
    const cmd: HazardCommand | null =
      a.kind === 'hazard.dispatch' ? { kind: 'dispatch', by, assignee: a.assignee, deadlineMs: a.deadlineMs, ...(a.fiveItems ? { fiveItems: a.fiveItems } : {}) }
        : a.kind === 'hazard.start' ? { kind: 'start_rectification', by }
          : a.kind === 'hazard.report' ? { kind: 'report_done', by, note: a.note }
            : a.kind === 'hazard.verify' ? { kind: 'verify', by, passed: a.passed, note: a.note }
              : a.kind === 'hazard.regrade' ? { kind: 'regrade', by, grade: a.grade } : null;
    if (cmd === null) return { id: e.id, ok: false, reason: `unknown action ${a.kind}` };
    const next = applyHazard(h, cmd, e.ts);
    if (isHazardRefusal(next)) {
      h.history.push({ atMs: e.ts, by, what: `refused ${a.kind}: ${next.refused}` });
      return { id: e.id, ok: false, reason: next.refused };
    }
    Object.assign(h, next, { lastEventId: e.id, closedAtMs: next.stage === 'closed' ? e.ts : null });
    return { id: e.id, ok: true, reason: null };
  }

  private addHazard(c: HazardCase, meta: Pick<HazardView, 'title' | 'domain' | 'district' | 'asset' | 'responsible' | 'source'>, eventId: string): void {
    this.hazards.set(c.id, { ...c, ...meta, createdAtMs: c.history[0]?.atMs ?? 0, comments: [], attachments: [], closedAtMs: null, lastEventId: eventId });
    this.trimHazards();
    const parked = this.orphans.get(c.id);
    if (parked) {
      this.orphans.delete(c.id);
      this.orphanCount -= parked.length;
      for (const e of parked) this.apply(e);
    }
    this.version++;
  }

  /** A failed inspection item on the feed raises a hazard by itself (same id on every engine). */
  inspectionFailed(i: { id: string; tsMs: number; domain: Domain; district: string; asset: string; item: string; level: 'major' | 'general'; inspector: string; note: string | null },
    responsible: HazardView['responsible']): void {
    const id = `insp-${i.id}`.slice(0, 120).replace(/[^A-Za-z0-9_.:-]/g, '_');
    if (this.hazards.has(id)) return;
    this.addHazard(newHazard(id, i.level, i.inspector, i.tsMs), {
      title: i.note ? `${i.item}: ${i.note}` : i.item, domain: i.domain, district: i.district, asset: i.asset, responsible,
      source: { kind: 'inspection', inspection: i.id, item: i.item },
    }, id);
  }

  private trimHazards(): void {
    if (this.hazards.size <= OPS_LIMITS.closedHazardsKept * 2) return;
    const closed = [...this.hazards.values()].filter((h) => h.stage === 'closed').sort((a, b) => (a.closedAtMs ?? 0) - (b.closedAtMs ?? 0));
    for (const h of closed.slice(0, closed.length - OPS_LIMITS.closedHazardsKept)) this.hazards.delete(h.id);
  }

  // ---- views ----

  /** The alarm list: every occurrence not back to normal, newest first, with its flood grouping. */
  alarms(nowMs: number): AlarmView[] {
    const suppressedRules = new Map<string, string>();
    for (const s of this.suppression) if (this.profiles.has(s.id)) for (const r of s.rules) suppressedRules.set(r, s.id);
    const floods = this.floods(nowMs);
    const out: AlarmView[] = [];
    for (const p of this.points.values()) {
      const shelved = p.shelved && p.shelved.untilMs > nowMs ? p.shelved : null;
      for (const o of p.open) {
        const state = deriveState(o, p);
        if (state === 'normal') continue;
        const suppressedBy = suppressedRules.get(o.rule) ?? null;
        out.push({
          ...o, occurrence: occurrenceId(o.point, o.raisedAtMs), state, active: o.clearedAtMs === null, silenced: o.raisedAtMs <= p.silencedUpTo, ackedBy: o.raisedAtMs <= p.ackedUpTo ? p.ackedBy : null,
          shelved, suppressedBy, outOfService: p.outOfService,
          annunciated: shelved === null && suppressedBy === null && p.outOfService === null,
          floodCause: null,
        });
      }
    }
    out.sort((a, b) => b.raisedAtMs - a.raisedAtMs || a.point.localeCompare(b.point));
    groupUnderFirstOut(out, floods);
    return out;
  }

  /** Flood intervals (more than 10 raises within 10 minutes) of the last day, oldest first. */
  floods(nowMs: number): { startMs: number; endMs: number }[] {
    const raises = this.history.filter((t) => t.active && t.atMs > nowMs - DAY_MS - FLOOD_WINDOW_MS).map((t) => t.atMs).sort((a, b) => a - b);
    const out: { startMs: number; endMs: number }[] = [];
    for (let i = FLOOD_COUNT; i < raises.length; i++) {
      const first = raises[i - FLOOD_COUNT] as number;
      const at = raises[i] as number;
      if (at - first >= FLOOD_WINDOW_MS) continue;
      const start = at;
      const end = first + FLOOD_WINDOW_MS;
      const last = out[out.length - 1];
      if (last && start <= last.endMs) last.endMs = Math.max(last.endMs, end);
      else out.push({ startMs: start, endMs: end });
    }
    return out;
  }

  hazardList(nowMs: number): (HazardView & { overdue: boolean })[] {
    return [...this.hazards.values()].map((h) => ({ ...h, overdue: isOverdue(h, nowMs) }))
      .sort((a, b) => Number(b.overdue) - Number(a.overdue) || b.createdAtMs - a.createdAtMs);
  }

  /** Whether a parked (orphan) event is waiting for its hazard. */
  get parked(): number {
    return this.orphanCount;
  }
}

/**
 * First-out grouping while a flood lasts: alarms raised during the flood in the same district as an
 * earlier alarm of that flood are shown under that first one (the likely cause).
 */
function groupUnderFirstOut(list: AlarmView[], floods: { startMs: number; endMs: number }[]): void {
  if (floods.length === 0) return;
  const byTime = [...list].sort((a, b) => a.raisedAtMs - b.raisedAtMs);
  for (const f of floods) {
    // the flood includes the ten alarms that made it one
    const from = f.startMs - FLOOD_WINDOW_MS;
    const firstByDistrict = new Map<string, string>();
    for (const a of byTime) {
      if (a.raisedAtMs < from || a.raisedAtMs > f.endMs) continue;
      const first = firstByDistrict.get(a.district);
      if (first === undefined) firstByDistrict.set(a.district, a.point);
      else if (a.point !== first) a.floodCause = first;
    }
  }
}

/** The alarm system's own health (EEMUA 191 / ISA-18.2 KPIs) over the last day. */
export interface AlarmKpis {
  atMs: number;
  raisedLast10Min: number;
  averagePer10Min: number;
  floodNow: boolean;
  floodSharePct: number;
  chattering: { point: string; transitions: number }[];
  stale: { point: string; sinceMs: number }[];
  top10: { point: string; raised: number }[];
  priorityMix: { priority: Priority; raised: number; pct: number; targetPct: number }[];
  standing: number;
  unacknowledged: number;
  shelved: number;
  suppressed: number;
  outOfService: number;
}

/** EEMUA 191's target mix: about 80 % low, 15 % medium, 5 % high; critical counts with high. */
const TARGET_PCT: Record<Priority, number> = { critical: 1, high: 4, medium: 15, low: 80 };

export function alarmKpis(s: OpsState, nowMs: number): AlarmKpis {
  const day = s.history.filter((t) => t.atMs > nowMs - DAY_MS && t.atMs <= nowMs);
  const raises = day.filter((t) => t.active);
  const floods = s.floods(nowMs);
  let floodMs = 0;
  for (const f of floods) floodMs += Math.max(0, Math.min(f.endMs, nowMs) - Math.max(f.startMs, nowMs - DAY_MS));
  const byPoint = new Map<string, number[]>();
  for (const t of s.history) {
    if (t.atMs <= nowMs - 3_600_000 || t.atMs > nowMs) continue;
    const l = byPoint.get(t.point) ?? [];
    l.push(t.atMs);
    byPoint.set(t.point, l);
  }
  const chattering: AlarmKpis['chattering'] = [];
  for (const [point, times] of byPoint) {
    times.sort((a, b) => a - b);
    let worst = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[i] as number) - (times[j] as number) >= 60_000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    if (worst >= 3) chattering.push({ point, transitions: worst });
  }
  const counts = new Map<string, number>();
  for (const r of raises) counts.set(r.point, (counts.get(r.point) ?? 0) + 1);
  const list = s.alarms(nowMs);
  const byPriority = new Map<Priority, number>();
  for (const r of raises) byPriority.set(r.priority, (byPriority.get(r.priority) ?? 0) + 1);
  return {
    atMs: nowMs,
    raisedLast10Min: raises.filter((t) => t.atMs > nowMs - 600_000).length,
    averagePer10Min: Math.round((raises.length / 144) * 100) / 100,
    floodNow: floods.some((f) => f.startMs <= nowMs && nowMs < f.endMs),
    floodSharePct: Math.round((floodMs / DAY_MS) * 10_000) / 100,
    chattering: chattering.sort((a, b) => b.transitions - a.transitions).slice(0, 50),
    stale: list.filter((a) => a.active && a.raisedAtMs < nowMs - DAY_MS).map((a) => ({ point: a.point, sinceMs: a.raisedAtMs })),
    top10: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10).map(([point, raised]) => ({ point, raised })),
    priorityMix: PRIORITIES.map((p) => {
      const n = byPriority.get(p) ?? 0;
      return { priority: p, raised: n, pct: raises.length ? Math.round((n / raises.length) * 1000) / 10 : 0, targetPct: TARGET_PCT[p] };
    }),
    standing: list.filter((a) => a.active).length,
    unacknowledged: list.filter((a) => a.state === 'unack' || a.state === 'rtn_unack').length,
    shelved: list.filter((a) => a.shelved).length,
    suppressed: list.filter((a) => a.suppressedBy).length,
    outOfService: list.filter((a) => a.outOfService).length,
  };
}
