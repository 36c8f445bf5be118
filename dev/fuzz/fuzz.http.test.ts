import { describe, expect, it } from 'vitest';
import { CI_SEED, runFuzz, summaryLine } from './fuzzRunner.js';
import { auditProblems, httpProperty } from './properties.js';

/** Cases per CI run: a fixed seed, so every run tries the same requests. */
export const HTTP_CI_RUNS = 1000;

describe('the engine under generated HTTP request lines and headers', () => {
  it('survives every request, keeps answering health, checks Authorization and Origin as the contract says, and keeps an honest audit log', async () => {
    const { summary, target } = await runFuzz(httpProperty, { seed: CI_SEED, numRuns: HTTP_CI_RUNS, shrinkBudget: 15 });
    console.log(summaryLine(summary));
    try {
      expect(summary.failed, summary.report).toBe(false);
      expect(target, 'an engine remains after the run').not.toBeNull();
      if (target) expect(auditProblems(target)).toEqual([]);
    } finally {
      await target?.dispose();
    }
  });
});
