import type { OpsSnapshot } from '../../../analytics/common/ops/controlRoomViews';
import type { OpsAction } from '../../../analytics/common/ops/opsEvents';
import { DOMAINS, type Domain } from '../../../analytics/common/city';
import type { CityEventRow } from '../lib/cityState.svelte';

export type EventAck = OpsSnapshot['eventAcks'][number];
export interface SevereEvent { e: CityEventRow; ack: EventAck | null }

/**
 * The red and orange events a console can act on: those not yet handled first (newest first), then
 * the ones handled, so the leader sees who took them; at most `limit`.
 */
export function severeEvents(events: readonly CityEventRow[], acks: readonly EventAck[], limit: number): SevereEvent[] {
  const byEvent = new Map(acks.map((a) => [a.event, a]));
  const severe = events.filter((e) => e.severity === 'red' || e.severity === 'orange').map((e) => ({ e, ack: byEvent.get(e.id) ?? null }));
  return [...severe.filter((x) => !x.ack), ...severe.filter((x) => x.ack)].slice(0, limit);
}

/** An incident's id from the event's: the same event always gives the same incident. */
export const incidentIdOf = (event: string): string => `inc-ev-${event.replace(/[^A-Za-z0-9_.:-]/g, '_')}`.slice(0, 120);

/** A hazard case's id from the event's: the same event always gives the same case. */
export const hazardIdOf = (event: string): string => `ev-${event.replace(/[^A-Za-z0-9_.:-]/g, '_')}`.slice(0, 120);

/** The hazard case raised from an event: a red event is a major hazard, an orange one a general hazard. */
export function hazardFromEvent(e: CityEventRow): OpsAction | null {
  if (!(DOMAINS as readonly string[]).includes(e.domain) || !/^[0-9]{6}$/.test(e.district)) return null;
  return {
    kind: 'hazard.raise', hazard: hazardIdOf(e.id), grade: e.severity === 'red' ? 'major' : 'general', title: e.title,
    domain: e.domain as Domain, district: e.district, asset: e.asset, fromAlarm: null, fromEvent: { event: e.id },
    responsible: { owner: null, supervisor: null, approver: null },
  };
}
