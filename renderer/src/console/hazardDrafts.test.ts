import { describe, expect, it } from 'vitest';
import { endOfDate, fiveItemsFilled, localDate, noteKey } from './hazardDrafts';

describe('hazard drafts', () => {
  it('a deadline date is due at the end of that local day', () => {
    const end = new Date(endOfDate('2026-11-30'));
    expect([end.getFullYear(), end.getMonth(), end.getDate(), end.getHours(), end.getMinutes()]).toEqual([2026, 10, 30, 23, 59]);
    expect(localDate(end.getTime())).toBe('2026-11-30');
    expect(endOfDate('')).toBeNaN();
  });

  it('each stage and each round of a case has its own note', () => {
    const reported = noteKey({ id: 'h', stage: 'rectifying', sentBack: 0 });
    expect(noteKey({ id: 'h', stage: 'verifying', sentBack: 0 })).not.toBe(reported);
    expect(noteKey({ id: 'h', stage: 'rectifying', sentBack: 1 })).not.toBe(reported);
  });

  it('the five fixed items need every text and a date', () => {
    const d = { assignee: 'x', deadline: '2026-12-01', measures: '关阀', funds: '2万元', person: '张工', plan: '燃气专项预案' };
    expect(fiveItemsFilled(d)).toBe(true);
    expect(fiveItemsFilled({ ...d, funds: ' ' })).toBe(false);
    expect(fiveItemsFilled({ ...d, deadline: '' })).toBe(false);
  });
});
