import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply as applyIsa, initialAlarm, isRefusal, type AlarmState } from '../alarms/testing/alarmMachineOracle.js';
import type { AlarmTransition } from './alarmTransition.js';
import { ControlRoomState } from './controlRoomState.js';
import { OpsEventSchema, type OpsEvent } from './opsEvents.js';
import { ev, POINT, tr } from './testing/controlRoomFixtures.js';

/** All the ways to interleave two sequences while keeping each one's own order. */
function interleave<T>(a: T[], b: T[], choices: boolean[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  for (const c of choices) {
    if (i >= a.length && j >= b.length) break;
    if ((c && i < a.length) || j >= b.length) out.push(a[i++] as T);
    else out.push(b[j++] as T);
  }
  while (i < a.length) out.push(a[i++] as T);
  while (j < b.length) out.push(b[j++] as T);
  return out;
}

describe('the control room state', () => {
  it('acknowledge and silence commute with the data: any interleaving gives the same alarm list', () => {
    const points = ['gas/420302/g1#gas.lel.level2', 'gas/420303/g2#gas.lel.level2', 'tunnel/420302/t1#tunnel.ch4.alarm'];
    fc.assert(fc.property(
      fc.array(fc.record({ p: fc.integer({ min: 0, max: 2 }), dt: fc.integer({ min: 1, max: 60_000 }) }), { minLength: 1, maxLength: 40 }),
      fc.array(fc.record({ p: fc.integer({ min: 0, max: 2 }), k: fc.constantFrom('ack', 'silence', 'reset'), pick: fc.nat() }), { maxLength: 30 }),
      fc.array(fc.boolean(), { maxLength: 80 }),
      fc.array(fc.boolean(), { maxLength: 80 }),
      (steps, acts, order1, order2) => {
        // the data: each point alternates raise/clear in data time
        const active = new Map<string, boolean>();
        let t = 1_000_000;
        const data: AlarmTransition[] = steps.map((s) => {
          const p = points[s.p] as string;
          const on = !(active.get(p) ?? false);
          active.set(p, on);
          t += s.dt;
          return tr(on, t, p);
        });
        const raises = data.filter((d) => d.active);
        const ops: OpsEvent[] = acts.filter(() => raises.length > 0).map((a) => {
          const r = raises[a.pick % raises.length] as AlarmTransition;
          return ev({ kind: `alarm.${a.k}` as 'alarm.ack', point: r.point, raisedAtMs: r.atMs });
        });
        const run = (choices: boolean[]): unknown => {
          const s = new ControlRoomState();
          for (const x of interleave<AlarmTransition | OpsEvent>(data, ops, choices)) {
            if ('action' in x) s.apply(x);
            else s.transition(x);
          }
          return s.alarms(t + 1);
        };
        expect(run(order1)).toEqual(run(order2));
      },
    ), { numRuns: 2000 });
  });

  it('derives the same state as the ISA-18.2 machine for one point', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('on', 'off', 'ack', 'reset'), { maxLength: 60 }), fc.boolean(), (cmds, latching) => {
      let isa: AlarmState = initialAlarm(latching);
      const s = new ControlRoomState();
      let t = 1_000;
      let newest: number | null = null;
      for (const c of cmds) {
        t += 1_000;
        if (c === 'on' || c === 'off') {
          const next = applyIsa(isa, { kind: 'condition', active: c === 'on' }, t);
          if (!isRefusal(next)) {
            if (next.active !== isa.active) {
              s.transition({ ...tr(c === 'on', t), latching });
              if (c === 'on') newest = t;
            }
            isa = next;
          }
        } else if (newest !== null) {
          const next = applyIsa(isa, c === 'ack' ? { kind: 'acknowledge', by: 'x' } : { kind: 'reset', by: 'x' }, t);
          if (isRefusal(next)) continue; // the console offers only what the machine accepts
          isa = next;
          s.apply(ev({ kind: c === 'ack' ? 'alarm.ack' : 'alarm.reset', point: POINT, raisedAtMs: newest }, t));
        }
      }
      const shown = s.alarms(t + 1).filter((a) => a.raisedAtMs === newest);
      expect(shown[0]?.state ?? 'normal').toBe(isa.process);
    }), { numRuns: 5000 });
  });

  it('shelving has a reason, a limit, and ends by itself; out of service beats shelving', () => {
    const s = new ControlRoomState();
    s.transition(tr(true, 10_000));
    s.apply(ev({ kind: 'alarm.shelve', point: POINT, reason: 'sensor being replaced', forMs: 3_600_000 }, 20_000));
    expect(s.alarms(30_000)[0]?.shelved?.reason).toBe('sensor being replaced');
    expect(s.alarms(30_000)[0]?.annunciated).toBe(false);
    expect(s.alarms(20_000 + 3_600_000)[0]?.shelved).toBeNull();
    expect(s.apply(ev({ kind: 'alarm.out_of_service', point: POINT, record: 'WO-2026-118' }, 40_000)).ok).toBe(true);
    expect(s.apply(ev({ kind: 'alarm.shelve', point: POINT, reason: 'x', forMs: 60_000 }, 50_000))).toMatchObject({ ok: false, reason: 'out of service' });
    expect(OpsEventSchema.safeParse(ev({ kind: 'alarm.shelve', point: POINT, reason: 'too long', forMs: 9 * 3_600_000 })).success).toBe(false);
    expect(OpsEventSchema.safeParse(ev({ kind: 'alarm.shelve', point: POINT, reason: '  ', forMs: 60_000 })).success).toBe(false);
  });

  it('suppression profiles hide their rules while on', () => {
    const s = new ControlRoomState([{ id: 'flood_season', rules: ['flood.rain.rainstorm'] }]);
    s.transition(tr(true, 10_000, 'flood/420302/r1#flood.rain.rainstorm'));
    expect(s.alarms(20_000)[0]?.annunciated).toBe(true);
    s.apply(ev({ kind: 'alarm.profile', profile: 'flood_season', on: true }));
    expect(s.alarms(20_000)[0]).toMatchObject({ annunciated: false, suppressedBy: 'flood_season' });
    expect(s.apply(ev({ kind: 'alarm.profile', profile: 'nope', on: true })).ok).toBe(false);
  });

  it('hazard commands that arrive before their case (from a failed inspection) wait for it', () => {
    const s = new ControlRoomState();
    const dispatch = ev({ kind: 'hazard.dispatch', hazard: 'insp-i1', assignee: 'owner A', deadlineMs: 10_000_000 }, 2_000);
    expect(s.apply(dispatch).reason).toBe('orphan');
    expect(s.parked).toBe(1);
    s.inspectionFailed({ id: 'i1', tsMs: 1_000, domain: 'gas', district: '420302', asset: 'g1', item: '阀门井积水', level: 'general', inspector: 'Li', note: null },
      { owner: 'owner A', supervisor: 'city gas office', approver: null });
    expect(s.parked).toBe(0);
    expect(s.hazards.get('insp-i1')).toMatchObject({ stage: 'dispatched', assignee: 'owner A', responsible: { supervisor: 'city gas office' } });
  });

  it('the first of two conflicting actions in the stream wins; the second is refused with its reason', () => {
    const s = new ControlRoomState();
    s.apply(ev({ kind: 'hazard.raise', hazard: 'h1', grade: 'general', title: 't', domain: 'gas', district: '420302', asset: 'g1', fromAlarm: null, responsible: { owner: 'o', supervisor: 's', approver: null } }));
    const a = s.apply(ev({ kind: 'hazard.dispatch', hazard: 'h1', assignee: 'o', deadlineMs: 9_000_000 }, 2_000, 'console-1'));
    const b = s.apply(ev({ kind: 'hazard.dispatch', hazard: 'h1', assignee: 's', deadlineMs: 9_000_000 }, 2_000, 'console-2'));
    expect(a.ok).toBe(true);
    expect(b).toMatchObject({ ok: false, reason: 'cannot dispatch a case that is dispatched' });
    expect(s.hazards.get('h1')?.assignee).toBe('o');
    expect(s.hazards.get('h1')?.history.at(-1)?.what).toMatch(/^refused hazard.dispatch/);
  });
});
