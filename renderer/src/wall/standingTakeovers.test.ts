import { describe, expect, it } from 'vitest';
import type { AlarmView, OpsSnapshot } from '../../../analytics/common/ops/controlRoomViews';
import type { CityEventRow } from '../lib/cityState.svelte';
import { STANDING_EVENT_MS, standingTakeovers } from './standingTakeovers';

const alarm = (occurrence: string, over: Partial<AlarmView>): AlarmView =>
  ({ occurrence, priority: 'critical', state: 'unack', annunciated: true, active: true, raisedAtMs: 100, domain: 'gas', district: '420302', asset: 'g1', ...over } as AlarmView);
const snap = (alarms: AlarmView[], eventAcks: OpsSnapshot['eventAcks'] = []): OpsSnapshot => ({ alarms, eventAcks } as unknown as OpsSnapshot);
const event = (id: string, ts: number, severity = 'red'): CityEventRow => ({ id, ts, domain: 'bridge', district: '420303', type: 'deflection', severity, title: `桥梁 ${id}`, asset: 'b1' });

describe('a wall that opens takes over for what stands unhandled', () => {
  it('criticals unacknowledged (also back to normal) that are on the screens, oldest first; not acknowledged, shelved or lower ones', () => {
    const s = snap([
      alarm('late@300', { raisedAtMs: 300 }),
      alarm('rtn@50', { raisedAtMs: 50, state: 'rtn_unack', active: false }),
      alarm('acked@10', { raisedAtMs: 10, state: 'ack' }),
      alarm('shelved@20', { raisedAtMs: 20, annunciated: false }),
      alarm('high@30', { raisedAtMs: 30, priority: 'high' }),
    ]);
    expect(standingTakeovers(s, [], 1_000, (a) => `t:${a.occurrence}`).map((i) => [i.id, i.kind, i.title, i.atMs])).toEqual([
      ['rtn@50', 'alarm', 't:rtn@50', 50],
      ['late@300', 'alarm', 't:late@300', 300],
    ]);
  });

  it('red events of the last hour no console has handled, in time order with the alarms', () => {
    const now = 10 * STANDING_EVENT_MS;
    const s = snap([alarm('a@1', { raisedAtMs: now - 500 })], [{ event: 'handled', by: 'console-1', atMs: now - 10, hazard: null }]);
    const events = [event('new', now - 100), event('handled', now - 1_000), event('orange', now - 200, 'orange'), event('old', now - STANDING_EVENT_MS - 1), event('edge', now - STANDING_EVENT_MS)];
    expect(standingTakeovers(s, events, now, () => 'x').map((i) => i.id)).toEqual(['edge', 'a@1', 'new']);
  });
});
