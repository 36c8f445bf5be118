import { newHazard, type HazardCase } from '../hazards/hazardCase.js';
import { AlarmPoints } from './alarmPoints.js';
import type { AlarmTransition } from './alarmTransition.js';
import { refusedWith, type AlarmView, type Applied, type HazardView, type Signature } from './controlRoomViews.js';
import { message, type Message } from '../i18n.js';
import { floods, groupUnderFirstOut, type Flood } from './floods.js';
import { HazardCases, type FailedInspection, type HazardMeta } from './hazardCases.js';
import type { OpsEvent } from './opsEvents.js';
import { EventAcks } from './eventAcks.js';
import { signatureRefusal } from './handoverSignatures.js';
import { Incidents } from '../incidents/incidents.js';

export interface SuppressionProfile {
  id: string;
  rules: string[];
}

/** Bounds: an operations center runs for months without restarting. */
const APPLIED_KEPT = 5_000;
const SIGNATURES_KEPT = 1_000;

/**
 * The control room's state, the same on every engine: alarms, hazard cases, suppression profiles,
 * handover signatures. Pure and deterministic. Two inputs build it:
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
export class ControlRoomState {
  private readonly points = new AlarmPoints();
  private readonly cases = new HazardCases();
  readonly profiles = new Set<string>();
  readonly signatures: Signature[] = [];
  /** Red and orange city events handled at a console. */
  readonly events = new EventAcks();
  /** Incidents (应急处置) opened from critical alarms and red events. */
  readonly incidents = new Incidents();
  /** The outcome of the latest events (refusals carry their reason). */
  readonly applied = new Map<string, Applied>();
  /** Bumped on every change: pushes and caches key on it. */
  version = 0;

  constructor(private readonly suppression: SuppressionProfile[] = []) {}

  /** Every raise and clear of the last day, oldest first: the KPIs, the flood and the handover read it. */
  get history(): readonly AlarmTransition[] {
    return this.points.history;
  }

  get hazards(): ReadonlyMap<string, HazardView> {
    return this.cases.byId;
  }

  /** How many operator events wait for a hazard case this engine has not seen yet. */
  get parked(): number {
    return this.cases.parked;
  }

  /** An alarm condition starting or ending (from the data). Repeats are ignored, so a replay is harmless. */
  transition(t: AlarmTransition): void {
    if (this.points.transition(t)) this.version++;
  }

  /** Applies one event from the OPS stream. Returns what happened; a refusal is kept with its reason. */
  apply(e: OpsEvent): Applied {
    // an outcome is a record, never changed once made: frozen, it is shared by the replay's copies of the state
    const r = Object.freeze(this.applyEvent(e));
    if (r.ok || r.reason !== 'orphan') {
      this.applied.set(e.id, r);
      if (this.applied.size > APPLIED_KEPT) this.applied.delete(this.applied.keys().next().value as string);
      this.version++;
    }
    return r;
  }

  private applyEvent(e: OpsEvent): Applied {
    const a = e.action;
    const by = e.device;
    const outcome = (refused: Message | null): Applied => (refused === null ? { id: e.id, ok: true, reason: null } : refusedWith(e.id, refused));
    switch (a.kind) {
      case 'alarm.ack': return outcome(this.points.acknowledge(a.point, a.raisedAtMs, by, e.ts));
      case 'alarm.silence': return outcome(this.points.silence(a.point, a.raisedAtMs));
      case 'alarm.reset': return outcome(this.points.reset(a.point, a.raisedAtMs));
      case 'alarm.shelve': return outcome(this.points.shelve(a.point, { by, reason: a.reason, untilMs: e.ts + a.forMs }));
      case 'alarm.unshelve': return outcome(this.points.unshelve(a.point, e.ts));
      case 'alarm.out_of_service': return outcome(this.points.removeFromService(a.point, by, a.record));
      case 'alarm.return_to_service': return outcome(this.points.returnToService(a.point));
      case 'alarm.profile':
        if (!this.suppression.some((s) => s.id === a.profile)) return outcome(message('msg_no_profile', { profile: a.profile }));
        if (a.on) this.profiles.add(a.profile);
        else this.profiles.delete(a.profile);
        return outcome(null);
      case 'hazard.raise':
        if (this.cases.byId.has(a.hazard)) return outcome(message('msg_hazard_exists', { hazard: a.hazard }));
        this.addHazard(newHazard(a.hazard, a.grade, by, e.ts), {
          title: a.title, domain: a.domain, district: a.district, asset: a.asset, responsible: a.responsible,
          source: a.fromAlarm ? { kind: 'alarm', point: a.fromAlarm.point, raisedAtMs: a.fromAlarm.raisedAtMs } : a.fromEvent ? { kind: 'event', event: a.fromEvent.event }
            : a.fromPermit ? { kind: 'permit', finding: a.fromPermit.finding, finding_kind: a.fromPermit.kind, type: a.fromPermit.type, number: a.fromPermit.number, department: a.fromPermit.department }
            : { kind: 'manual' },
        }, e.id);
        // a case raised from an event handles the event: the walls release it
        if (a.fromEvent) this.events.acknowledge(a.fromEvent.event, by, e.ts, a.hazard);
        return outcome(null);
      case 'event.ack': return outcome(this.events.acknowledge(a.event, by, e.ts));
      case 'incident.open': case 'incident.step': case 'incident.notify': case 'incident.close':
        return outcome(this.incidents.apply({ ...e, action: a }));
      case 'handover.sign': {
        const refused = signatureRefusal(this.signatures, a);
        if (refused) return outcome(refused);
        this.signatures.push({ shiftStartMs: a.shiftStartMs, shiftEndMs: a.shiftEndMs, as: a.as, name: a.name, device: by, atMs: e.ts, reportSha256: a.reportSha256 });
        if (this.signatures.length > SIGNATURES_KEPT) this.signatures.shift();
        return outcome(null);
      }
      default:
        return this.cases.apply(e);
    }
  }

  /** A new case; the events that were waiting for it are applied now, in the order they came. */
  private addHazard(c: HazardCase, meta: HazardMeta, eventId: string): void {
    for (const parked of this.cases.add(c, meta, eventId)) this.apply(parked);
    this.version++;
  }

  /** A failed inspection item on the feed raises a hazard by itself (same id on every engine). */
  inspectionFailed(i: FailedInspection, responsible: HazardView['responsible']): void {
    const { hazard, meta } = HazardCases.fromInspection(i, responsible);
    if (this.cases.byId.has(hazard.id)) return;
    this.addHazard(hazard, meta, hazard.id);
  }

  // ---- views ----

  /** The alarm list: every occurrence not back to normal, newest first, with its flood grouping. */
  alarms(nowMs: number): AlarmView[] {
    const suppressedRules = new Map<string, string>();
    for (const s of this.suppression) if (this.profiles.has(s.id)) for (const r of s.rules) suppressedRules.set(r, s.id);
    const list = this.points.list(nowMs, suppressedRules);
    groupUnderFirstOut(list, this.floods(nowMs));
    return list;
  }

  /** Flood intervals (more than 10 raises within 10 minutes) of the last day, oldest first. */
  floods(nowMs: number): Flood[] {
    return floods(this.points.history, nowMs);
  }

  hazardList(nowMs: number): (HazardView & { overdue: boolean })[] {
    return this.cases.list(nowMs);
  }
}
