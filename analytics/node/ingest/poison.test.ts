import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { malformedSamples } from '../../common/malformedSamples.js';
import { poisonSamples } from '../../common/testing/poisonSamples.js';
import { defaultEngineConfig, startEngine, type Engine } from '../engine.js';
import { MemoryFeed } from '../feeds/memorySource.js';
import { Database } from '../store/database.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';

const enc = new TextEncoder();
const DAY_MS = 86_400_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Started { engine: Engine; feed: MemoryFeed; db: string }

async function memoryEngine(db?: string): Promise<Started> {
  let path = db;
  if (path === undefined) {
    const t = tempDir();
    cleanups.push(() => t.remove());
    path = `${t.dir}/p.duckdb`;
  }
  const feed = new MemoryFeed();
  const engine = await startEngine(defaultEngineConfig({ db: path, nats: null, maintenanceIntervalMs: 3_600_000 }), feed);
  cleanups.push(() => engine.stop().catch(() => undefined));
  return { engine, feed, db: path };
}

async function send(feed: MemoryFeed, subject: string, body: string): Promise<void> {
  await feed.publish(subject, enc.encode(body));
}

async function caughtUp(engine: Engine, received: number): Promise<void> {
  await waitFor(() => engine.health().ingest.received >= received && engine.ingestor.state.lastCommitMs !== null, `received ${received}`);
  await waitFor(() => engine.health().ingest.received === received, `exactly ${received} received`);
}

const rows = async (e: Engine, sql: string): Promise<Record<string, unknown>[]> => e.db.queryRows(sql);

describe('ingest with messages that must not stop it', () => {
  it('stores an event whose id a reading already used: ids of different kinds never collide', async () => {
    const { engine, feed } = await memoryEngine();
    const now = Date.now() - 1000;
    await send(feed, 'city.telemetry.gas.420303.a1', JSON.stringify({ id: 'event:X', ts: now, metric: 'lel_pct', value: 1 }));
    await send(feed, 'city.telemetry.gas.420303.a1', JSON.stringify({ id: 'inspection:Y', ts: now, metric: 'lel_pct', value: 1 }));
    await send(feed, 'city.event.gas.420303', JSON.stringify({ id: 'X', ts: now, type: 'leak', severity: 'red', title: 't' }));
    await send(feed, 'city.inspection.gas.420303', JSON.stringify({ id: 'Y', ts: now, asset: 'a1', item: 'valve', result: 'fail', level: 'major', inspector: 'z' }));
    // and the other way round: an event id that looks like a reading's id
    await send(feed, 'city.event.gas.420303', JSON.stringify({ id: 'r1', ts: now, type: 'leak', severity: 'red', title: 't' }));
    await send(feed, 'city.telemetry.gas.420303.a1', JSON.stringify({ id: 'r1', ts: now, metric: 'lel_pct', value: 1 }));
    await caughtUp(engine, 6);
    expect(engine.health().ingest).toMatchObject({ received: 6, stored: 6, duplicates: 0 });
    expect(await rows(engine, 'SELECT msg_id FROM events ORDER BY msg_id')).toEqual([{ msg_id: 'X' }, { msg_id: 'r1' }]);
    expect(await rows(engine, 'SELECT msg_id FROM inspections')).toEqual([{ msg_id: 'Y' }]);
    await engine.stop();
    // after a restart the preloaded memory keeps the kinds apart too
    const again = await memoryEngine((engine.db.path));
    await send(again.feed, 'city.event.gas.420303', JSON.stringify({ id: 'event:X', ts: now, type: 'leak', severity: 'red', title: 't' }));
    await send(again.feed, 'city.event.gas.420303', JSON.stringify({ id: 'X', ts: now, type: 'leak', severity: 'red', title: 't' }));
    await send(again.feed, 'city.telemetry.gas.420303.a1', JSON.stringify({ id: 'X', ts: now, metric: 'lel_pct', value: 1 }));
    await caughtUp(again.engine, 9);
    expect(again.engine.health().ingest).toMatchObject({ received: 9, stored: 8, duplicates: 1 });
  });

  it('stores a gas reading of 1e19 and its alarm, and goes on ingesting', async () => {
    const { engine, feed } = await memoryEngine();
    const now = Date.now() - 1000;
    await send(feed, 'city.telemetry.gas.420303.g1', JSON.stringify({ id: 'before', ts: now, metric: 'lel_pct', value: 1 }));
    await send(feed, 'city.telemetry.gas.420303.g1', `{"id":"x","ts":${now},"metric":"lel_pct","value":1e19}`);
    await send(feed, 'city.telemetry.gas.420303.g1', JSON.stringify({ id: 'after', ts: now + 1, metric: 'lel_pct', value: 2 }));
    await caughtUp(engine, 3);
    await waitFor(() => engine.ingestor.state.lastError === null, 'no commit failure');
    expect(engine.health().ingest).toMatchObject({ received: 3, stored: 3, running: true });
    expect(await rows(engine, "SELECT value FROM readings WHERE msg_id = 'x'")).toEqual([{ value: 1e19 }]);
    expect((await rows(engine, "SELECT value FROM alarm_log WHERE asset = 'g1' AND active")).map((r) => r['value'])).toContain(1e19);
  });

  it('judges retention at the door: data older than it is quarantined as expired, never counted as stored', async () => {
    const { engine, feed } = await memoryEngine();
    const old = Date.now() - (engine.config.retention.rawDays + 1) * DAY_MS;
    await send(feed, 'city.telemetry.gas.420303.a1', JSON.stringify([{ id: 'new', ts: Date.now() - 1000, metric: 'lel_pct', value: 1 }, { id: 'old', ts: old, metric: 'lel_pct', value: 1 }]));
    await send(feed, 'city.event.gas.420303', JSON.stringify({ id: 'old-ev', ts: old, type: 'leak', severity: 'red', title: 't' }));
    await caughtUp(engine, 3);
    expect(engine.health().ingest).toMatchObject({ received: 3, stored: 1, quarantined: 2 });
    expect(await rows(engine, 'SELECT reason FROM quarantine')).toEqual([{ reason: 'expired' }, { reason: 'expired' }]);
  });
});

