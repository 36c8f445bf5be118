import type { Domain } from '../city.js';
import { applyHazard, entry, isHazardRefusal, isOverdue, newHazard, type HazardCase } from '../hazards/hazardCase.js';
import { message } from '../i18n.js';
import { refusedWith, type Applied, type HazardView } from './controlRoomViews.js';
import { hazardCommand } from './hazardCommand.js';
import type { OpsEvent } from './opsEvents.js';

/** Bounds: an operations center runs for months without restarting. */
export const HAZARD_LIMITS = { orphans: 10_000, closedHazardsKept: 20_000 };

export type HazardMeta = Pick<HazardView, 'title' | 'domain' | 'district' | 'asset' | 'responsible' | 'source'>;

export interface FailedInspection {
  id: string;
  tsMs: number;
  domain: Domain;
  district: string;
  asset: string;
  item: string;
  level: 'major' | 'general';
  inspector: string;
  note: string | null;
}

/**
 * The hazard cases as the OPS stream and the failed inspections made them, and the events that
 * arrived before their case (parked until it exists).
 */
export class HazardCases {
  readonly byId = new Map<string, HazardView>();
  private readonly orphans = new Map<string, OpsEvent[]>();
  private orphanCount = 0;

  /** Adds a case; returns the events parked for it, which the caller applies now. */
  add(c: HazardCase, meta: HazardMeta, eventId: string): OpsEvent[] {
    this.byId.set(c.id, { ...c, ...meta, createdAtMs: c.history[0]?.atMs ?? 0, comments: [], attachments: [], closedAtMs: null, lastEventId: eventId });
    this.trim();
    const parked = this.orphans.get(c.id);
    if (!parked) return [];
    this.orphans.delete(c.id);
    this.orphanCount -= parked.length;
    return parked;
  }

  /** The case a failed inspection item raises by itself: the same id on every engine. */
  static fromInspection(i: FailedInspection, responsible: HazardView['responsible']): { hazard: HazardCase; meta: HazardMeta } {
    const id = `insp-${i.id}`.slice(0, 120).replace(/[^A-Za-z0-9_.:-]/g, '_');
    return {
      hazard: newHazard(id, i.level, i.inspector, i.tsMs),
      meta: { title: i.note ? `${i.item}：${i.note}` : i.item, domain: i.domain, district: i.district, asset: i.asset, responsible, source: { kind: 'inspection', inspection: i.id, item: i.item } },
    };
  }

  /** Applies a comment, an attachment or a lifecycle step; an event for an unknown case is parked ('orphan'). */
  apply(e: OpsEvent): Applied {
    const a = e.action;
    if (!('hazard' in a)) return refusedWith(e.id, message('msg_not_hazard_action'));
    const h = this.byId.get(a.hazard);
    if (!h) {
      // the case comes from data this engine has not read yet (a failed inspection): park the event
      if (this.orphanCount >= HAZARD_LIMITS.orphans) return refusedWith(e.id, message('msg_no_hazard', { hazard: a.hazard }));
      const list = this.orphans.get(a.hazard) ?? [];
      list.push(e);
      this.orphans.set(a.hazard, list);
      this.orphanCount++;
      return refusedWith(e.id, message('msg_orphan'));
    }
    const by = e.device;
    if (a.kind === 'hazard.comment') {
      h.comments.push({ atMs: e.ts, by, text: a.text });
      h.history.push(entry(e.ts, by, message('hist_comment', { text: a.text })));
      h.lastEventId = e.id;
      return { id: e.id, ok: true, reason: null };
    }
    if (a.kind === 'hazard.attach') {
      h.attachments.push({ atMs: e.ts, by, name: a.name, bytes: a.bytes, sha256: a.sha256 });
      h.history.push(entry(e.ts, by, message('hist_attached', { name: a.name })));
      h.lastEventId = e.id;
      return { id: e.id, ok: true, reason: null };
    }
    const cmd = hazardCommand(a, by);
    if (cmd === null) return refusedWith(e.id, message('msg_unknown_action', { action: a.kind }));
    const next = applyHazard(h, cmd, e.ts);
    if (isHazardRefusal(next)) {
      h.history.push(entry(e.ts, by, message('hist_refused', { action: a.kind }, next.message)));
      return refusedWith(e.id, next.message);
    }
    Object.assign(h, next, { lastEventId: e.id, closedAtMs: next.stage === 'closed' ? e.ts : null });
    return { id: e.id, ok: true, reason: null };
  }

  /** Every case, overdue first, then newest. */
  list(nowMs: number): (HazardView & { overdue: boolean })[] {
    return [...this.byId.values()].map((h) => ({ ...h, overdue: isOverdue(h, nowMs) }))
      .sort((a, b) => Number(b.overdue) - Number(a.overdue) || b.createdAtMs - a.createdAtMs);
  }

  /** How many events wait for their case. */
  get parked(): number {
    return this.orphanCount;
  }

  private trim(): void {
    if (this.byId.size <= HAZARD_LIMITS.closedHazardsKept * 2) return;
    const closed = [...this.byId.values()].filter((h) => h.stage === 'closed').sort((a, b) => (a.closedAtMs ?? 0) - (b.closedAtMs ?? 0));
    for (const h of closed.slice(0, closed.length - HAZARD_LIMITS.closedHazardsKept)) this.byId.delete(h.id);
  }
}
