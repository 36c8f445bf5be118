import fc from 'fast-check';
import { FuzzTarget, latencySummary } from './fuzzTarget.js';

export interface FuzzOptions {
  seed: number;
  numRuns: number;
  /**
   * How many failing cases may run while fast-check shrinks a counterexample. Each failure costs a
   * fresh engine (a dead or diverged engine is never reused), so shrinking is bounded by failures
   * run, not by time; cases past the budget are not executed.
   */
  shrinkBudget: number;
}

/** Fixed for CI: the same cases every run. */
export const CI_SEED = 20261109;

export interface FuzzContext<S> {
  target: FuzzTarget;
  state: S;
  /** Counts one invariant checked; throws with `message` when it does not hold. */
  check(ok: boolean, message: () => string): void;
  stats: Record<string, number>;
}

export interface FuzzSummary {
  name: string;
  seed: number;
  /** Generated cases executed against an engine (first pass and shrinking). */
  cases: number;
  /** Cases of the first pass (what `numRuns` asked for, fewer when one failed). */
  firstPassCases: number;
  checks: number;
  failed: boolean;
  /** The shrunk counterexample, its error and the engine's last output, when the property failed. */
  report: string;
  enginesStarted: number;
  healthLatencyMs: ReturnType<typeof latencySummary>;
  maxRssMb: number;
  stats: Record<string, number>;
}

export interface FuzzProperty<T, S> {
  name: string;
  label: string;
  arbitrary: fc.Arbitrary<T>;
  initState: (target: FuzzTarget) => Promise<S> | S;
  run: (ctx: FuzzContext<S>, input: T) => Promise<void>;
  describe: (input: T) => string;
}

/**
 * Runs a property against real engines. The engine of a failing case is disposed and the next case
 * gets a fresh one, so that shrinking judges each candidate on a sound engine; the target left at
 * the end is handed back for whole-run checks (the oracle, the audit log).
 */
export async function runFuzz<T, S>(p: FuzzProperty<T, S>, o: FuzzOptions): Promise<{ summary: FuzzSummary; target: FuzzTarget | null; state: S | null }> {
  let current: { target: FuzzTarget; state: S } | null = null;
  let cases = 0, checks = 0, failuresRun = 0, enginesStarted = 0, firstPassCases = 0, maxRssMb = 0;
  let firstFailureSeen = false;
  const latencies: number[] = [];
  const stats: Record<string, number> = {};
  let lastFailure = '';
  const property = fc.asyncProperty(p.arbitrary, async (input) => {
    if (failuresRun > o.shrinkBudget) return;
    if (current === null) {
      // starting a nats-server and an engine on free ports can lose a port race with another
      // process: tried three times, and a start that still fails is reported, never silent
      let started: { target: FuzzTarget; state: S } | null = null;
      for (let attempt = 1; started === null; attempt++) {
        let target: FuzzTarget | null = null;
        try {
          target = await FuzzTarget.start(p.label);
          enginesStarted++;
          started = { target, state: await p.initState(target) };
        } catch (e) {
          await target?.dispose().catch(() => undefined);
          lastFailure = `starting the engine failed (attempt ${attempt}): ${e instanceof Error ? e.message : String(e)}`;
          console.error(lastFailure);
          if (attempt >= 3) throw e;
        }
      }
      current = started;
    }
    const { target, state } = current;
    cases++;
    if (!firstFailureSeen) firstPassCases++;
    const ctx: FuzzContext<S> = {
      target, state, stats,
      check: (ok, message) => {
        checks++;
        if (!ok) throw new Error(message());
      },
    };
    try {
      await p.run(ctx, input);
      const rss = target.rssMb();
      if (rss > maxRssMb) maxRssMb = rss;
    } catch (e) {
      firstFailureSeen = true;
      failuresRun++;
      const message = e instanceof Error ? e.message : String(e);
      lastFailure = `${message}\n-- engine alive: ${target.alive()}; last output:\n${target.outputTail(2500)}`;
      latencies.push(...target.healthLatenciesMs);
      current = null;
      await target.dispose();
      throw e;
    }
  });
  const details = await fc.check(property, { seed: o.seed, numRuns: o.numRuns, endOnFailure: false });
  const ended = current as { target: FuzzTarget; state: S } | null;
  if (ended) latencies.push(...ended.target.healthLatenciesMs);
  const counterexample = details.counterexample?.[0];
  const report = details.failed
    ? [
      `property "${p.name}" failed after ${details.numRuns} cases (seed ${o.seed}, path ${String(details.counterexamplePath)}, ${details.numShrinks} shrinks, ${failuresRun} failing cases run).`,
      counterexample === undefined ? '(no counterexample)' : `counterexample:\n${p.describe(counterexample)}`,
      `error:\n${lastFailure}`,
    ].join('\n')
    : '';
  return {
    summary: {
      name: p.name, seed: o.seed, cases, firstPassCases, checks, failed: details.failed, report, enginesStarted,
      healthLatencyMs: latencySummary(latencies), maxRssMb: Math.round(maxRssMb), stats,
    },
    target: ended?.target ?? null,
    state: ended?.state ?? null,
  };
}

/** One line per property for logs and the long run. */
export function summaryLine(s: FuzzSummary): string {
  const h = s.healthLatencyMs;
  return `${s.failed ? 'FAILED' : 'ok    '} ${s.name}: ${s.cases} cases (${s.firstPassCases} first pass), ${s.checks} invariant checks, ${s.enginesStarted} engine(s); `
    + `health latency p50 ${h.p50} ms, p99 ${h.p99} ms, max ${h.max} ms over ${h.n}; max RSS ${s.maxRssMb} MB`
    + (Object.keys(s.stats).length > 0 ? `; ${Object.entries(s.stats).map(([k, v]) => `${k} ${v}`).join(', ')}` : '');
}