describe('ingest of poison mixed into valid traffic', () => {
  it('stores every valid reading once, quarantines every bad one with its reason, and the counters add up, in any order', async () => {
    const { engine, feed } = await memoryEngine();
    let run = 0;
    let expected = { received: 0, stored: 0, quarantined: 0 };
    await fc.assert(fc.asyncProperty(fc.shuffledSubarray([...Array(60).keys()], { minLength: 1, maxLength: 60 }), async (order) => {
      run++;
      const now = Date.now();
      const bad = [...malformedSamples(now, `mix${run}`), ...poisonSamples(now, `mix${run}`, engine.config.retention.rawDays)];
      const reasons: Record<string, number> = {};
      for (const i of order) {
        const s = bad[i % bad.length];
        if (i < bad.length && s) {
          await feed.publish(s.subject, s.data);
          expected.received += s.rows + s.validReadings;
          expected.stored += s.validReadings;
          expected.quarantined += s.rows;
          reasons[s.reason] = (reasons[s.reason] ?? 0) + s.rows;
        } else {
          await send(feed, `city.telemetry.water.420302.v${i % 3}`, JSON.stringify({ id: `mix${run}-v${i}`, ts: now - 1000, metric: 'pressure_mpa', value: i }));
          expected.received++;
          expected.stored++;
        }
      }
      await caughtUp(engine, expected.received);
      const h = engine.health().ingest;
      expect({ received: h.received, stored: h.stored, quarantined: h.quarantined, duplicates: h.duplicates, running: h.running })
        .toEqual({ ...expected, duplicates: 0, running: true });
      const valid = await rows(engine, `SELECT count(*)::INTEGER AS n FROM readings WHERE msg_id LIKE 'mix${run}-v%'`);
      expect(valid[0]?.['n']).toBe(order.filter((i) => i >= bad.length).length);
    }), { numRuns: 8, seed: 20261127 });
    const q = await rows(engine, 'SELECT count(*)::INTEGER AS n FROM quarantine');
    expect(q[0]?.['n']).toBe(expected.quarantined);
    expected = { received: 0, stored: 0, quarantined: 0 };
  });
});

describe('ingest when the database refuses a row', () => {
  /** A database whose readings table refuses one id (a CHECK constraint): a real refusal, for a row the decoder accepts. */
  async function refusingDb(): Promise<string> {
    const t = tempDir();
    cleanups.push(() => t.remove());
    const path = `${t.dir}/refusing.duckdb`;
    const db = await Database.open(path);
    await db.writer.run(`DROP TABLE readings;
      CREATE TABLE readings (ts TIMESTAMPTZ NOT NULL, domain VARCHAR NOT NULL, district VARCHAR NOT NULL, asset VARCHAR NOT NULL,
        metric VARCHAR NOT NULL, value DOUBLE NOT NULL, unit VARCHAR, quality VARCHAR NOT NULL,
        msg_id VARCHAR NOT NULL CHECK (msg_id <> 'refused-by-db'), stream_seq UBIGINT, received_at TIMESTAMPTZ NOT NULL, batch_no UBIGINT NOT NULL);
      CHECKPOINT;`);
    db.close();
    return path;
  }

  it('quarantines the refused row as store_rejected, stores the rest, and forgets its id', async () => {
    const { engine, feed } = await memoryEngine(await refusingDb());
    const ts = Date.now() - 1000;
    const arr = (ids: string[]): string => JSON.stringify(ids.map((id) => ({ id, ts, metric: 'lel_pct', value: 1 })));
    await send(feed, 'city.telemetry.gas.420303.a1', arr(['ok-1', 'refused-by-db', 'ok-2']));
    await caughtUp(engine, 3);
    expect(engine.health().ingest).toMatchObject({ received: 3, stored: 2, quarantined: 1, duplicates: 0, running: true, retrying: false, storeRejected: 1 });
    const q = await rows(engine, 'SELECT reason, detail, payload FROM quarantine');
    expect(q).toHaveLength(1);
    expect(q[0]?.['reason']).toBe('store_rejected');
    expect(String(q[0]?.['detail'])).toMatch(/Constraint Error/);
    expect(String(q[0]?.['payload'])).toContain('"id":"refused-by-db"');
    // a later copy is judged again, not taken for a repeat of a row that was never stored
    await send(feed, 'city.telemetry.gas.420303.a1', arr(['refused-by-db', 'ok-3', 'ok-1']));
    await caughtUp(engine, 6);
    expect(engine.health().ingest).toMatchObject({ received: 6, stored: 3, quarantined: 2, duplicates: 1, storeRejected: 2 });
    expect(await rows(engine, 'SELECT msg_id FROM readings ORDER BY msg_id')).toEqual([{ msg_id: 'ok-1' }, { msg_id: 'ok-2' }, { msg_id: 'ok-3' }]);
    const totals = await rows(engine, 'SELECT received::INTEGER AS r, stored::INTEGER AS s, quarantined::INTEGER AS q, duplicates::INTEGER AS d FROM ingest_totals');
    expect(totals).toEqual([{ r: 6, s: 3, q: 2, d: 1 }]);
  });
});
