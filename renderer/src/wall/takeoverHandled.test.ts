import { describe, expect, it } from 'vitest';
import type { AlarmView, OpsSnapshot } from '../../../analytics/common/ops/controlRoomViews';
import type { Interrupt } from './playlist';
import { takeoverHandled } from './takeoverHandled';

const alarm = (occurrence: string, state: AlarmView['state'], ackedBy: string | null, ackedAtMs: number | null = null): AlarmView => ({ occurrence, state, ackedBy, ackedAtMs, annunciated: true } as AlarmView);
const snap = (alarms: AlarmView[], eventAcks: OpsSnapshot['eventAcks'] = []): OpsSnapshot =>
  ({ alarms, eventAcks, kpis: { shown: alarms.length, unacknowledged: 0, hidden: 0, floodNow: false, raisedLast10Min: 0 } } as unknown as OpsSnapshot);
const i = (id: string, kind: Interrupt['kind']): Interrupt => ({ id, kind, title: 't', severity: 'red', asset: null, domain: 'gas', district: '420302', atMs: 0 });

describe("the wall's takeover follows the consoles", () => {
  it('an acknowledged critical alarm is handled, by whoever acknowledged it; an unacknowledged one is not', () => {
    const s = snap([alarm('p1@1', 'ack', 'console-1', 40), alarm('p2@1', 'unack', null), alarm('p3@1', 'latched', 'console-2', 50)]);
    expect(takeoverHandled([i('p1@1', 'alarm'), i('p2@1', 'alarm'), i('p3@1', 'alarm')], s, 99)).toEqual([
      { id: 'p1@1', handled: { by: 'console-1', atMs: 40, how: 'acked' } },
      { id: 'p3@1', handled: { by: 'console-2', atMs: 50, how: 'acked' } },
    ]);
  });

  it('an alarm gone from a complete list is handled; from a capped list it may only be cut off', () => {
    expect(takeoverHandled([i('gone@1', 'alarm')], snap([]), 5)).toEqual([{ id: 'gone@1', handled: { by: '', atMs: 5, how: 'acked' } }]);
    const capped = { ...snap([]), kpis: { shown: 400, unacknowledged: 0, hidden: 0, floodNow: false, raisedLast10Min: 0 } };
    expect(takeoverHandled([i('gone@1', 'alarm')], capped, 5)).toEqual([]);
  });

  it('a critical shelved at a console leaves the wall too, saying it was shelved and by whom', () => {
    const shelved = { ...alarm('p4@1', 'unack', null), annunciated: false, shelved: { by: 'console-2', reason: '检修', untilMs: 9e12 }, outOfService: null } as AlarmView;
    expect(takeoverHandled([i('p4@1', 'alarm')], snap([shelved]), 7)).toEqual([{ id: 'p4@1', handled: { by: 'console-2', atMs: 7, how: 'shelved' } }]);
  });

  it('a red event is handled when a console acknowledged it, with that console and time', () => {
    const s = snap([], [{ event: 'ev-1', by: 'console-2', atMs: 1234, hazard: null }]);
    expect(takeoverHandled([i('ev-1', 'event'), i('ev-2', 'event')], s, 99)).toEqual([{ id: 'ev-1', handled: { by: 'console-2', atMs: 1234, how: 'acked' } }]);
  });
});
