import { FUZZ_STREAM } from './fuzzTarget.js';
import { CI_SEED, runFuzz, summaryLine, type FuzzSummary } from './fuzzRunner.js';
import { compareWithDatabase, readDatabase, readWholeStream } from './oracle.js';
import { apiProperty, auditProblems, feedProperty, httpProperty } from './properties.js';

/**
 * The long fuzz run (`npm run fuzz`): the CI properties with many more cases.
 *   FUZZ_RUNS=N or --runs N   cases per property (default 1000)
 *   FUZZ_SEED=S or --seed S   seed (default: a new one, printed, so a failure can be replayed)
 *   --only http|api|feed      one property
 */
function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const runs = Number(flag('runs') ?? process.env['FUZZ_RUNS'] ?? 1000);
  const seedText = flag('seed') ?? process.env['FUZZ_SEED'];
  const seed = seedText === undefined ? (Date.now() ^ CI_SEED) >>> 0 : Number(seedText);
  const only = flag('only');
  if (!Number.isInteger(runs) || runs < 1 || !Number.isFinite(seed)) throw new Error('usage: fuzz [--runs N] [--seed S] [--only http|api|feed]');
  console.log(`cityops fuzz: ${runs} cases per property, seed ${seed}`);
  const started = Date.now();
  const summaries: FuzzSummary[] = [];
  const problems: string[] = [];
  const opts = { seed, numRuns: runs, shrinkBudget: 30 };

  if (!only || only === 'http') {
    const { summary, target } = await runFuzz(httpProperty, opts);
    summaries.push(summary);
    console.log(summaryLine(summary));
    if (target) problems.push(...auditProblems(target).map((p) => `audit log: ${p}`));
    await target?.dispose();
  }
  if (!only || only === 'api') {
    const { summary, target } = await runFuzz(apiProperty, opts);
    summaries.push(summary);
    console.log(summaryLine(summary));
    await target?.dispose();
  }
  if (!only || only === 'feed') {
    const { summary, target } = await runFuzz(feedProperty, opts);
    summaries.push(summary);
    console.log(summaryLine(summary));
    if (target) {
      try {
        await target.caughtUp();
        const code = await target.stopEngine();
        if (code !== 0) problems.push(`the engine exited ${String(code)} on SIGTERM`);
        const report = compareWithDatabase(await readWholeStream(target.nats.url, FUZZ_STREAM), await readDatabase(target.dbPath));
        console.log(`oracle: ${report.messages} stream messages re-read and judged; expected ${JSON.stringify(report.expected)}; ${report.problems.length} difference(s)`);
        problems.push(...report.problems.map((p) => `oracle: ${p}`));
      } finally {
        await target.dispose();
      }
    }
  }

  const cases = summaries.reduce((n, s) => n + s.cases, 0);
  const checks = summaries.reduce((n, s) => n + s.checks, 0);
  console.log(`\n${cases} cases run, ${checks} invariant checks, in ${Math.round((Date.now() - started) / 1000)} s (seed ${seed})`);
  console.log('invariants: the engine process never exits; /api/health answers; HTTP Authorization scheme case-insensitive and foreign Origins refused; '
    + 'every engine-API message answered by a contract result (unknown names unknown_name, never an internal failure), frames over 64 KiB closed with 1009; '
    + 'feed counters received = stored + quarantined + duplicates and equal to the contract judge\'s per run (permits records judged by their schema among the other kinds); '
    + 'the permits query answered after every run that stored a permits record; the audit log verifies; the database matches the re-read stream row for row');
  for (const s of summaries.filter((x) => x.failed)) console.log(`\n${s.report}`);
  for (const p of problems) console.log(p);
  return summaries.some((s) => s.failed) || problems.length > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(e);
  process.exit(2);
});
