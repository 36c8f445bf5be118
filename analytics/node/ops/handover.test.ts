import { describe, expect, it } from 'vitest';
import { alarmKpis } from '../../common/ops/alarmKpis.js';
import { ControlRoomState } from '../../common/ops/controlRoomState.js';
import { shiftHazards } from '../../common/ops/handoverReport.js';
import { ev, tr } from '../../common/ops/testing/controlRoomFixtures.js';
import { alarmsPer10Min, buildHandover, handoverSha256 } from './handover.js';

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

describe('the handover report\'s pictures', () => {
  const M10 = 600_000;
  // a day shift, 08:00–20:00 in Shiyan
  const from = Date.UTC(2026, 10, 27, 0);
  const to = from + 12 * 3_600_000;
  const raise = (atMs: number, i = 0, priority: 'critical' | 'high' | 'medium' | 'low' = 'critical') => ({ ...tr(true, atMs, `gas/420302/g${i}#gas.lel.level2`), priority });
  const pictured = (s: ControlRoomState) => {
    const r = buildHandover(s, [], alarmKpis(s, to), from, to, to, NOTES);
    if (!r.pictures) throw new Error('a new report has pictures');
    return r.pictures;
  };

  it('counts raises per 10 minutes of the shift by priority: the start in, a boundary opening the next period, the end out, clears not at all', () => {
    const s = new ControlRoomState([]);
    s.transition(raise(from - 1, 1));
    s.transition(raise(from, 2));
    s.transition(raise(from + M10 - 1, 3, 'low'));
    s.transition(raise(from + M10, 4, 'high'));
    s.transition({ ...tr(false, from + M10 + 5_000, 'gas/420302/g4#gas.lel.level2'), priority: 'high' });
    s.transition(raise(to - 1, 5, 'medium'));
    s.transition(raise(to, 6));
    const a = pictured(s).alarmsPer10Min;
    expect(a.binMs).toBe(M10);
    expect(a.bins).toHaveLength(72);
    expect(a.bins[0]).toEqual({ startMs: from, critical: 1, high: 0, medium: 0, low: 1 });
    expect(a.bins[1]).toEqual({ startMs: from + M10, critical: 0, high: 1, medium: 0, low: 0 });
    expect(a.bins[71]).toEqual({ startMs: to - M10, critical: 0, high: 0, medium: 1, low: 0 });
    expect(a.bins.reduce((n, b) => n + b.critical + b.high + b.medium + b.low, 0)).toBe(4);
    expect(a.floods).toEqual([]);
  });

  it('marks a flood: more than 10 raises in one 10-minute period (10 is not one), consecutive periods as one', () => {
    const s = new ControlRoomState([]);
    const at = from + 3 * M10;
    for (let i = 0; i < 10; i++) s.transition(raise(at - M10 + i * 1_000, 100 + i));
    for (let i = 0; i < 11; i++) s.transition(raise(at + i * 1_000, i, 'low'));
    for (let i = 0; i < 12; i++) s.transition(raise(at + M10 + i * 1_000, 20 + i, 'medium'));
    for (let i = 0; i < 11; i++) s.transition(raise(at + 5 * M10 + i * 1_000, 40 + i, 'high'));
    const a = pictured(s).alarmsPer10Min;
    expect(a.floodAbove).toBe(10);
    expect(a.floods).toEqual([{ startMs: at, endMs: at + 2 * M10 }, { startMs: at + 5 * M10, endMs: at + 6 * M10 }]);
    expect(a.bins[3]?.low).toBe(11);
  });

  it('widens the bars of a report longer than two days and still finds its floods per 10 minutes', () => {
    const raises = Array.from({ length: 11 }, (_, i) => ({ atMs: from + i, priority: 'low' as const }));
    const a = alarmsPer10Min(raises, from, from + 7 * 86_400_000);
    expect(a.bins.length).toBeLessThanOrEqual(288);
    expect(a.binMs % M10).toBe(0);
    expect(a.binMs).toBeGreaterThan(M10);
    expect(a.floods).toEqual([{ startMs: from, endMs: from + M10 }]);
  });

  it('counts the open cases by stage at the end of the shift, those past their deadline apart', () => {
    const s = new ControlRoomState([]);
    const raiseCase = (id: string, atMs: number) => s.apply(ev({ kind: 'hazard.raise', hazard: id, grade: 'general', title: id, domain: 'gas', district: '420302', asset: 'g1', fromAlarm: null, responsible: { owner: 'o', supervisor: null, approver: null } }, atMs));
    raiseCase('hz-a', from + 1_000);
    raiseCase('hz-b', from + 2_000);
    raiseCase('hz-c', from + 3_000);
    s.apply(ev({ kind: 'hazard.dispatch', hazard: 'hz-b', assignee: 'o', deadlineMs: from + 3_600_000 }, from + 4_000));
    s.apply(ev({ kind: 'hazard.dispatch', hazard: 'hz-c', assignee: 'o', deadlineMs: to + 3_600_000 }, from + 5_000));
    const p = pictured(s);
    expect(p.hazardsByStage).toEqual([
      { stage: 'found', onTime: 1, overdue: 0 },
      { stage: 'dispatched', onTime: 1, overdue: 1 },
      { stage: 'rectifying', onTime: 0, overdue: 0 },
      { stage: 'verifying', onTime: 0, overdue: 0 },
    ]);
  });

  it('counts the risks turned red in the shift per district, its assets and the district itself', () => {
    const s = new ControlRoomState([]);
    const red = (key: string, atMs: number) => ({ atMs, key, from: 'orange' as const, to: 'red' as const, reasons: [], factors: [] });
    const changes = [red('gas/420303/g1', from + 1), red('bridge/420303/b1', from + 2), red('district/420303', from + 3), red('gas/420302/g9', from + 4),
      red('gas/420302/g8', to), { ...red('gas/420302/g7', from + 5), to: 'orange' as const }];
    const r = buildHandover(s, changes, alarmKpis(s, to), from, to, to, NOTES);
    expect(r.pictures?.redByDistrict).toEqual([{ code: '420302', assets: 1, whole: 0 }, { code: '420303', assets: 2, whole: 1 }]);
  });

  it('are part of what is hashed and signed: another count in one bar is another report', () => {
    const s = new ControlRoomState([]);
    s.transition(raise(from + 5 * M10, 1));
    const r = buildHandover(s, [], alarmKpis(s, to), from, to, to, NOTES);
    const { sha256, signatures, ...body } = r;
    expect(signatures).toEqual([]);
    expect(handoverSha256(body)).toBe(sha256);
    const bins = body.pictures?.alarmsPer10Min.bins.map((b, i) => (i === 5 ? { ...b, critical: b.critical + 1 } : b)) ?? [];
    const changed = { ...body, pictures: body.pictures && { ...body.pictures, alarmsPer10Min: { ...body.pictures.alarmsPer10Min, bins } } };
    expect(handoverSha256(changed)).not.toBe(sha256);
  });
});
