import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultEngineConfig, startEngine, type Engine } from '../engine.js';
import { MemoryFeed } from '../feeds/memorySource.js';
import type { FeedChunk } from '../feeds/feedChunk.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';

const enc = new TextEncoder();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function memoryEngine(dbName = 'e.duckdb', dir?: string): Promise<{ engine: Engine; feed: MemoryFeed; dir: string }> {
  const t = dir ? { dir, remove: () => undefined } : tempDir();
  const feed = new MemoryFeed();
  const engine = await startEngine(defaultEngineConfig({ db: `${t.dir}/${dbName}`, nats: null, maintenanceIntervalMs: 3_600_000 }), feed);
  cleanups.push(() => t.remove());
  return { engine, feed, dir: t.dir };
}

interface R { id: string; ts: number; metric: string; value: number }

async function publish(feed: MemoryFeed, asset: string, readings: R[]): Promise<void> {
  await feed.publish(`city.telemetry.gas.420303.${asset}`, enc.encode(JSON.stringify(readings)));
}

async function caughtUp(engine: Engine, received: number): Promise<void> {
  await waitFor(() => engine.health().ingest.received >= received && engine.ingestor.state.lastCommitMs !== null, `received ${received}`);
  await waitFor(() => engine.health().ingest.received === received, `exactly ${received} received`);
}

async function rollup(engine: Engine, table: string): Promise<Record<string, unknown>[]> {
  await engine.rollUp();
  return engine.db.queryRows(`SELECT epoch_ms(bucket) AS b, asset, metric, n, sum, min, max, last_value FROM ${table}_v ORDER BY ALL`);
}

