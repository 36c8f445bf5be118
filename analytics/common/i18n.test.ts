import { describe, expect, it } from 'vitest';
import { message, messageText, riskReasonText, t, timeLeftText } from './i18n.js';
import { applyHazard, isHazardRefusal, newHazard } from './hazards/hazardCase.js';
import { assessRisk } from './risk/riskMatrix.js';

describe('messages from the engine, said in either language', () => {
  it('says a refusal in Chinese on screen and keeps the English for logs and the API', () => {
    const m = message('msg_five_items');
    expect(messageText('zh', m)).toBe('重大隐患须先落实措施、资金、时限、责任人、预案（五落实）方可派发');
    expect(messageText('en', m)).toBe('a major hazard needs the five fixed items (五落实) before dispatch');
    expect(t('zh', 'msg_refused', { reason: messageText('zh', m) })).toBe('未执行：重大隐患须先落实措施、资金、时限、责任人、预案（五落实）方可派发');
  });

  it('puts stages, roles and actions into words in Chinese, and leaves the English as the logs had it', () => {
    const m = message('msg_start_stage', { stage: 'found' });
    expect(messageText('zh', m)).toBe('派发后方可开始整改（当前：已发现）');
    expect(messageText('en', m)).toBe('rectification starts after dispatch, not when found');
    const role = message('msg_role_may_not', { role: 'wall', action: 'alarm.ack' });
    expect(messageText('zh', role)).toBe('大屏（只读）无权执行“确认报警”');
    expect(messageText('en', role)).toBe('role wall may not alarm.ack');
  });

  it('tells a case history in the official wording, a refusal with what was refused', () => {
    const h = newHazard('h1', 'major', 'console-1', 0);
    expect(messageText('zh', h.history[0]!.message!)).toBe('发现（重大隐患）');
    expect(h.history[0]!.what).toBe('found (major)');
    const refused = applyHazard(h, { kind: 'start_rectification', by: 'console-1' }, 1);
    if (!isHazardRefusal(refused)) throw new Error('expected a refusal');
    const hist = message('hist_refused', { action: 'hazard.start' }, refused.message);
    expect(messageText('zh', hist)).toBe('未执行“开始整改”：派发后方可开始整改（当前：已发现）');
    expect(messageText('en', hist)).toBe('refused hazard.start: rectification starts after dispatch, not when found');
    const sent = message('hist_sent_back', { note: '未整改到位' });
    expect(messageText('zh', sent)).toBe('复核不通过，退回整改：未整改到位');
  });

  it('says risk reasons with the priority words of alarms (重要, not 高)', () => {
    const r = assessRisk('gas', { baseline: 2, alarms: { critical: 0, high: 1, medium: 0, low: 0 }, openHazards: { major: 0, general: 0, overdue: 0 }, failedInspections30d: 0, passedInspections30d: 0 });
    expect(r.reasons).toEqual(['+1 likelihood: 1 high alarm(s) standing']);
    expect(r.factors.map((f) => riskReasonText('zh', f))).toEqual(['可能性+1：1个重要报警未消除']);
  });

  it('falls back to the English text for a code this page does not know (a newer engine)', () => {
    expect(messageText('zh', { code: 'msg_from_the_future', params: {} }, 'something new')).toBe('something new');
  });

  it('says a deadline as time left or overdue, in words (the wall wrote 24.0h / 3d)', () => {
    expect(timeLeftText('zh', 24 * 3_600_000)).toBe('剩余24小时');
    expect(timeLeftText('zh', 3 * 86_400_000)).toBe('剩余3天');
    expect(timeLeftText('zh', 2.5 * 3_600_000)).toBe('剩余2.5小时');
    expect(timeLeftText('zh', -5 * 3_600_000)).toBe('已逾期5小时');
    expect(timeLeftText('en', 3 * 86_400_000)).toBe('3 d left');
  });
});

describe('a device named in a message', () => {
  it('is said by its name, else its role, never its id', () => {
    const devices = { 'console-1': { role: 'shift_leader', name: '一号值班台' }, 'console-2': { role: 'shift_leader', name: null } };
    expect(messageText('zh', message('msg_event_acked', { by: 'console-1' }), '', devices)).toBe('该事件已由 一号值班台 确认');
    expect(messageText('zh', message('msg_event_acked', { by: 'console-2' }), '', devices)).toBe('该事件已由 值班长 确认');
    // a device the engine does not list keeps its id; prototype names are not devices
    expect(messageText('zh', message('msg_event_acked', { by: 'toString' }), '', devices)).toBe('该事件已由 toString 确认');
  });
});
