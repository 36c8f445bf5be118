import type { OpsSnapshot } from '../../../analytics/common/ops/controlRoomViews';
import type { CityEventRow } from '../lib/cityState.svelte';
import type { Interrupt } from './playlist';

/** Red events older than this do not take over a wall that opens after them (the event list has them). */
export const STANDING_EVENT_MS = 3_600_000;

/**
 * What a wall that opens (or reloads) must take over for at once: the criticals standing
 * unacknowledged (raised, or back to normal but never acknowledged) that are on the screens, and the
 * red events of the last hour no console has handled; oldest first. Titles are made by the caller.
 */
export function standingTakeovers(snap: OpsSnapshot, events: readonly CityEventRow[], nowMs: number, alarmTitle: (a: OpsSnapshot['alarms'][number]) => string): Interrupt[] {
  const out: Interrupt[] = [];
  for (const a of snap.alarms) {
    if (a.priority !== 'critical' || !a.annunciated || (a.state !== 'unack' && a.state !== 'rtn_unack')) continue;
    out.push({ id: a.occurrence, kind: 'alarm', title: alarmTitle(a), severity: 'red', asset: a.asset, domain: a.domain, district: a.district, atMs: a.raisedAtMs });
  }
  const acked = new Set(snap.eventAcks.map((e) => e.event));
  for (const e of events) {
    if (e.severity !== 'red' || acked.has(e.id) || nowMs - e.ts > STANDING_EVENT_MS) continue;
    out.push({ id: e.id, kind: 'event', title: e.title, severity: e.severity, asset: e.asset, domain: e.domain, district: e.district, atMs: e.ts });
  }
  return out.sort((x, y) => x.atMs - y.atMs);
}