describe('ingest', () => {
  it('stores each reading id once, whatever the repeats, and accounts for every reading', async () => {
    const { engine, feed } = await memoryEngine();
    let expected = { received: 0, stored: 0, duplicates: 0 };
    const seenIds = new Set<string>();
    let run = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 }),
      async (messages) => {
        run++;
        for (const ids of messages) {
          const readings = ids.map((i) => ({ id: `r${run}-${i}`, ts: Date.now() - 1000, metric: 'lel_pct', value: i }));
          await publish(feed, 'a1', readings);
          for (const r of readings) {
            expected.received++;
            if (seenIds.has(r.id)) expected.duplicates++;
            else { seenIds.add(r.id); expected.stored++; }
          }
        }
        await caughtUp(engine, expected.received);
        const h = engine.health().ingest;
        expect({ received: h.received, stored: h.stored, duplicates: h.duplicates }).toEqual(expected);
        expect(h.stored + h.quarantined + h.duplicates).toBe(h.received);
      },
    ), { numRuns: 25 });
    await engine.stop();
    cleanups.pop();
    const rows = await (async () => {
      const { engine: again } = await memoryEngine('e.duckdb', (engine.db.path.split('/').slice(0, -1).join('/')));
      const r = await again.db.queryRows('SELECT count(*)::INTEGER AS n, count(DISTINCT msg_id)::INTEGER AS d FROM readings');
      const totals = again.health().ingest;
      await again.stop();
      return { r: r[0], totals };
    })();
    expect(rows.r).toEqual({ n: expected.stored, d: expected.stored });
    expect(rows.totals.received).toBe(expected.received);
    expected = { received: 0, stored: 0, duplicates: 0 };
  });

  it('stores every row exactly across many batches whose columns are reused: other series, other units, ids of every length', async () => {
    const { engine, feed } = await memoryEngine();
    const now = Date.now();
    const sent: { asset: string; metric: string; unit: string | null; value: number; id: string; ts: number }[] = [];
    for (let wave = 0; wave < 6; wave++) {
      const before = engine.ingestor.state.batches;
      for (let m = 0; m < 5; m++) {
        // the same assets in every wave: a series of one batch comes again in batches that reuse its columns
        const asset = `a${m}`;
        const metric = wave % 2 ? 'lel_pct' : 'pressure_mpa';
        const unit = m % 2 ? null : `u${m}`;
        // a long first wave, then shorter ones: a reused batch holds fewer rows than its columns' room
        const readings = Array.from({ length: wave === 0 ? 400 : 20 + wave * 7 }, (_, k) => ({
          id: `w${wave}-${m}-${k}-${'长'.repeat((k + wave) % 4)}${'y'.repeat((5 - wave) * 12)}`, ts: now - 60_000 + wave * 1000 + k, metric, value: wave * 100_000 + m * 1000 + k, ...(unit === null ? {} : { unit }),
        }));
        await feed.publish(`city.telemetry.gas.420303.${asset}`, enc.encode(JSON.stringify(readings)));
        for (const r of readings) sent.push({ asset, metric, unit, value: r.value, id: r.id, ts: r.ts });
      }
      await waitFor(() => engine.ingestor.state.batches > before && engine.health().ingest.stored === sent.length, `wave ${wave} committed`);
    }
    // past two batches, each new batch fills the columns of one already committed
    expect(engine.ingestor.state.batches).toBeGreaterThanOrEqual(3);
    const rows = await engine.db.queryRows(`SELECT asset, metric, unit, value, msg_id AS id, epoch_ms(ts) AS ts FROM readings ORDER BY value`);
    expect(rows.map((r) => ({ ...r, ts: Number(r['ts']) }))).toEqual(sent);
  });

  it('drops repeats of ids stored before a restart', async () => {
    const first = await memoryEngine();
    const readings = Array.from({ length: 50 }, (_, i) => ({ id: `keep-${i}`, ts: Date.now() - 500, metric: 'x', value: i }));
    await publish(first.feed, 'a1', readings);
    await caughtUp(first.engine, 50);
    await first.engine.stop();
    const second = await memoryEngine('e.duckdb', first.dir);
    await publish(second.feed, 'a1', readings);
    await caughtUp(second.engine, 100);
    expect(second.engine.health().ingest).toMatchObject({ received: 100, stored: 50, duplicates: 50 });
    await second.engine.stop();
  });

  it('gives the same aggregates whatever the order the readings arrive in', async () => {
    // two days back, on an hour boundary: old enough to close every bucket, well inside the retention
    const base = Math.floor((Date.now() - 2 * 86_400_000) / 3_600_000) * 3_600_000;
    const readings: R[] = Array.from({ length: 600 }, (_, i) => ({ id: `s${i}`, ts: base + i * 1700, metric: i % 2 ? 'lel_pct' : 'pressure_kpa', value: (i * 37) % 101 }));
    await fc.assert(fc.asyncProperty(fc.shuffledSubarray(readings, { minLength: readings.length, maxLength: readings.length }), async (shuffled) => {
      const a = await memoryEngine();
      const b = await memoryEngine();
      for (let i = 0; i < readings.length; i += 50) await publish(a.feed, 'a1', readings.slice(i, i + 50));
      for (let i = 0; i < shuffled.length; i += 37) await publish(b.feed, 'a1', shuffled.slice(i, i + 37));
      await caughtUp(a.engine, readings.length);
      await caughtUp(b.engine, readings.length);
      for (const t of ['rollup_10s', 'rollup_1m', 'rollup_1h']) {
        const ra = await rollup(a.engine, t);
        expect(ra.length).toBeGreaterThan(0);
        expect(await rollup(b.engine, t)).toEqual(ra);
      }
      await a.engine.stop();
      await b.engine.stop();
    }), { numRuns: 3 });
  });

  it('corrects the aggregates when late data arrives, before and after compaction', async () => {
    const { engine, feed } = await memoryEngine();
    const now = Date.now();
    const minute = Math.floor((now - 3_600_000) / 60_000) * 60_000;
    await publish(feed, 'a1', [1, 2, 3].map((v) => ({ id: `m${v}`, ts: minute + v * 1000, metric: 'x', value: v })));
    await caughtUp(engine, 3);
    const before = (await rollup(engine, 'rollup_1m')).find((r) => r['b'] === minute);
    expect(before).toMatchObject({ n: 3, sum: 6, min: 1, max: 3, last_value: 3 });
    await engine.checkpoint();
    // partial rows of closed buckets are merged into one, without changing the aggregate
    await engine.compact();
    const rows = await engine.db.queryRows(`SELECT count(*)::INTEGER AS n FROM rollup_1m WHERE epoch_ms(bucket) = ${minute}`);
    expect(rows[0]?.['n']).toBe(1);
    await publish(feed, 'a1', [{ id: 'late', ts: minute + 500, metric: 'x', value: 10 }, { id: 'later', ts: minute + 59_000, metric: 'x', value: -4 }]);
    await caughtUp(engine, 5);
    const after = (await rollup(engine, 'rollup_1m')).find((r) => r['b'] === minute);
    expect(after).toMatchObject({ n: 5, sum: 12, min: -4, max: 10, last_value: -4 });
    await engine.stop();
  });

  it('stamps received_at when the reading arrives, not when the previous batch ended', async () => {
    const { engine, feed } = await memoryEngine();
    await publish(feed, 'a1', [{ id: 'first', ts: Date.now() - 5000, metric: 'x', value: 1 }]);
    await caughtUp(engine, 1);
    await new Promise((r) => setTimeout(r, 1500));
    const sentAt = Date.now();
    await publish(feed, 'a1', [{ id: 'second', ts: Date.now() - 5000, metric: 'x', value: 2 }]);
    await caughtUp(engine, 2);
    const rows = await engine.db.queryRows("SELECT epoch_ms(received_at) AS r FROM readings WHERE msg_id = 'second'");
    expect(Number(rows[0]?.['r'])).toBeGreaterThanOrEqual(sentAt);
    await engine.stop();
  });

  it('keeps bad-quality readings out of the aggregates but counts them', async () => {
    const { engine, feed } = await memoryEngine();
    const ts = Date.now() - 2000;
    await feed.publish('city.telemetry.water.420302.p1', enc.encode(JSON.stringify([
      { id: 'q1', ts, metric: 'pressure_mpa', value: 0.3 },
      { id: 'q2', ts, metric: 'pressure_mpa', value: 99, quality: 'bad' },
      { id: 'q3', ts, metric: 'pressure_mpa', value: 0.5, quality: 'suspect' },
    ])));
    await caughtUp(engine, 3);
    await engine.rollUp();
    const r = await engine.db.queryRows("SELECT n, n_bad, max FROM rollup_1h_v WHERE asset = 'p1'");
    expect(r).toEqual([{ n: 2, n_bad: 1, max: 0.5 }]);
    expect((await engine.db.queryRows("SELECT count(*)::INTEGER AS n FROM readings WHERE asset = 'p1'"))[0]?.['n']).toBe(3);
    await engine.stop();
  });

  it('gives way to the wall\'s queries, but a query that never ends cannot stop ingest', async () => {
    const { engine, feed } = await memoryEngine();
    let release: () => void = () => undefined;
    // a query whose work runs until released: ingest sees a query in flight the whole time
    const stuck = engine.queries.run(() => new Promise<void>((r) => (release = r)));
    expect(engine.queries.whenIdle()).not.toBeNull();
    // one promise for the whole busy period, however often ingest asks
    expect(engine.queries.whenIdle()).toBe(engine.queries.whenIdle());
    const ts = Date.now() - 1000;
    for (let m = 0; m < 300; m++) {
      await publish(feed, `g${m % 7}`, Array.from({ length: 10 }, (_, k) => ({ id: `gw-${m}-${k}`, ts: ts - k, metric: 'lel_pct', value: k })));
    }
    await caughtUp(engine, 3000);
    expect(engine.health().ingest).toMatchObject({ stored: 3000, running: true });
    expect(engine.queries.inFlight).toBe(1);
    release();
    await stuck;
    expect(engine.queries.whenIdle()).toBeNull();
  });

  it('stops visibly, saying why, when its source fails, after committing what it had taken', async () => {
    const t = tempDir();
    cleanups.push(() => t.remove());
    class BrokenFeed extends MemoryFeed {
      override async *chunks(): AsyncIterable<FeedChunk> {
        for await (const c of super.chunks()) {
          yield c;
          throw new Error('the source broke');
        }
      }
    }
    const feed = new BrokenFeed();
    const engine = await startEngine(defaultEngineConfig({ db: `${t.dir}/b.duckdb`, nats: null, maintenanceIntervalMs: 3_600_000 }), feed);
    cleanups.push(() => engine.stop());
    await publish(feed, 'b1', [{ id: 'br-1', ts: Date.now() - 1000, metric: 'lel_pct', value: 1 }]);
    await waitFor(() => !engine.health().ingest.running || null, 'ingest stopped');
    expect(engine.health().ingest).toMatchObject({ running: false, stored: 1, lastError: 'ingest stopped: the source broke' });
  });
});
