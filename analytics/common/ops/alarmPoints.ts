import { message, type Message } from '../i18n.js';
import { occurrenceId, type AlarmProcessState, type AlarmTransition, type Occurrence } from './alarmTransition.js';
import type { AlarmView } from './controlRoomViews.js';

/** Bounds: an operations center runs for months without restarting. */
export const ALARM_POINT_LIMITS = { openPerPoint: 50, history: 50_000 };

type Shelf = { by: string; reason: string; untilMs: number };

export interface PointState {
  ackedUpTo: number;
  silencedUpTo: number;
  resetUpTo: number;
  shelved: Shelf | null;
  outOfService: { by: string; record: string } | null;
  /** Occurrences of this point not yet back to normal, oldest first (bounded). */
  open: Occurrence[];
  ackedBy: string | null;
  /** When the latest acknowledgement was made (the operator event's time): the walls say it. */
  ackedAtMs: number | null;
}

/**
 * The ISA-18.2 process state of one occurrence, derived from the point's high-water marks rather
 * than stepped like a machine: acknowledge, silence and reset mean "up to the occurrence raised at
 * t", so they commute with the data (the oracle in `alarms/testing` checks it agrees with the machine).
 */
export function deriveState(o: Occurrence, p: PointState): AlarmProcessState {
  const acked = o.raisedAtMs <= p.ackedUpTo;
  if (o.clearedAtMs === null) return acked ? 'ack' : 'unack';
  // a latching alarm that cleared unacknowledged stays unacknowledged (ISA-18.2 latched alarms)
  if (!acked) return o.latching ? 'unack' : 'rtn_unack';
  if (o.latching && o.raisedAtMs > p.resetUpTo) return 'latched';
  return 'normal';
}

/**
 * Every alarm point's occurrences and what operators did to it, plus the raises and clears of the
 * last day. Methods that can refuse return the reason, or null when done.
 */
export class AlarmPoints {
  private readonly points = new Map<string, PointState>();
  /** Every raise and clear of the last day, oldest first: the KPIs, the flood and the handover read it. */
  readonly history: AlarmTransition[] = [];

  private point(id: string): PointState {
    let p = this.points.get(id);
    if (!p) {
      p = { ackedUpTo: -Infinity, silencedUpTo: -Infinity, resetUpTo: -Infinity, shelved: null, outOfService: null, open: [], ackedBy: null, ackedAtMs: null };
      this.points.set(id, p);
    }
    return p;
  }

  /** An alarm condition starting or ending (from the data). Returns false for a repeat, so a replay is harmless. */
  transition(t: AlarmTransition): boolean {
    const p = this.point(t.point);
    if (t.active) {
      if (p.open.some((o) => o.raisedAtMs === t.atMs)) return false;
      p.open.push({ point: t.point, rule: t.rule, priority: t.priority, domain: t.domain, district: t.district, asset: t.asset, metric: t.metric, latching: t.latching, raisedAtMs: t.atMs, clearedAtMs: null, value: t.value });
      p.open.sort((a, b) => a.raisedAtMs - b.raisedAtMs);
    } else {
      const o = [...p.open].reverse().find((x) => x.clearedAtMs === null && x.raisedAtMs <= t.atMs);
      if (!o) return false;
      o.clearedAtMs = t.atMs;
    }
    this.history.push(t);
    this.prune(p);
    return true;
  }

  /** Drops occurrences that are back to normal, keeping the newest; bounds what a chattering point can hold. */
  private prune(p: PointState): void {
    const newest = p.open[p.open.length - 1];
    p.open = p.open.filter((o) => o === newest || deriveState(o, p) !== 'normal');
    if (p.open.length > ALARM_POINT_LIMITS.openPerPoint) p.open = p.open.slice(-ALARM_POINT_LIMITS.openPerPoint);
    if (this.history.length > ALARM_POINT_LIMITS.history) this.history.splice(0, this.history.length - ALARM_POINT_LIMITS.history);
  }

  acknowledge(point: string, raisedAtMs: number, by: string, atMs: number): null {
    const p = this.point(point);
    if (raisedAtMs > p.ackedUpTo) {
      p.ackedUpTo = raisedAtMs;
      p.ackedBy = by;
      p.ackedAtMs = atMs;
    }
    p.silencedUpTo = Math.max(p.silencedUpTo, raisedAtMs);
    this.prune(p);
    return null;
  }

  silence(point: string, raisedAtMs: number): null {
    const p = this.point(point);
    p.silencedUpTo = Math.max(p.silencedUpTo, raisedAtMs);
    return null;
  }

  reset(point: string, raisedAtMs: number): null {
    const p = this.point(point);
    p.resetUpTo = Math.max(p.resetUpTo, raisedAtMs);
    this.prune(p);
    return null;
  }

  shelve(point: string, shelf: Shelf): Message | null {
    const p = this.point(point);
    if (p.outOfService) return message('msg_out_of_service');
    p.shelved = shelf;
    return null;
  }

  unshelve(point: string, atMs: number): Message | null {
    const p = this.point(point);
    if (!p.shelved || p.shelved.untilMs <= atMs) return message('msg_not_shelved');
    p.shelved = null;
    return null;
  }

  removeFromService(point: string, by: string, record: string): null {
    const p = this.point(point);
    p.outOfService = { by, record };
    p.shelved = null;
    return null;
  }

  returnToService(point: string): Message | null {
    const p = this.point(point);
    if (!p.outOfService) return message('msg_not_out_of_service');
    p.outOfService = null;
    return null;
  }

  /** Every occurrence not back to normal, newest first, not yet grouped by flood. */
  list(nowMs: number, suppressedRules: ReadonlyMap<string, string>): AlarmView[] {
    const out: AlarmView[] = [];
    for (const p of this.points.values()) {
      const shelved = p.shelved && p.shelved.untilMs > nowMs ? p.shelved : null;
      for (const o of p.open) {
        const state = deriveState(o, p);
        if (state === 'normal') continue;
        const suppressedBy = suppressedRules.get(o.rule) ?? null;
        out.push({
          ...o, occurrence: occurrenceId(o.point, o.raisedAtMs), state, active: o.clearedAtMs === null, silenced: o.raisedAtMs <= p.silencedUpTo, ackedBy: o.raisedAtMs <= p.ackedUpTo ? p.ackedBy : null, ackedAtMs: o.raisedAtMs <= p.ackedUpTo ? p.ackedAtMs : null,
          shelved, suppressedBy, outOfService: p.outOfService,
          annunciated: shelved === null && suppressedBy === null && p.outOfService === null,
          floodCause: null,
        });
      }
    }
    out.sort((a, b) => b.raisedAtMs - a.raisedAtMs || a.point.localeCompare(b.point));
    return out;
  }
}
