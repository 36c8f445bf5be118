import { describe, expect, it } from 'vitest';
import { CI_SEED, runFuzz, summaryLine } from './fuzzRunner.js';
import { apiProperty } from './properties.js';

export const API_CI_RUNS = 400;

describe('the engine under generated engine-API messages', () => {
  it('answers every message with a result of the contract (unknown names, bad requests, busy), never an internal failure, and survives bursts and clients that leave', async () => {
    const { summary, target } = await runFuzz(apiProperty, { seed: CI_SEED, numRuns: API_CI_RUNS, shrinkBudget: 15 });
    console.log(summaryLine(summary));
    try {
      expect(summary.failed, summary.report).toBe(false);
    } finally {
      await target?.dispose();
    }
  });
});
