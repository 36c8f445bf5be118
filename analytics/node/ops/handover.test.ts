import { describe, expect, it } from 'vitest';
import { alarmKpis } from '../../common/ops/alarmKpis.js';
import { ControlRoomState } from '../../common/ops/controlRoomState.js';
import { shiftHazards } from '../../common/ops/handoverReport.js';
import { ev, tr } from '../../common/ops/testing/controlRoomFixtures.js';
import { buildHandover } from './handover.js';

const FROM = 0;
const TO = 12 * 3_600_000;
const NOTES = { summary: '本班燃气报警两次，已处置。', pending: '调压站待复查。' };

/** A shift with a critical alarm (one point shelved), a case found and closed in it, and both leaders' notes. */
function shift(): ControlRoomState {
  const s = new ControlRoomState([]);
  s.transition(tr(true, 1_000));
  s.transition(tr(true, 2_000, 'gas/420302/g2#gas.lel.level2'));
  s.apply(ev({ kind: 'alarm.shelve', point: 'gas/420302/g2#gas.lel.level2', reason: '检修', forMs: TO }, 3_000));
  s.apply(ev({ kind: 'hazard.raise', hazard: 'hz-1', grade: 'major', title: '调压站泄漏', domain: 'gas', district: '420302', asset: 'g1', fromAlarm: null, responsible: { owner: 'o', supervisor: null, approver: null } }, 4_000));
  s.apply(ev({ kind: 'hazard.dispatch', hazard: 'hz-1', assignee: 'o', deadlineMs: TO - 1, fiveItems: { measures: 'm', funds: 'f', deadlineMs: TO - 1, responsiblePerson: 'p', contingencyPlan: 'c' } }, 5_000));
  s.apply(ev({ kind: 'hazard.start', hazard: 'hz-1' }, 6_000));
  s.apply(ev({ kind: 'hazard.report', hazard: 'hz-1', note: '已更换' }, 7_000));
  s.apply(ev({ kind: 'hazard.verify', hazard: 'hz-1', passed: true, note: '合格' }, 8_000));
  return s;
}
const report = (s: ControlRoomState, nowMs = 10_000) => buildHandover(s, [], alarmKpis(s, TO), FROM, TO, nowMs, NOTES);

describe('the handover report', () => {
  it('carries the leader notes and the key events of the shift, oldest first', () => {
    const r = report(shift());
    expect(r.notes).toEqual(NOTES);
    expect(r.keyEvents.map((e) => e.kind)).toEqual(['critical_alarm', 'critical_alarm', 'hazard_opened', 'hazard_closed']);
  });

  it('lists an item once: a shelved alarm is not also standing; a case new and closed in the shift is one line', () => {
    const r = report(shift());
    expect(r.alarms.shelved.map((a) => a.asset)).toEqual(['g2']);
    expect(r.alarms.standing.map((a) => a.asset)).toEqual(['g1']);
    expect(shiftHazards(r)).toEqual([expect.objectContaining({ id: 'hz-1', opened: true, closed: true, overdue: false })]);
  });

  it('signing does not change the hash it signs; the notes are part of what is signed', () => {
    const s = shift();
    const before = report(s);
    s.apply(ev({ kind: 'handover.sign', shiftStartMs: FROM, shiftEndMs: TO, as: 'outgoing', name: '张三', reportSha256: before.sha256 }, 11_000));
    const after = buildHandover(s, [], alarmKpis(s, TO), FROM, TO, before.generatedAtMs, NOTES);
    expect(after.signatures).toHaveLength(1);
    expect(after.sha256).toBe(before.sha256);
    expect(buildHandover(s, [], alarmKpis(s, TO), FROM, TO, before.generatedAtMs, { ...NOTES, pending: '' }).sha256).not.toBe(before.sha256);
  });

  it('refuses the same person on both sides and a second report', () => {
    const s = shift();
    const r = report(s);
    expect(s.apply(ev({ kind: 'handover.sign', shiftStartMs: FROM, shiftEndMs: TO, as: 'outgoing', name: '张三', reportSha256: r.sha256 }, 11_000)).reason).toBeNull();
    expect(s.apply(ev({ kind: 'handover.sign', shiftStartMs: FROM, shiftEndMs: TO, as: 'incoming', name: '张三', reportSha256: r.sha256 }, 12_000)).message?.code).toBe('msg_same_signer');
    expect(s.apply(ev({ kind: 'handover.sign', shiftStartMs: FROM, shiftEndMs: TO, as: 'incoming', name: '李四', reportSha256: 'b'.repeat(64) }, 12_000)).message?.code).toBe('msg_signed_other_report');
    expect(s.apply(ev({ kind: 'handover.sign', shiftStartMs: FROM, shiftEndMs: TO, as: 'incoming', name: '李四', reportSha256: r.sha256 }, 13_000)).reason).toBeNull();
  });
});
