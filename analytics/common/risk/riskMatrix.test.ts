import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessRisk, colourOf, worstColour, type RiskEvidence } from './riskMatrix.js';

const quiet: RiskEvidence = { baseline: 2, alarms: { critical: 0, high: 0, medium: 0, low: 0 }, openHazards: { major: 0, general: 0, overdue: 0 }, failedInspections30d: 0, passedInspections30d: 0 };

describe('the four-colour risk matrix', () => {
  it('bands the score 1–25 into the national colours', () => {
    expect([1, 3, 4, 8, 9, 14, 15, 25].map((s) => colourOf(s))).toEqual(['blue', 'blue', 'yellow', 'yellow', 'orange', 'orange', 'red', 'red']);
  });

  it('turns a gas station red with a critical alarm and an open major hazard, and says why', () => {
    const r = assessRisk('gas', { ...quiet, alarms: { ...quiet.alarms, critical: 1 }, openHazards: { major: 1, general: 0, overdue: 0 } });
    expect(r).toMatchObject({ likelihood: 5, severity: 5, score: 25, colour: 'red' });
    expect(r.reasons).toHaveLength(2);
  });

  it('never turns an asset red from routine findings alone (one general hazard on a gas station made the whole city red)', () => {
    const routine = assessRisk('gas', { ...quiet, openHazards: { major: 0, general: 2, overdue: 1 }, failedInspections30d: 3 });
    expect(routine).toMatchObject({ likelihood: 2, score: 10, colour: 'orange' });
    expect(routine.factors.at(-1)).toEqual({ factor: 'routine_capped', n: 0, delta: -3 });
    // a real incident still is red
    expect(assessRisk('gas', { ...quiet, alarms: { ...quiet.alarms, critical: 1 } }).colour).toBe('red');
    expect(assessRisk('gas', { ...quiet, alarms: { ...quiet.alarms, high: 1 }, openHazards: { major: 0, general: 1, overdue: 0 } }).colour).toBe('red');
    // the survey's own baseline is not capped
    expect(assessRisk('gas', { ...quiet, baseline: 3 }).colour).toBe('red');
    fc.assert(fc.property(fc.constantFrom('gas', 'bridge', 'water', 'building'), fc.nat(5), fc.nat(5), fc.nat(5), (d, g, o, f) => {
      expect(assessRisk(d, { ...quiet, baseline: 1, openHazards: { major: 0, general: g, overdue: o }, failedInspections30d: f }).colour).not.toBe('red');
    }));
  });

  it('lets the risk fall with passed inspections and nothing open', () => {
    expect(assessRisk('park', { ...quiet, passedInspections30d: 4 })).toMatchObject({ likelihood: 1, colour: 'blue' });
  });

  it('never lowers the risk when evidence of danger is added', () => {
    const ev = fc.record({
      baseline: fc.integer({ min: 1, max: 5 }),
      alarms: fc.record({ critical: fc.nat(3), high: fc.nat(3), medium: fc.nat(3), low: fc.nat(3) }),
      openHazards: fc.record({ major: fc.nat(3), general: fc.nat(3), overdue: fc.nat(3) }),
      failedInspections30d: fc.nat(3), passedInspections30d: fc.nat(6),
    });
    fc.assert(fc.property(fc.constantFrom('gas', 'park', 'bridge', 'water'), ev, (d, e) => {
      const base = assessRisk(d, e).score;
      expect(assessRisk(d, { ...e, alarms: { ...e.alarms, critical: e.alarms.critical + 1 } }).score).toBeGreaterThanOrEqual(base);
      expect(assessRisk(d, { ...e, openHazards: { ...e.openHazards, major: e.openHazards.major + 1 } }).score).toBeGreaterThanOrEqual(base);
      expect(assessRisk(d, { ...e, failedInspections30d: e.failedInspections30d + 1 }).score).toBeGreaterThanOrEqual(base);
    }), { numRuns: 2000 });
  });

  it('colours a district by its worst asset', () => {
    expect(worstColour(['blue', 'orange', 'yellow'])).toBe('orange');
    expect(worstColour([])).toBe('blue');
  });
});
