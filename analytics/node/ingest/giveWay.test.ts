import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIVE_WAY_MS, GIVE_WAY_SHARE, GIVE_WAY_WINDOW_MS, GiveWayBudget, sleep } from '../../common/vocabulary.js';
import { defaultEngineConfig, startEngine, type Engine } from '../engine.js';
import { MemoryFeed } from '../feeds/memorySource.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';

describe('GiveWayBudget: ingest gives way to queries for at most a share of the time', () => {
  it('allows GIVE_WAY_MS at a time until the window’s share is spent, then nothing until the next window', () => {
    let t = 0;
    const b = new GiveWayBudget(() => t);
    let given = 0;
    for (let i = 0; i < 1000; i++) {
      const allow = b.allowance();
      expect(allow).toBeLessThanOrEqual(GIVE_WAY_MS);
      if (allow === 0) break;
      b.spent(allow);
      given += allow;
      t += allow;
    }
    expect(given).toBe(GIVE_WAY_SHARE * GIVE_WAY_WINDOW_MS);
    expect(b.allowance()).toBe(0);
    t = GIVE_WAY_WINDOW_MS + 1;
    expect(b.allowance()).toBe(GIVE_WAY_MS);
    expect(b.totalMs).toBe(given);
  });

  it('bound(): null when no query runs or the share is spent; otherwise waits for the query, at most the allowance', async () => {
    let t = 0;
    const b = new GiveWayBudget(() => t);
    let busy: Promise<void> | null = null;
    const to = b.bound(() => busy);
    expect(to()).toBeNull();
    // a query that ends: the wait ends with it and counts what the clock says it took
    busy = Promise.resolve().then(() => void (t += 7));
    await to();
    expect(b.totalMs).toBe(7);
    // a query that never ends (the real clock now): the wait ends at the allowance, and the window's share runs out
    const real = new GiveWayBudget();
    const never = real.bound(() => new Promise<void>(() => undefined));
    expect(real.allowance()).toBe(GIVE_WAY_MS);
    real.spent(GIVE_WAY_SHARE * GIVE_WAY_WINDOW_MS - 3);
    const w = never();
    expect(w).not.toBeNull();
    await w;
    expect(real.totalMs).toBeGreaterThanOrEqual(GIVE_WAY_SHARE * GIVE_WAY_WINDOW_MS - 1);
    expect(never()).toBeNull();
  });
});

describe('a client that keeps a query running all the time does not stop ingest', () => {
  const tmp = tempDir();
  const feed = new MemoryFeed();
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/g.duckdb`, nats: null }), feed);
  });
  afterAll(async () => {
    await engine?.stop();
    tmp.remove();
  });

  it('a slow feed (a chunk per message) is stored while a query runs, ingest giving way at most half of the time', async () => {
    const enc = new TextEncoder();
    let release: () => void = () => undefined;
    // held in flight until the end: every piece of ingest's work finds a query running
    const held = engine.queries.run(() => new Promise<void>((r) => (release = r)));
    const messages = 600;
    const t0 = performance.now();
    const given0 = engine.ingestor.gaveWay.totalMs;
    for (let m = 0; m < messages; m++) {
      const body = Array.from({ length: 20 }, (_, k) => ({ id: `gw-${m}-${k}`, ts: Date.now() - 1_000, metric: 'pressure', value: k }));
      await feed.publish(`city.telemetry.water.420302.p${m % 10}`, enc.encode(JSON.stringify(body)));
      await sleep(3);
    }
    await waitFor(() => engine.health().ingest.stored >= messages * 20 || null, 'every reading stored');
    const elapsed = performance.now() - t0;
    const given = engine.ingestor.gaveWay.totalMs - given0;
    expect(engine.queries.inFlight).toBe(1);
    release();
    await held;
    expect(engine.health().ingest.stored).toBe(messages * 20);
    // it did give way (the query ran all along), and for no more than its share (plus a window's
    // share and the timers' lateness: before the share, the waits added up to more than the time)
    expect(given).toBeGreaterThan(0);
    expect(given).toBeLessThanOrEqual((GIVE_WAY_SHARE + 0.1) * elapsed + GIVE_WAY_SHARE * GIVE_WAY_WINDOW_MS + GIVE_WAY_MS);
  });
});
