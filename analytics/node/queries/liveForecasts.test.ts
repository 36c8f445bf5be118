import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_PARAMS } from '../../common/engineApi.js';
import { fillFloodGauges } from '../../../dev/testing/floodGauges.js';
import { tempDir } from '../../../dev/testing/harness.js';
import { defaultEngineConfig, startEngine, type Engine } from '../engine.js';
import { MemoryFeed } from '../feeds/memorySource.js';
import { loadAlarmRules } from '../ops/alarmService.js';
import { dataPath } from '../paths.js';
import { Database } from '../store/database.js';
import { forecasts } from './forecasts.js';
import { LIVE_FORECAST_MINUTES, LiveForecasts } from './liveForecasts.js';

const MIN = 60_000;
/** A minute's start: the data below is laid out around it and every clock here is set from it, never read from the wall. */
const NOW = Math.floor(Date.now() / MIN) * MIN;
const GAUGES = 40;
const rules = loadAlarmRules(dataPath('alarm-rules.json'));
const P = (p: Record<string, unknown>): (typeof QUERY_PARAMS)['forecasts']['_output'] => QUERY_PARAMS.forecasts.parse(p);
/** Questions the console, an asset drawer and a wall's trend panel ask. */
const QUESTIONS = [
  {}, { limit: 3 }, { domain: 'flood', limit: 20 }, { district: '420381' }, { domain: 'flood', district: '420322', asset: 'gauge-0027', limit: 10 },
  { asset: 'gauge-0018' }, { asset: 'gauge-0000' }, { domain: 'water' }, { district: '420303', asset: 'gauge-0027' },
].map(P);

const tmp = tempDir('cityops-live-forecasts-');
let db: Database;

beforeAll(async () => {
  db = await Database.open(`${tmp.dir}/f.duckdb`);
  // river gauges under a downpour, each with its rain gauge (the rain forecaster fits each); their data runs 10 minutes past NOW
  await fillFloodGauges(db, GAUGES, NOW);
});
afterAll(() => {
  db?.close();
  tmp.remove();
});

describe('the live forecasts: once a minute for every client', () => {
  it('answers each question as the uncached query does at the start of the minute', async () => {
    const live = new LiveForecasts(db, rules, 15_000, () => NOW + 37_000);
    const all = await forecasts(db, rules, P({ limit: 1000 }), NOW);
    expect(all.length).toBeGreaterThan(5);
    expect(new Set(all.map((f) => f.basis))).toContain('rain');
    for (const q of QUESTIONS) expect(await live.get(q)).toEqual(await forecasts(db, rules, q, NOW));
    expect((await live.get(P({ asset: 'gauge-0027' }))).map((f) => f.asset)).toEqual(['gauge-0027']);
    expect(live.stats.computations).toBe(1);
    expect(live.stats.series).toBe(GAUGES);
    // the answer of the minute is what the query computes at its start, not at the request's instant
    expect((await live.get(P({})))[0]?.atMs).toBe(NOW);
  });

  it('shares one computation among concurrent requests; a client leaving does not stop it for the others', async () => {
    const live = new LiveForecasts(db, rules, 15_000, () => NOW);
    const left = new AbortController();
    const first = live.get(P({}), left.signal);
    left.abort(new Error('the client left'));
    await expect(first).rejects.toThrow('the client left');
    const answers = await Promise.all(QUESTIONS.map((q) => live.get(q)));
    expect(live.stats).toEqual({ computations: 1, series: GAUGES, shared: QUESTIONS.length });
    expect(answers[0]).toEqual(await forecasts(db, rules, P({}), NOW));
  });

  it('computes again in a new minute, and holds at most LIVE_FORECAST_MINUTES minutes', async () => {
    let clock = NOW + 59_999;
    const live = new LiveForecasts(db, rules, 15_000, () => clock);
    await live.get(P({}));
    await live.get(P({ asset: 'gauge-0001' }));
    expect(live.stats.computations).toBe(1);
    for (let m = 1; m <= 4; m++) {
      clock = NOW + m * MIN;
      const fresh = await live.get(P({}));
      expect(fresh).toEqual(await forecasts(db, rules, P({}), NOW + m * MIN));
      expect(fresh[0]?.atMs).toBe(NOW + m * MIN);
      expect(live.stats.computations).toBe(1 + m);
      expect(live.stats.series).toBe((1 + m) * GAUGES);
      expect(live.size).toBeLessThanOrEqual(LIVE_FORECAST_MINUTES);
    }
    // the minute before is still held; an older one was let go and is computed again
    clock = NOW + 3 * MIN;
    await live.get(P({}));
    expect(live.stats.computations).toBe(5);
    clock = NOW + 5_000;
    await live.get(P({}));
    expect(live.stats.computations).toBe(6);
    expect(live.size).toBeLessThanOrEqual(LIVE_FORECAST_MINUTES);
  });

  it('a failed computation is not kept: the next request computes again', async () => {
    const closed = await Database.open(`${tmp.dir}/closed.duckdb`);
    closed.close();
    const live = new LiveForecasts(closed, rules, 15_000, () => NOW);
    await expect(live.get(P({}))).rejects.toThrow();
    expect(live.size).toBe(0);
    await expect(live.get(P({}))).rejects.toThrow();
    expect(live.stats.computations).toBe(2);
  });
});

describe('the engine\'s forecasts query under a burst', () => {
  let engine: Engine;
  const etmp = tempDir('cityops-live-forecasts-engine-');

  beforeAll(async () => {
    const file = `${etmp.dir}/e.duckdb`;
    const filled = await Database.open(file);
    await fillFloodGauges(filled, GAUGES, NOW);
    filled.close();
    engine = await startEngine(defaultEngineConfig({ db: file, nats: null, decodeThread: false, maintenanceIntervalMs: 3_600_000 }), new MemoryFeed());
    engine.liveForecasts.now = () => NOW + 30_000;
  });
  afterAll(async () => {
    await engine?.stop();
    etmp.remove();
  });

  it('a burst of as many forecasts queries as the gate admits fits each gauge once, every answer the uncached one', async () => {
    const n = engine.queryLimits.maxInFlight;
    const asked = Array.from({ length: n }, (_, i) => QUESTIONS[i % QUESTIONS.length] as (typeof QUESTIONS)[number]);
    const answers = await Promise.all(asked.map((q) => engine.query('forecasts', q)));
    expect(engine.liveForecasts.stats.computations).toBe(1);
    expect(engine.liveForecasts.stats.series).toBe(GAUGES);
    for (let i = 0; i < n; i++) expect(answers[i]).toEqual(await forecasts(engine.db, engine.alarmRules(), asked[i] as (typeof QUESTIONS)[number], NOW));
    // a second burst in the same minute: no fit at all
    await Promise.all(asked.map((q) => engine.query('forecasts', q)));
    expect(engine.liveForecasts.stats.series).toBe(GAUGES);
  });

  it('an as-of query (replay) is computed at its instant, never read from the live minute', async () => {
    const before = { ...engine.liveForecasts.stats };
    const at = NOW - 2 * MIN + 17_000;
    const then = await engine.query('forecasts', P({}), undefined, at);
    expect(then.length).toBeGreaterThan(0);
    expect(then[0]?.atMs).toBe(at);
    expect(then).toEqual(await forecasts(engine.db, engine.alarmRules(), P({}), at));
    expect(engine.liveForecasts.stats).toEqual(before);
  });
});
