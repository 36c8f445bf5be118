import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SHELVE_MS } from '../../ops/opsEvents.js';
import { apply, initialAlarm, isAnnunciated, isRefusal, tick, type AlarmCommand, type AlarmState } from './alarmMachineOracle.js';

const run = (cmds: AlarmCommand[], latching = false): AlarmState => cmds.reduce<AlarmState>((s, c, i) => {
  const r = apply(s, c, i * 1000);
  return isRefusal(r) ? s : r;
}, initialAlarm(latching));

const cond = (active: boolean): AlarmCommand => ({ kind: 'condition', active });
const ack: AlarmCommand = { kind: 'acknowledge', by: '值班长' };

describe('the ISA-18.2 alarm machine (the oracle)', () => {
  it('follows the standard sequence: normal → unack → ack → normal', () => {
    expect(run([cond(true)]).process).toBe('unack');
    expect(run([cond(true), ack]).process).toBe('ack');
    expect(run([cond(true), ack, cond(false)]).process).toBe('normal');
  });

  it('returns to normal unacknowledged, and an acknowledgement then clears it', () => {
    expect(run([cond(true), cond(false)]).process).toBe('rtn_unack');
    expect(run([cond(true), cond(false), ack]).process).toBe('normal');
    expect(run([cond(true), cond(false), cond(true)]).process).toBe('unack');
  });

  it('keeps a latching alarm until it is reset', () => {
    expect(run([cond(true), ack, cond(false)], true).process).toBe('latched');
    expect(run([cond(true), ack, cond(false), { kind: 'reset', by: 'x' }], true).process).toBe('normal');
    expect(run([cond(true), cond(false)], true).process).toBe('unack');
  });

  it('refuses shelving without a reason or beyond the limit, and unshelves by itself', () => {
    const s = run([cond(true)]);
    expect(apply(s, { kind: 'shelve', by: 'a', reason: ' ', forMs: 1000 }, 0)).toEqual({ refused: 'shelving needs a reason' });
    expect(isRefusal(apply(s, { kind: 'shelve', by: 'a', reason: '传感器检修', forMs: MAX_SHELVE_MS + 1 }, 0))).toBe(true);
    const shelved = apply(s, { kind: 'shelve', by: 'a', reason: '传感器检修', forMs: 60_000 }, 0) as AlarmState;
    expect(isAnnunciated(shelved)).toBe(false);
    expect(isAnnunciated(tick(shelved, 60_000))).toBe(true);
  });

  it('keeps silence apart from acknowledgement', () => {
    const s = apply(run([cond(true)]), { kind: 'silence', by: 'a' }, 0) as AlarmState;
    expect(s).toMatchObject({ silenced: true, process: 'unack' });
  });

  const command = fc.oneof(
    fc.boolean().map(cond),
    fc.constant(ack),
    fc.constant<AlarmCommand>({ kind: 'reset', by: 'b' }),
    fc.constant<AlarmCommand>({ kind: 'silence', by: 'c' }),
    fc.record({ reason: fc.constantFrom('', '检修', '误报'), forMs: fc.integer({ min: -10, max: MAX_SHELVE_MS + 10 }) })
      .map(({ reason, forMs }): AlarmCommand => ({ kind: 'shelve', by: 'd', reason, forMs })),
    fc.constant<AlarmCommand>({ kind: 'unshelve', by: 'e' }),
    fc.constantFrom<AlarmCommand>({ kind: 'suppress', profile: 'flood-season' }, { kind: 'unsuppress', profile: 'flood-season' }),
    fc.constantFrom<AlarmCommand>({ kind: 'remove_from_service', by: 'f', record: 'WO-1' }, { kind: 'return_to_service', by: 'f' }),
  );

  it('holds its invariants over thousands of random command sequences', () => {
    fc.assert(fc.property(fc.boolean(), fc.array(fc.tuple(command, fc.integer({ min: 0, max: 3_600_000 })), { maxLength: 60 }), (latching, steps) => {
      let s = initialAlarm(latching);
      let now = 0;
      for (const [c, dt] of steps) {
        now += dt;
        const r = apply(s, c, now);
        if (isRefusal(r)) continue;
        s = r;
        // the process state always agrees with the condition
        if (s.process === 'ack') expect(s.active).toBe(true);
        if (s.process === 'rtn_unack' || s.process === 'latched' || s.process === 'normal') expect(s.active).toBe(false);
        if (s.process === 'latched') expect(latching).toBe(true);
        // a shelf never outlasts its limit, and nothing is shelved while out of service
        if (s.shelved) expect(s.shelved.untilMs - now).toBeLessThanOrEqual(MAX_SHELVE_MS);
        if (s.outOfService) expect(s.shelved).toBeNull();
        // an active alarm is never normal: it cannot be lost by any operator action
        if (s.active) expect(['unack', 'ack']).toContain(s.process);
      }
    }), { numRuns: 5000 });
  });
});
