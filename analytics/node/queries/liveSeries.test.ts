import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_PARAMS, type QueryResult } from '../../common/engineApi.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';
import { defaultEngineConfig, LIVE_ANSWER_MS, startEngine, type Engine, type EngineConfig } from '../engine.js';
import { MemoryFeed } from '../feeds/memorySource.js';
import { SQL_QUERIES } from './catalog.js';
import type { DistrictRollupRows } from '../store/batchWriter.js';
import { LIVE_SERIES_SPAN_MS, LiveSeries } from './liveSeries.js';
import { runNamedQuery } from './query.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const enc = new TextEncoder();
const P = (p: Record<string, unknown>): (typeof QUERY_PARAMS)['series']['_output'] => QUERY_PARAMS.series.parse(p);

/** Deterministic pseudo-random numbers: the same data every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
}

const DOMAINS = ['water', 'gas', 'drainage'] as const;
const DISTRICTS = ['420302', '420303', '420304'];

/**
 * Readings over the last 26 hours and up to 4 minutes ahead (a source's clock; the door refuses more), in three domains, three districts,
 * two metrics and a few assets each; some bad (a bucket of only bad readings has n = 0 and no
 * average), some sent late (older buckets get a second partial row), some repeated (dropped).
 */
async function publishCity(feed: MemoryFeed, now: number, seed: number, count: number, idPrefix: string): Promise<number> {
  const r = random(seed);
  let sent = 0;
  for (let m = 0; sent < count; m++) {
    const domain = DOMAINS[m % DOMAINS.length] as string;
    const district = DISTRICTS[Math.floor(r() * DISTRICTS.length)] as string;
    const asset = `a${Math.floor(r() * 4)}`;
    const readings = [];
    for (let k = 0; k < 20 && sent < count; k++, sent++) {
      const ts = Math.floor(now - 26 * HOUR + r() * (26 * HOUR + 4 * MIN));
      const quality = r() < 0.05 ? 'bad' : r() < 0.1 ? 'suspect' : 'good';
      readings.push({ id: `${idPrefix}-${m}-${k}`, ts, metric: r() < 0.5 ? 'level' : 'flow', value: Math.round((r() * 200 - 50) * 1000) / 1000, quality });
    }
    await feed.publish(`city.telemetry.${domain}.${district}.${asset}`, enc.encode(JSON.stringify(readings)));
  }
  return sent;
}

/** Every question a wall's trend panel, the city view or an analyst may ask of the district levels. */
function questions(now: number): (typeof QUERY_PARAMS)['series']['_output'][] {
  const out = [];
  for (const metric of ['level', 'flow', 'absent']) {
    for (const resolution of ['10s', '1m', '1h']) {
      for (const where of [{}, { domain: 'water' }, { domain: 'gas', district: '420303' }, { district: '420304' }, { domain: 'flood' }]) {
        for (const window of [{}, { fromMs: now - HOUR }, { fromMs: now - 24 * HOUR, toMs: now - 2 * HOUR }, { fromMs: now - 25 * HOUR + 17_000, toMs: now + 25 * MIN }, { fromMs: now - 90 * MIN, toMs: now - 120 * MIN }]) {
          out.push(P({ metric, resolution, ...where, ...window }));
        }
      }
    }
  }
  return out;
}

