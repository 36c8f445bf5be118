import type { EventPush } from '../../common/engineApi.js';
import type { Database } from '../store/database.js';

/** A red city event: where it happened, as an incident opened from it needs. */
export interface RedEvent { domain: string; district: string; asset: string | null }

/** Enough for days of red events; the oldest go first. */
const KEPT = 10_000;

/**
 * The red city events this engine has stored (those of the last day at start, then each committed
 * one): only a red event may open an incident, and the incident takes the event's place, never the
 * client's word for it.
 */
export class RedEvents {
  private readonly byId = new Map<string, RedEvent>();

  async load(db: Database): Promise<void> {
    const rows = await db.queryRows(`SELECT msg_id, domain, district, asset FROM events
      WHERE severity = 'red' AND ts > now() - INTERVAL 1 DAY ORDER BY ts LIMIT ${KEPT}`);
    for (const r of rows) this.keep(String(r['msg_id']), { domain: String(r['domain']), district: String(r['district']), asset: r['asset'] === null ? null : String(r['asset']) });
  }

  addCommitted(events: readonly EventPush[]): void {
    for (const e of events) if (e.event.severity === 'red') this.keep(e.event.id, { domain: e.domain, district: e.district, asset: e.event.asset ?? null });
  }

  get(id: string): RedEvent | undefined {
    return this.byId.get(id);
  }

  private keep(id: string, e: RedEvent): void {
    this.byId.delete(id);
    this.byId.set(id, e);
    if (this.byId.size > KEPT) this.byId.delete(this.byId.keys().next().value as string);
  }
}
