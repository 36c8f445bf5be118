import { join } from 'node:path';
import { QUERY_PARAMS, type QueryName } from '../../analytics/common/engineApi.js';
import { runExport } from '../../analytics/node/cli/exportCommand.js';
import { verifyBundle } from '../../analytics/node/export/verifyBundle.js';
import { BundleEngine } from '../../analytics/node/replay/bundleEngine.js';
import { ReplayAnswers } from '../../analytics/node/replay/replayAnswers.js';
import { Database } from '../../analytics/node/store/database.js';
import { tempDir } from '../testing/harness.js';
import { generateCity } from './exportBench.js';
import { round } from './stats.js';

const DAY_MS = 86_400_000;

/** The rollups of the generated readings, as ingest would have made them, and a week of alarms with acknowledgements. */
export async function addRollupsAndAlarms(file: string, alarms: number, fromMs: number, toMs: number, ackEvery = 1): Promise<void> {
  const db = await Database.open(file);
  try {
    const w = db.writer;
    const roll = (table: string, width: string, keys: string): string => `INSERT INTO ${table}
      SELECT time_bucket(INTERVAL ${width}, ts) AS bucket, ${keys}, count(*), sum(value), min(value), max(value), max(ts), arg_max(value, ts), 0, now()
      FROM readings GROUP BY ALL`;
    await w.run(roll('rollup_10s', '10 SECOND', 'domain, district, asset, metric'));
    await w.run(roll('rollup_1m', '1 MINUTE', 'domain, district, asset, metric'));
    await w.run(roll('rollup_1h', '1 HOUR', 'domain, district, asset, metric'));
    await w.run(roll('rollup_district_1m', '1 MINUTE', 'domain, district, metric'));
    await w.run(roll('rollup_district_1h', '1 HOUR', 'domain, district, metric'));
    // raises and clears (not latching) on 500 points across the week; every raise acknowledged a minute later (BENCH_REPLAY_ACK_EVERY=n:
    // only every n-th, the rest left standing unacknowledged, thousands of them by the week's end)
    const span = toMs - fromMs;
    await w.run(`INSERT INTO alarm_log SELECT make_timestamptz(($from + i * $span // $n)::BIGINT * 1000), 'gas/420302/a' || (i // 2 % 500) || '#gas.lel.level' || (1 + i // 2 % 2),
        'gas.lel.level' || (1 + i // 2 % 2), CASE WHEN i // 2 % 2 = 1 THEN 'critical' ELSE 'high' END, 'gas', '420302', 'a' || (i // 2 % 500), 'lel_pct',
        false, i % 2 = 0, 30 + i % 40 FROM range($n) t(i)`, { from: fromMs, span, n: alarms });
    await w.run(`INSERT INTO ops_log SELECT make_timestamptz(($from + i * $span // $n + 60000)::BIGINT * 1000), 'ack' || lpad(i::VARCHAR, 10, '0'), 'alarm.ack', 'console-1', 'shift_leader', i, true, NULL,
        json_object('id', 'ack' || lpad(i::VARCHAR, 10, '0'), 'ts', ($from + i * $span // $n + 60000)::BIGINT, 'device', 'console-1', 'role', 'shift_leader',
          'action', json_object('kind', 'alarm.ack', 'point', 'gas/420302/a' || (i // 2 % 500) || '#gas.lel.level' || (1 + i // 2 % 2), 'raisedAtMs', ($from + i * $span // $n)::BIGINT)),
        make_timestamptz(($from + i * $span // $n + 60000)::BIGINT * 1000)
      FROM range(0, $n, $every) t(i)`, { from: fromMs, span, n: alarms, every: 2 * ackEvery });
    await w.run('CHECKPOINT');
  } finally {
    db.close();
  }
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** What the overview asks at a seek: KPIs, three 24-hour trends, the events (all, red, orange), and the operational picture. */
async function overviewAt(ask: <N extends QueryName>(name: N, p: unknown) => Promise<unknown>, snapshotAt: () => Promise<unknown>, atMs: number): Promise<void> {
  await Promise.all([
    ask('kpis', {}),
    ...[['gas', 'm0'], ['water', 'm1'], ['flood', 'm2']].map(([domain, metric]) => ask('series', { domain, metric, resolution: '1m', fromMs: atMs - DAY_MS, toMs: atMs })),
    ask('events', { limit: 200 }), ask('events', { severity: 'red', limit: 200 }), ask('events', { severity: 'orange', limit: 200 }),
    snapshotAt(),
  ]);
}

type Ask = <N extends QueryName>(name: N, p: unknown, at: number) => Promise<unknown>;
interface SeekFigures { p50Ms: number; p95Ms: number; maxMs: number; firstMs: number }

/** The instants of the seeks: spread over the window, in a scattered order (each seek jumps). */
function seekInstants(w: { fromMs: number; toMs: number }, seeks: number): number[] {
  return Array.from({ length: seeks }, (_, i) => w.fromMs + Math.floor(((i * 7919) % seeks + 0.5) / seeks * (w.toMs - w.fromMs)));
}

/** The overview's data at each instant, one seek after another: p50, p95, max and the first (the history's facts read then). */
async function measureSeeks(instants: number[], ask: Ask, snap: (at: number) => Promise<unknown>): Promise<SeekFigures> {
  const times: number[] = [];
  for (const at of instants) {
    const t = performance.now();
    await overviewAt((n, p) => ask(n, p, at), () => snap(at), at);
    times.push(performance.now() - t);
  }
  return { p50Ms: round(pct(times, 50), 1), p95Ms: round(pct(times, 95), 1), maxMs: round(Math.max(...times), 1), firstMs: round(times[0] ?? NaN, 1) };
}

export interface KeptBundleResult {
  bundle: string;
  seeks: number;
  /** One entry per round over the same instants (the first round reads the history's facts). */
  rounds: SeekFigures[];
}

/** The seeks over a bundle kept by an earlier run: opened (verified) once, then `rounds` rounds of seeks. */
async function seeksOverKeptBundle(dir: string, seeks: number, rounds: number): Promise<KeptBundleResult> {
  const v = await verifyBundle(dir);
  if (!v.ok) throw new Error(v.problems.join('; '));
  const bundle = await BundleEngine.open(dir, v.manifest);
  try {
    const out: SeekFigures[] = [];
    for (let r = 0; r < rounds; r++) {
      // each round at other instants (37 s on): nothing kept for an instant of an earlier round is asked again
      const instants = seekInstants(bundle.window, seeks).map((t) => Math.min(bundle.window.toMs, t + r * 37_000));
      out.push(await measureSeeks(instants, (n, p, at) => bundle.query(n, p, undefined, at), (at) => bundle.snapshotAt(at)));
      console.log(JSON.stringify({ round: r + 1, ...out[out.length - 1] }));
    }
    return { bundle: dir, seeks, rounds: out };
  } finally {
    await bundle.stop();
  }
}

export interface ReplayBenchResult {
  readings: number;
  alarmTransitions: number;
  bundleRows: number;
  openVerifyS: number;
  seeks: number;
  bundle: { p50Ms: number; p95Ms: number; maxMs: number; firstMs: number };
  live: { p50Ms: number; p95Ms: number; maxMs: number; firstMs: number };
  assetsAtSeekP95Ms: number;
}

/**
 * Seeks to random instants of a week (`readings` readings of 10,000 series, their rollups, 200,000
 * events, `alarms` alarm transitions with acknowledgements): the overview's data as of each instant,
 * over an export bundle (`cityops open`) and over the engine's own file (a shift leader looking back).
 */
export async function replayBench(readings: number, alarms: number, seeks: number): Promise<ReplayBenchResult | KeptBundleResult> {
  // BENCH_REPLAY_BUNDLE=<folder>: the seeks only, over a bundle kept by an earlier run (BENCH_REPLAY_KEEP), nothing generated
  const kept = process.env['BENCH_REPLAY_BUNDLE'];
  if (kept) return seeksOverKeptBundle(kept, seeks, Number(process.env['BENCH_REPLAY_ROUNDS'] ?? 1));
  const tmp = tempDir('cityops-bench-replay-');
  try {
    const file = join(tmp.dir, 'city.duckdb');
    const endMs = Date.now() - 60_000;
    let t0 = performance.now();
    const w = await generateCity(file, readings, 10_000, 7, 200_000, endMs);
    await addRollupsAndAlarms(file, alarms, w.fromMs, w.toMs, Number(process.env['BENCH_REPLAY_ACK_EVERY'] ?? 1));
    console.log(`generated in ${round((performance.now() - t0) / 1000)} s`);
    // BENCH_REPLAY_KEEP=<folder>: the bundle is written there and kept (for the wall's measure in Chromium: MEASURE_BUNDLE)
    const out = process.env['BENCH_REPLAY_KEEP'] ?? join(tmp.dir, 'bundle');
    const summary = await runExport({ fromMs: w.fromMs, toMs: w.toMs, domains: [], districts: [], force: false, out, csv: false, target: { kind: 'file', db: file } }, 3650);
    t0 = performance.now();
    const v = await verifyBundle(out);
    if (!v.ok) throw new Error(v.problems.join('; '));
    const openVerifyS = (performance.now() - t0) / 1000;
    const instants = seekInstants(w, seeks);
    const measure = (ask: Ask, snap: (at: number) => Promise<unknown>): Promise<SeekFigures> => measureSeeks(instants, ask, snap);

    const bundle = await BundleEngine.open(out, v.manifest);
    let bundleTimes;
    const assetTimes: number[] = [];
    try {
      bundleTimes = await measure((n, p, at) => bundle.query(n, p, undefined, at), (at) => bundle.snapshotAt(at));
      for (const at of instants.slice(0, 20)) {
        const t = performance.now();
        await bundle.query('assets', { limit: 20_000 }, undefined, at);
        assetTimes.push(performance.now() - t);
      }
    } finally {
      await bundle.stop();
    }
    // looking back over the engine's own file (the live engine answers a connection set back the same way)
    const db = await Database.open(file, { readers: 12 });
    let liveTimes;
    try {
      const answers = new ReplayAnswers({ db, rules: bundle.alarmRules() as never, checklists: [], profiles: [], mode: 'live', window: () => Promise.resolve(w), horizon: () => Date.now() }, {
        health: () => bundle.health(), feeds: () => [], opsStatus: () => { throw new Error('not in the bench'); }, handover: () => { throw new Error('not in the bench'); },
      });
      liveTimes = await measure((n, p, at) => answers.answer(n, QUERY_PARAMS[n].parse(p) as never, at, new AbortController().signal), (at) => answers.snapshotAt(at));
    } finally {
      db.close();
    }
    return {
      readings, alarmTransitions: alarms, bundleRows: summary.rows, openVerifyS: round(openVerifyS, 2), seeks,
      bundle: bundleTimes, live: liveTimes, assetsAtSeekP95Ms: round(pct(assetTimes, 95), 1),
    };
  } finally {
    tmp.remove();
  }
}