/** Equal but for the last bits of an average (the order of a floating-point sum). */
function expectSameSeries(live: QueryResult, sql: QueryResult, what: string, sameInstant = true): void {
  const a = live.columns;
  const b = sql.columns;
  expect(Object.keys(a), what).toEqual(Object.keys(b));
  for (const c of ['t', 'n', 'min', 'max']) expect(a[c], `${what}: ${c}`).toEqual(b[c]);
  expect(a['avg']?.length, what).toBe(b['avg']?.length);
  (a['avg'] as (number | null)[]).forEach((v, i) => {
    const w = (b['avg'] as (number | null)[])[i] as number | null;
    if (v === null || w === null) expect(v, what).toBe(w);
    else expect(Math.abs(v - w), `${what}: avg at ${i}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(w)));
  });
  if (sameInstant) expect(live.provenance, what).toEqual(sql.provenance);
  else expect({ ...live.provenance, generatedAtMs: 0 }, what).toEqual({ ...sql.provenance, generatedAtMs: 0 });
}

async function compareAll(engine: Engine, now: number, expectLive: boolean): Promise<number> {
  let nonEmpty = 0;
  for (const q of questions(now)) {
    const live = engine.liveSeries.answer(q, now);
    if (!expectLive) {
      expect(live).toBeNull();
      continue;
    }
    if (live === null) throw new Error(`not answered from memory: ${JSON.stringify(q)}`);
    expectSameSeries(live, await runNamedQuery(engine.db, SQL_QUERIES.series, q, now), JSON.stringify(q));
    if ((live.columns['t'] as number[]).length > 0) nonEmpty++;
  }
  return nonEmpty;
}

/** Readings the engine has judged: stored, dropped as repeats or quarantined. */
const judged = (engine: Engine): number => {
  const h = engine.health().ingest;
  return h.stored + h.duplicates + h.quarantined;
};

async function ingest(engine: Engine, feed: MemoryFeed, now: number, seed: number, count: number, prefix: string): Promise<void> {
  const before = judged(engine);
  const sent = await publishCity(feed, now, seed, count, prefix);
  await waitFor(() => judged(engine) >= before + sent || null, 'readings stored');
  await engine.rollUp();
}

async function sendOne(engine: Engine, feed: MemoryFeed, subject: string, reading: Record<string, unknown>): Promise<void> {
  const before = judged(engine);
  await feed.publish(subject, enc.encode(JSON.stringify(reading)));
  await waitFor(() => judged(engine) > before || null, 'the reading judged');
}

describe('the live series: the district levels of the last day in memory, equal to DuckDB', () => {
  const tmp = tempDir('cityops-live-series-');
  const feed = new MemoryFeed();
  const config = (over: Partial<EngineConfig> = {}): EngineConfig =>
    defaultEngineConfig({ db: `${tmp.dir}/s.duckdb`, nats: null, rollupEveryMs: 3_600_000, maintenanceIntervalMs: 3_600_000, ...over });
  let engine: Engine;
  const now = Date.now();
  beforeAll(async () => {
    engine = await startEngine(config(), feed);
  });
  afterAll(async () => {
    await engine?.stop();
    tmp.remove();
  });

  it('answers every domain, district and city trend as the SQL over the district rollups does, pass after pass', async () => {
    await ingest(engine, feed, now, 1, 6_000, 'first');
    expect(await compareAll(engine, now, true)).toBeGreaterThan(60);
    // late and repeated readings add partial rows to buckets already held
    await ingest(engine, feed, now, 2, 4_000, 'second');
    const duplicates = engine.health().ingest.duplicates;
    await sendOne(engine, feed, 'city.telemetry.water.420302.a1', { id: 'second-0-0', ts: now - HOUR, metric: 'level', value: 1e6 });
    expect(engine.health().ingest.duplicates).toBe(duplicates + 1);
    await ingest(engine, feed, now, 3, 500, 'third');
    expect(await compareAll(engine, now, true)).toBeGreaterThan(60);
    // and through the engine's query: from memory, the same answer
    const before = engine.liveSeries.answered;
    const q = { metric: 'level', domain: 'water', resolution: '1m', fromMs: now - 3 * HOUR, toMs: now } as const;
    expectSameSeries(await engine.query('series', q), await runNamedQuery(engine.db, SQL_QUERIES.series, P(q), now), 'engine.query', false);
    expect(engine.liveSeries.answered).toBe(before + 1);
  });

  it('compaction (partial rows merged) changes no answer', async () => {
    await engine.compact();
    expect(await compareAll(engine, now, true)).toBeGreaterThan(60);
  });

  it('leaves to DuckDB what it cannot answer exactly: one asset, a window older than its span, replay', async () => {
    const before = engine.liveSeries.answered;
    expect(engine.liveSeries.answer(P({ metric: 'level', domain: 'water', asset: 'a1' }), now)).toBeNull();
    expect(engine.liveSeries.answer(P({ metric: 'level', fromMs: now - LIVE_SERIES_SPAN_MS - 1 }), now)).toBeNull();
    expect(engine.liveSeries.answer(P({ metric: 'level', fromMs: now - HOUR, toMs: now + 2 * HOUR }), now)).toBeNull();
    const asset = await engine.query('series', { metric: 'level', domain: 'water', asset: 'a1', resolution: '1h' });
    expect((asset.columns['t'] as number[]).length).toBeGreaterThan(0);
    await engine.query('series', { metric: 'level', resolution: '1h' }, undefined, now - HOUR);
    expect(engine.liveSeries.answered).toBe(before);
  });

  it('a bucket too far ahead of the clock (one stored before the clock was set back) sends its metric to DuckDB; the others stay', () => {
    const live = new LiveSeries(16, 400 * 86_400_000);
    const rows = (b: number[], metric: string[]): DistrictRollupRows => ({
      bucketMs: b, domain: b.map(() => 'gas'), district: b.map(() => '420302'), metric, n: b.map(() => 1), sum: b.map(() => 2), min: b.map(() => 2), max: b.map(() => 2),
    });
    live.load(rows([], []), rows([], []), now);
    live.fold('1m', rows([now - 10 * MIN, now - 10 * MIN], ['flow', 'level']), now);
    expect(live.answer(P({ metric: 'flow', domain: 'gas' }), now)?.columns['n']).toEqual([1]);
    live.fold('1m', rows([Math.floor((now + 5 * HOUR) / MIN) * MIN], ['flow']), now);
    expect(live.answer(P({ metric: 'flow', domain: 'gas' }), now)).toBeNull();
    expect(live.answer(P({ metric: 'level', domain: 'gas' }), now)?.columns['n']).toEqual([1]);
    expect(live.size.refusedMetrics).toBe(1);
  });

  it('after a restart it starts from what the tables hold and answers the same', async () => {
    await engine.stop();
    engine = await startEngine(config(), feed);
    expect(engine.liveSeries.active).toBe(true);
    let n = 0;
    for (const q of questions(now)) {
      const live = engine.liveSeries.answer(q, now);
      if (live === null) throw new Error(`not answered from memory after a restart: ${JSON.stringify(q)}`);
      expectSameSeries(live, await runNamedQuery(engine.db, SQL_QUERIES.series, q, now), JSON.stringify(q));
      n++;
    }
    expect(n).toBe(questions(now).length);
  });

  it('holds at most liveSeriesKeys keys: a metric past the bound goes to DuckDB, correct as ever; 0 turns it off', async () => {
    await engine.stop();
    engine = await startEngine(config({ liveSeriesKeys: 4 }), feed);
    expect(engine.liveSeries.size.keys).toBe(4);
    expect(engine.liveSeries.size.refusedMetrics).toBeGreaterThan(0);
    for (const q of questions(now)) {
      const live = engine.liveSeries.answer(q, now);
      if (live) expectSameSeries(live, await runNamedQuery(engine.db, SQL_QUERIES.series, q, now), JSON.stringify(q));
    }
    await engine.stop();
    engine = await startEngine(config({ liveSeriesKeys: 0 }), feed);
    expect(engine.liveSeries.active).toBe(false);
    await compareAll(engine, now, false);
  });
});

describe('the store-backed answers every wall polls: shared, at most LIVE_ANSWER_MS and one computation old', () => {
  const tmp = tempDir('cityops-live-answers-');
  const feed = new MemoryFeed();
  let engine: Engine;
  const now = Date.now();
  beforeAll(async () => {
    engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/a.duckdb`, nats: null, rollupEveryMs: 3_600_000, maintenanceIntervalMs: 3_600_000 }), feed);
  });
  afterAll(async () => {
    await engine?.stop();
    tmp.remove();
  });

  const total = (r: QueryResult): number => (r.columns['readings'] as number[]).reduce((a, b) => a + b, 0);
  const readings = async (): Promise<number> => total(await engine.query('kpis', { windowS: 86_400 }));
  const storeReadings = async (): Promise<number> => total(await runNamedQuery(engine.db, SQL_QUERIES.kpis, { windowS: 86_400 }, Date.now()));
  const assetTrend = async (): Promise<number> => {
    // the wall's asset panel: its start moves with the client's clock, its span does not
    const t = await engine.query('series', { metric: 'level', domain: 'water', district: '420302', asset: 'a1', resolution: '1h', fromMs: Date.now() - 30 * HOUR });
    return (t.columns['n'] as number[]).reduce((a, b) => a + b, 0);
  };

  it('gives the answer computed for the first asker to everyone within LIVE_ANSWER_MS, then refreshes it', async () => {
    await ingest(engine, feed, now, 11, 1_000, 'w1');
    const k1 = await readings();
    const a1 = await assetTrend();
    expect(k1).toBe(await storeReadings());
    expect(k1).toBeGreaterThan(500);
    expect(a1).toBeGreaterThan(0);
    await ingest(engine, feed, now, 12, 1_000, 'w2');
    // within the age: the same answer (the store now holds more)
    const asked = Date.now();
    const [k2, a2] = [await readings(), await assetTrend()];
    if (Date.now() - asked < LIVE_ANSWER_MS / 2) {
      expect(k2).toBe(k1);
      expect(a2).toBe(a1);
    }
    // past it: the older answer once more, at once, while one computation refreshes it; then the new one
    await new Promise((r) => setTimeout(r, LIVE_ANSWER_MS + 50));
    await readings();
    await assetTrend();
    const stored = await storeReadings();
    expect(stored).toBeGreaterThan(k1);
    await waitFor(async () => (await readings()) === stored || null, 'the refreshed KPIs');
    await waitFor(async () => (await assetTrend()) > a1 || null, 'the refreshed asset trend');
    // and it is the store's answer
    const sql = await runNamedQuery(engine.db, SQL_QUERIES.series, P({ metric: 'level', domain: 'water', district: '420302', asset: 'a1', resolution: '1h', fromMs: Date.now() - 30 * HOUR }), Date.now());
    expect(await assetTrend()).toBe((sql.columns['n'] as number[]).reduce((a, b) => a + b, 0));
  });
});
