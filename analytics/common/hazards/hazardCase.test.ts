import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyHazard, isHazardRefusal, isOverdue, MAX_HISTORY, newHazard, type FiveItems, type HazardCase, type HazardCommand } from './hazardCase.js';

const five: FiveItems = { measures: '更换调压器', funds: '12万元', deadlineMs: 10_000, responsiblePerson: '王建国', contingencyPlan: '燃气泄漏专项应急预案' };
const dispatch = (fiveItems?: FiveItems): HazardCommand => ({ kind: 'dispatch', by: '值班长', assignee: '十堰市燃气有限公司', deadlineMs: 10_000, ...(fiveItems ? { fiveItems } : {}) });
const steps = (h: HazardCase, cs: HazardCommand[]): HazardCase => cs.reduce((x, c, i) => {
  const r = applyHazard(x, c, i + 1);
  if (isHazardRefusal(r)) throw new Error(r.refused);
  return r;
}, h);

describe('the hazard closed loop', () => {
  it('goes found → dispatched → rectifying → verifying → closed', () => {
    const h = steps(newHazard('h1', 'general', '巡查员', 0), [dispatch(), { kind: 'start_rectification', by: 'a' }, { kind: 'report_done', by: 'a', note: '已整改' }, { kind: 'verify', by: 'b', passed: true, note: '复核通过' }]);
    expect(h.stage).toBe('closed');
    expect(h.history.map((x) => x.what)).toHaveLength(5);
  });

  it('sends a case back from verification', () => {
    const h = steps(newHazard('h2', 'general', 'x', 0), [dispatch(), { kind: 'start_rectification', by: 'a' }, { kind: 'report_done', by: 'a', note: '' }, { kind: 'verify', by: 'b', passed: false, note: '未整改到位' }]);
    expect(h).toMatchObject({ stage: 'rectifying', sentBack: 1 });
  });

  it('refuses to dispatch a major hazard without the five fixed items (五落实)', () => {
    const h = newHazard('h3', 'major', 'x', 0);
    expect(applyHazard(h, dispatch(), 1)).toMatchObject({ refused: 'a major hazard needs the five fixed items (五落实) before dispatch' });
    expect(isHazardRefusal(applyHazard(h, dispatch({ ...five, funds: ' ' }), 1))).toBe(true);
    expect(applyHazard(h, dispatch(five), 1)).toMatchObject({ stage: 'dispatched', fiveItems: five });
  });

  it('is overdue past its deadline until closed', () => {
    const h = steps(newHazard('h4', 'general', 'x', 0), [dispatch()]);
    expect(isOverdue(h, 9_999)).toBe(false);
    expect(isOverdue(h, 10_001)).toBe(true);
  });

  const command = fc.oneof(
    fc.boolean().map((withFive) => dispatch(withFive ? five : undefined)),
    fc.constant<HazardCommand>({ kind: 'start_rectification', by: 'a' }),
    fc.constant<HazardCommand>({ kind: 'report_done', by: 'a', note: 'n' }),
    fc.boolean().map((passed): HazardCommand => ({ kind: 'verify', by: 'v', passed, note: 'n' })),
    fc.constantFrom<HazardCommand>({ kind: 'regrade', by: 'r', grade: 'major' }, { kind: 'regrade', by: 'r', grade: 'general' }),
  );

  it('follows its state machine under thousands of random command sequences', () => {
    const allowed: Record<string, string[]> = {
      found: ['found', 'dispatched'], dispatched: ['dispatched', 'rectifying'], rectifying: ['rectifying', 'verifying'],
      verifying: ['verifying', 'closed', 'rectifying'], closed: ['closed'],
    };
    fc.assert(fc.property(fc.constantFrom('major', 'general'), fc.array(command, { maxLength: 40 }), (grade, cs) => {
      let h = newHazard('p', grade, 'x', 0);
      cs.forEach((c, i) => {
        const r = applyHazard(h, c, i + 1);
        if (isHazardRefusal(r)) return;
        expect(allowed[h.stage]).toContain(r.stage);
        // a major hazard past "found" always carries the five fixed items
        if (r.grade === 'major' && r.stage !== 'found') expect(r.fiveItems).not.toBeNull();
        if (r.stage === 'closed') expect(h.stage).toBe('verifying');
        expect(r.history.length).toBeLessThanOrEqual(MAX_HISTORY);
        h = r;
      });
    }), { numRuns: 5000 });
  });
});
