import type { OpsSnapshot } from '../../../analytics/common/ops/controlRoomViews';
import type { Handled, Interrupt } from './playlist';

/**
 * Which of the wall's interrupts a console has handled, read from the operational picture every
 * wall and console share: a critical alarm acknowledged (or gone back to normal, acknowledged), a red
 * event acknowledged or turned into a hazard case. `nowMs` stands for "when" only where the picture
 * cannot say (an alarm gone back to normal): the push comes within moments of it.
 */
export function takeoverHandled(waiting: readonly Interrupt[], snap: OpsSnapshot, nowMs: number): { id: string; handled: Handled }[] {
  const out: { id: string; handled: Handled }[] = [];
  const alarms = new Map(snap.alarms.map((a) => [a.occurrence, a]));
  const events = new Map(snap.eventAcks.map((a) => [a.event, a]));
  // the pushed list is capped: only a complete one says an alarm is gone
  const complete = snap.alarms.length >= snap.kpis.shown + snap.kpis.hidden;
  for (const i of waiting) {
    if (i.kind === 'event') {
      const e = events.get(i.id);
      if (e) out.push({ id: i.id, handled: { by: e.by, atMs: e.atMs, how: 'acked' } });
      continue;
    }
    const a = alarms.get(i.id);
    if (a && a.state !== 'unack' && a.state !== 'rtn_unack') out.push({ id: i.id, handled: { by: a.ackedBy ?? '', atMs: a.ackedAtMs ?? nowMs, how: 'acked' } });
    // shelved (or suppressed, out of service) at a console: off every list, so off the wall too
    else if (a && !a.annunciated) out.push({ id: i.id, handled: { by: a.shelved?.by ?? a.outOfService?.by ?? '', atMs: nowMs, how: 'shelved' } });
    // gone from a complete list: acknowledged and back to normal
    else if (!a && complete) out.push({ id: i.id, handled: { by: '', atMs: nowMs, how: 'acked' } });
  }
  return out;
}
