import { describe, expect, it } from 'vitest';
import type { OpsAction, Role } from '../../common/ops/opsEvents.js';
import type { Engine } from '../engine.js';
import { engineSuite } from '../../../dev/testing/engineSuite.js';
import { waitFor } from '../../../dev/testing/harness.js';
import { ActionRefused } from './actionPrecheck.js';

const suite = engineSuite();
const act = (e: Engine, a: OpsAction, device = 'console-1', role: Role = 'shift_leader') => e.controlRoom.submit(a, device, role);
const raiseFrom = (event: string): OpsAction => ({
  kind: 'hazard.raise', hazard: `ev-${event}`, grade: 'major', title: '桥梁挠度超限，建议封闭交通', domain: 'bridge', district: '420302', asset: 'b1',
  fromAlarm: null, fromEvent: { event }, responsible: { owner: null, supervisor: null, approver: null },
});

describe('red and orange events handled through the OPS stream', () => {
  it('an acknowledgement goes through the stream once; a second one and a wall are refused before anything is written', async () => {
    const e = await suite.engineOn(suite.config({}, 'events'));
    await act(e, { kind: 'event.ack', event: 'bridge-ev-1' });
    await waitFor(() => e.controlRoom.state.events.get('bridge-ev-1'), 'acknowledged from the stream');
    expect(e.controlRoom.state.events.get('bridge-ev-1')).toMatchObject({ by: 'console-1', hazard: null });
    await expect(act(e, { kind: 'event.ack', event: 'bridge-ev-1' }, 'console-2')).rejects.toThrow(/console-1/);
    await expect(act(e, { kind: 'event.ack', event: 'bridge-ev-2' }, 'wall-1', 'wall')).rejects.toThrow(ActionRefused);

    // turned into a case: the event is handled with it, and a second case from it is refused
    await act(e, raiseFrom('bridge-ev-3'));
    await waitFor(() => e.controlRoom.state.events.get('bridge-ev-3')?.hazard, 'the case handles the event');
    expect(e.controlRoom.state.hazards.get('ev-bridge-ev-3')?.source).toEqual({ kind: 'event', event: 'bridge-ev-3' });
    await expect(act(e, { ...raiseFrom('bridge-ev-3'), hazard: 'ev-bridge-ev-3-again' } as OpsAction)).rejects.toThrow(ActionRefused);
  });
});
