import { describe, expect, it } from 'vitest';
import { FUZZ_STREAM } from './fuzzTarget.js';
import { CI_SEED, runFuzz, summaryLine } from './fuzzRunner.js';
import { compareWithDatabase, readDatabase, readWholeStream } from './oracle.js';
import { feedProperty } from './properties.js';

export const FEED_CI_RUNS = 400;

describe('the engine under generated feed payloads', () => {
  it('stores every valid reading and permits record once, quarantines every bad one, keeps its counters adding up, and its database matches the stream row for row', async () => {
    const { summary, target } = await runFuzz(feedProperty, { seed: CI_SEED, numRuns: FEED_CI_RUNS, shrinkBudget: 25 });
    console.log(summaryLine(summary));
    try {
      expect(summary.failed, summary.report).toBe(false);
      // bounded by configuration (DuckDB's 1 GB limit and the ingest queue), whatever the payloads: not a figure to meet, a run-away to catch
      expect(summary.maxRssMb, 'the engine\'s resident memory over the run').toBeLessThan(1536);
      expect(target, 'an engine remains after the run').not.toBeNull();
      if (!target) return;
      await target.caughtUp();
      const code = await target.stopEngine();
      expect(code, `the engine stops cleanly on SIGTERM; last output:\n${target.outputTail()}`).toBe(0);
      const report = compareWithDatabase(await readWholeStream(target.nats.url, FUZZ_STREAM), await readDatabase(target.dbPath));
      console.log(`oracle: ${report.messages} stream messages, expected ${JSON.stringify(report.expected)}`);
      expect(report.problems).toEqual([]);
    } finally {
      await target?.dispose();
    }
  });
});
