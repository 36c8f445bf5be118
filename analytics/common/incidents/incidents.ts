import { message, type Message } from '../i18n.js';
import type { OpsEvent } from '../ops/opsEvents.js';
import { applyIncident, isIncidentRefusal, newIncident, sourceKey, type Incident, type IncidentCommand } from './incident.js';

/** Bounds: an operations center runs for months without restarting. */
export const INCIDENTS_KEPT = 2_000;

type IncidentAction = Extract<OpsEvent['action'], { kind: `incident.${string}` }>;

/** The incidents as the OPS stream made them, by id and by source (one incident per alarm occurrence or event). */
export class Incidents {
  readonly byId = new Map<string, Incident>();
  private readonly bySource = new Map<string, string>();

  /** Why this action would be refused now (null: it would be applied). */
  refusal(a: IncidentAction, by: string, atMs: number): Message | null {
    const r = this.next(a, by, atMs);
    return 'refused' in r ? r.refused : null;
  }

  /** The refusal of opening an incident whose id or source already has one (null when neither has). */
  opened(a: Extract<IncidentAction, { kind: 'incident.open' }>): Message | null {
    if (this.byId.has(a.incident)) return message('msg_incident_exists', { incident: a.incident });
    const key = a.fromAlarm ? sourceKey({ kind: 'alarm', ...a.fromAlarm }) : a.fromEvent ? sourceKey({ kind: 'event', event: a.fromEvent.event }) : null;
    const other = key === null ? undefined : this.bySource.get(key);
    return other === undefined ? null : message('msg_incident_exists', { incident: other });
  }

  /** Applies an incident action from the stream; returns the refusal, or null when applied. */
  apply(e: OpsEvent & { action: IncidentAction }): Message | null {
    const r = this.next(e.action, e.device, e.ts);
    if ('refused' in r) return r.refused;
    const known = this.byId.get(r.incident.id);
    this.byId.set(r.incident.id, r.incident);
    if (!known) {
      this.bySource.set(sourceKey(r.incident.source), r.incident.id);
      this.trim();
    }
    return null;
  }

  private next(a: IncidentAction, by: string, atMs: number): { incident: Incident } | { refused: Message } {
    if (a.kind === 'incident.open') {
      if (this.byId.has(a.incident)) return { refused: message('msg_incident_exists', { incident: a.incident }) };
      const source: Incident['source'] | null = a.fromAlarm ? { kind: 'alarm', ...a.fromAlarm } : a.fromEvent ? { kind: 'event', event: a.fromEvent.event } : null;
      if (!source) return { refused: message('msg_incident_no_source') };
      const other = this.bySource.get(sourceKey(source));
      if (other !== undefined) return { refused: message('msg_incident_exists', { incident: other }) };
      if (!a.plan || !a.center) return { refused: message('msg_incident_no_plan', { domain: a.domain }) };
      return { incident: newIncident({
        id: a.incident, title: a.title, domain: a.domain, district: a.district, asset: a.asset, source, center: a.center, plan: a.plan,
        places: a.places ?? [], notify: a.notify ?? [], openedAtMs: atMs, openedBy: by,
      }) };
    }
    const i = this.byId.get(a.incident);
    if (!i) return { refused: message('msg_no_incident', { incident: a.incident }) };
    const cmd: IncidentCommand = a.kind === 'incident.step' ? { kind: 'step', by, step: a.step, note: a.note ?? null }
      : a.kind === 'incident.notify' ? { kind: 'notify', by, party: a.party, note: a.note ?? null }
        : { kind: 'close', by, summary: a.summary };
    const r = applyIncident(i, cmd, atMs);
    return isIncidentRefusal(r) ? { refused: r.message } : { incident: r };
  }

  /** Open ones first, then newest. */
  list(): Incident[] {
    return [...this.byId.values()].sort((a, b) => Number(a.closed !== null) - Number(b.closed !== null) || b.openedAtMs - a.openedAtMs);
  }

  private trim(): void {
    if (this.byId.size <= INCIDENTS_KEPT) return;
    const oldestClosed = [...this.byId.values()].filter((i) => i.closed).sort((a, b) => (a.closed?.atMs ?? 0) - (b.closed?.atMs ?? 0))[0];
    if (oldestClosed) {
      this.byId.delete(oldestClosed.id);
      this.bySource.delete(sourceKey(oldestClosed.source));
    }
  }
}
