import { describe, expect, it } from 'vitest';
import { ControlRoomState } from './controlRoomState.js';
import { ev } from './testing/controlRoomFixtures.js';

describe('red and orange events handled at a console', () => {
  it('the first acknowledgement counts and a second is refused, saying who was first', () => {
    const s = new ControlRoomState();
    expect(s.apply(ev({ kind: 'event.ack', event: 'bridge-ev-1' }, 5_000, 'console-1')).ok).toBe(true);
    const second = s.apply(ev({ kind: 'event.ack', event: 'bridge-ev-1' }, 6_000, 'console-2'));
    expect(second).toMatchObject({ ok: false, message: { code: 'msg_event_acked', params: { by: 'console-1' } } });
    expect(s.events.recent(10)).toEqual([{ event: 'bridge-ev-1', by: 'console-1', atMs: 5_000, hazard: null }]);
  });

  it('a hazard case raised from an event handles it and remembers the case', () => {
    const s = new ControlRoomState();
    const raised = s.apply(ev({
      kind: 'hazard.raise', hazard: 'ev-bridge-ev-2', grade: 'major', title: '桥梁挠度超限，建议封闭交通', domain: 'bridge', district: '420302', asset: 'b1',
      fromAlarm: null, fromEvent: { event: 'bridge-ev-2' }, responsible: { owner: null, supervisor: null, approver: null },
    }, 7_000, 'console-1'));
    expect(raised.ok).toBe(true);
    expect(s.hazards.get('ev-bridge-ev-2')?.source).toEqual({ kind: 'event', event: 'bridge-ev-2' });
    expect(s.events.get('bridge-ev-2')).toEqual({ event: 'bridge-ev-2', by: 'console-1', atMs: 7_000, hazard: 'ev-bridge-ev-2' });
  });
});
