import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { startEngine, type Engine, type EngineConfig } from '../engine.js';
import { Database } from '../store/database.js';
import { engineSuite } from '../../../dev/testing/engineSuite.js';
import { waitFor } from '../../../dev/testing/harness.js';
import { AckedPublisher, readingMessages } from '../../../dev/testing/jsPublisher.js';
import { NatsServerProcess } from './natsServerProcess.js';
import { malformedSamples } from '../../common/malformedSamples.js';
import { connectNats } from './natsConnect.js';
import { JetStreamSource } from './jetstreamSource.js';
import { DEFAULT_QUEUE_LIMITS } from './feedChunk.js';
import { NatsLink } from './natsLink.js';
import { ConnectingSource } from './connectingSource.js';

const suite = engineSuite();
const config = (over: Partial<EngineConfig> = {}): EngineConfig => suite.config(over);
const engineOn = (cfg: EngineConfig): Promise<Engine> => suite.engineOn(cfg);

async function resetStream(): Promise<void> {
  const jsm = await jetstreamManager(suite.nc);
  await jsm.streams.delete('CITY').catch(() => undefined);
  await jsm.streams.add({ name: 'CITY', subjects: ['city.>'] });
}

async function storedCounts(path: string): Promise<{ n: number; distinct: number }> {
  const db = await Database.open(path);
  try {
    const r = await db.queryRows('SELECT count(*)::INTEGER AS n, count(DISTINCT msg_id)::INTEGER AS distinct FROM readings');
    return { n: Number(r[0]?.['n']), distinct: Number(r[0]?.['distinct']) };
  } finally {
    db.close();
  }
}

describe('JetStream ingest', () => {
  it('resumes after a restart from the committed position: nothing lost, nothing twice', async () => {
    await resetStream();
    const pub = new AckedPublisher(suite.nc);
    const cfg = config();
    await pub.publishAll(readingMessages('rs1', 3000, 50));
    let e = await engineOn(cfg);
    await waitFor(() => e.health().ingest.received === 3000, '3000 received');
    await suite.stopEngine(e);
    await pub.publishAll(readingMessages('rs2', 2000, 20));
    e = await engineOn(cfg);
    await waitFor(() => e.health().ingest.received === 5000, '5000 received');
    expect(e.health().ingest).toMatchObject({ stored: 5000, duplicates: 0, quarantined: 0 });
    expect(e.health().nats).toMatchObject({ connected: true, mode: 'jetstream', gapsPossible: false, stream: 'CITY' });
    await suite.stopEngine(e);
    expect(await storedCounts(cfg.db)).toEqual({ n: 5000, distinct: 5000 });
  });

  it('tells how far behind the stream its reader is: the age of the message taken while more wait, 0 once none waits', async () => {
    await resetStream();
    await new AckedPublisher(suite.nc).publishAll(readingMessages('lag', 40, 1));
    const link = await NatsLink.open({ url: suite.server.url });
    // chunks of one message: the lag is read after each
    const source = await JetStreamSource.open(link, { stream: 'CITY', consumer: 'lag-test', create: false, queue: { ...DEFAULT_QUEUE_LIMITS, chunkMessages: 1 } });
    try {
      expect(source.lagMs(Date.now())).toBe(0);
      const it = source.chunks(0)[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.done).toBe(false);
      // 39 wait after it: the lag is its age, which grows with the clock
      const now = Date.now();
      const lag = source.lagMs(now);
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(source.lagMs(now + 60_000)).toBeCloseTo(lag + 60_000, -1);
      for (let i = 1; i < 40; i++) expect((await it.next()).value?.length).toBe(1);
      // the last one taken: nothing waits, however old it is
      expect(source.lagMs(Date.now() + 60_000)).toBe(0);
      await it.return?.();
    } finally {
      await source.close();
      await link.nc.close();
    }
  });

  it('stops reading when ingest falls behind by its queue\'s limits and starts again right after the last message taken: bounded, nothing lost, nothing twice', async () => {
    await resetStream();
    await new AckedPublisher(suite.nc).publishAll(readingMessages('fc', 6000, 1));
    const link = await NatsLink.open({ url: suite.server.url });
    const source = await JetStreamSource.open(link, { stream: 'CITY', consumer: 'flow-test', create: false, queue: { highMessages: 500, highBytes: 1 << 30, chunkMessages: 100 } });
    try {
      const seqs: number[] = [];
      let most = 0;
      for await (const c of source.chunks(0)) {
        // what waits beside the chunk just taken never passes the limit
        most = Math.max(most, source.queued.messages + c.length);
        for (let i = 0; i < c.length; i++) seqs.push(c.seq(i) as number);
        if (seqs.length >= 6000) break;
        // a slow ingest: the reader fills its queue meanwhile
        await new Promise((r) => setTimeout(r, 15));
      }
      expect(seqs).toEqual(Array.from({ length: 6000 }, (_, i) => i + 1));
      expect(most).toBeLessThanOrEqual(500);
      expect(source.pauses).toBeGreaterThan(3);
      // every stopped consumer was deleted on the server, not left delivering to nobody
      await source.close();
      const jsm = await jetstreamManager(suite.nc);
      await waitFor(async () => (await jsm.consumers.list('CITY').next()).length === 0, 'no consumer left on the server');
    } finally {
      await source.close();
      await link.nc.close();
    }
  });

  it('the engine\'s connecting source passes the lag on (the SQL console reads it there)', async () => {
    await resetStream();
    await new AckedPublisher(suite.nc).publishAll(readingMessages('lag2', 10, 1));
    const cs = new ConnectingSource({ url: suite.server.url }, (link) => JetStreamSource.open(link, { stream: 'CITY', consumer: 'lag-test-2', create: false, queue: { ...DEFAULT_QUEUE_LIMITS, chunkMessages: 1 } }));
    try {
      await cs.whenReady();
      const it = cs.chunks(0)[Symbol.asyncIterator]();
      expect((await it.next()).done).toBe(false);
      expect(cs.lagMs(Date.now() + 60_000)).toBeGreaterThanOrEqual(60_000);
      await it.return?.();
    } finally {
      await cs.close();
    }
  });

  it('rebuilds a lost database from the stream', async () => {
    await resetStream();
    const pub = new AckedPublisher(suite.nc);
    await pub.publishAll(readingMessages('rb', 1500, 30));
    const a = await engineOn(config());
    await waitFor(() => a.health().ingest.received === 1500, 'first engine caught up');
    const b = await engineOn(config({ consumer: 'second-engine' }));
    await waitFor(() => b.health().ingest.received === 1500, 'fresh database rebuilt from the stream');
    expect(b.health().ingest.stored).toBe(1500);
  });

  it('reads a recreated stream from its start, and says so', async () => {
    await resetStream();
    const pub = new AckedPublisher(suite.nc);
    await pub.publishAll(readingMessages('old', 1200, 20));
    const cfg = config();
    let e = await engineOn(cfg);
    await waitFor(() => e.health().ingest.received === 1200, 'first stream ingested');
    await suite.stopEngine(e);
    await resetStream();
    await pub.publishAll(readingMessages('new', 300, 20));
    e = await engineOn(cfg);
    await waitFor(() => e.health().ingest.received === 1500 || null, 'the recreated stream read from its start');
    expect(e.health().ingest.stored).toBe(1500);
    expect(e.health().nats.lastError).toMatch(/recreated, reading it from the start/);
  });

  it('says which stream messages were removed before it read them (a purged stream), and reads on after them', async () => {
    await resetStream();
    const pub = new AckedPublisher(suite.nc);
    // 50 messages of 2 readings: the engine stores them, its position is 50
    await pub.publishAll(readingMessages('gp1', 100, 2));
    const cfg = config();
    let e = await engineOn(cfg);
    await waitFor(() => e.health().ingest.received === 100, 'first 50 messages');
    expect(e.health().nats.gap).toBeNull();
    await suite.stopEngine(e);
    // 40 more, then the operator purges everything below 81: 51..80 are gone before this engine read them
    await pub.publishAll(readingMessages('gp2', 80, 2));
    const jsm = await jetstreamManager(suite.nc);
    await jsm.streams.purge('CITY', { seq: 81 });
    e = await engineOn(cfg);
    await waitFor(() => e.health().ingest.received === 120 || null, 'the messages left after the purge');
    expect(e.health().nats.gap).toEqual({ from: 51, to: 80 });
    expect(e.health().nats.lastError).toMatch(/messages 51\.\.80 were removed from stream CITY/);
    expect(e.health().ingest.stored).toBe(120);
  });

  it('widens the OPS stream\'s duplicate window to the configured one (an older engine made it 2 minutes)', async () => {
    await resetStream();
    const cfg = config({ opsStream: 'OPS_WINDOW_TEST', opsDuplicateWindowS: 3_600 });
    const jsm = await jetstreamManager(suite.nc);
    // the other tests' engines made the default OPS stream on the same subjects
    await jsm.streams.delete(config().opsStream).catch(() => undefined);
    await jsm.streams.delete('OPS_WINDOW_TEST').catch(() => undefined);
    await jsm.streams.add({ name: 'OPS_WINDOW_TEST', subjects: ['ops.>'], duplicate_window: 120 * 1e9 });
    try {
      const e = await engineOn(cfg);
      await waitFor(async () => (await jsm.streams.info('OPS_WINDOW_TEST')).config.duplicate_window === 3_600 * 1e9 || null, 'window widened');
      await suite.stopEngine(e);
      // made afresh, it gets the configured window
      await jsm.streams.delete('OPS_WINDOW_TEST');
      const f = await engineOn(cfg);
      await waitFor(async () => (await jsm.streams.info('OPS_WINDOW_TEST').catch(() => null))?.config.duplicate_window === 3_600 * 1e9 || null, 'stream made with the window');
      await suite.stopEngine(f);
    } finally {
      await jsm.streams.delete('OPS_WINDOW_TEST').catch(() => undefined);
    }
  });

  it('reads only its scope: one domain filtered by the server, a district by the engine on a server before 2.10; a quiet scope is no stall', async () => {
    await resetStream();
    const pub = new AckedPublisher(suite.nc);
    const msgs = (domain: string, district: string, tag: string, n: number): { subject: string; body: string; msgId: string }[] =>
      Array.from({ length: n }, (_, i) => ({
        subject: `city.telemetry.${domain}.${district}.a${i % 3}`, msgId: `${tag}-m${i}`,
        body: JSON.stringify({ id: `${tag}-${i}`, ts: Date.now() - 1000, metric: 'lel_pct', value: i }),
      }));
    await pub.publishAll([...msgs('gas', '420303', 'g3', 40), ...msgs('gas', '420302', 'g2', 30), ...msgs('water', '420303', 'w3', 20)]);
    const gas = await engineOn(config({ consumer: 'scope-gas', scope: { domains: ['gas'], districts: null }, feedStallMs: 600 }));
    const d3 = await engineOn(config({ consumer: 'scope-420303', scope: { domains: null, districts: ['420303'] }, feedStallMs: 600 }));
    await waitFor(() => (gas.health().ingest.received === 70 && d3.health().ingest.received === 60) || null, 'each engine read its scope');
    expect(gas.health().nats.scope).toEqual({ domains: ['gas'], districts: null, filteredBy: 'server' });
    expect(d3.health().nats.scope).toEqual({ domains: null, districts: ['420303'], filteredBy: 'engine' });
    const rows = async (e: Engine): Promise<string[]> =>
      (await e.db.queryRows('SELECT DISTINCT domain || \'/\' || district AS k FROM readings ORDER BY k')).map((r) => String(r['k']));
    expect(await rows(gas)).toEqual(['gas/420302', 'gas/420303']);
    expect(await rows(d3)).toEqual(['gas/420303', 'water/420303']);
    // traffic outside the scope only: the district engine's feed is quiet, not stalled
    await pub.publishAll(msgs('gas', '420302', 'g2b', 30));
    await new Promise((r) => setTimeout(r, 2_000));
    await pub.publishAll(msgs('water', '420302', 'w2', 10));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(gas.health().ingest.received).toBe(100);
    expect(d3.health().ingest.received).toBe(60);
    expect(d3.health().nats.consumerRecreated).toBe(0);
    expect(gas.health().nats.consumerRecreated).toBe(0);
    // and one in its scope arrives as usual
    await pub.publishAll(msgs('heat', '420303', 'h3', 5));
    await waitFor(() => d3.health().ingest.received === 65 || null, 'the district engine reads on');
    expect(gas.health().ingest.received).toBe(100);
  });

  it('reconnects after nats-server is killed or stopped, and catches up without loss', async () => {
    await resetStream();
    const e = await engineOn(config());
    const pub = new AckedPublisher(suite.nc);
    let total = 0;
    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      const before = readingMessages(`nr-${signal}-a`, 2000, 25);
      await pub.publishAll(before);
      total += 2000;
      await suite.server.stop(signal);
      await waitFor(() => !e.health().nats.connected, `health shows the link down after ${signal}`);
      expect(e.health().ok).toBe(false);
      // publishing goes on while the server is down: the publisher retries until the server is back
      const during = pub.publishAll(readingMessages(`nr-${signal}-b`, 1000, 10));
      await new Promise((r) => setTimeout(r, 1500));
      await suite.server.restart();
      await during;
      total += 1000;
      await waitFor(() => e.health().nats.connected, 'reconnected');
      await waitFor(() => e.health().ingest.received === total, `caught up to ${total}`);
    }
    expect(e.health().ingest).toMatchObject({ received: total, stored: total, duplicates: 0 });
    expect(e.health().nats.reconnects).toBeGreaterThanOrEqual(2);
    const rows = await e.db.queryRows('SELECT count(*)::INTEGER AS n, count(DISTINCT msg_id)::INTEGER AS d FROM readings');
    expect(rows[0]).toEqual({ n: total, d: total });
  });

  it('quarantines every malformed kind mixed into valid traffic and stores every valid reading', async () => {
    await resetStream();
    const e = await engineOn(config());
    const pub = new AckedPublisher(suite.nc);
    const samples = malformedSamples(Date.now(), 'mx');
    const valid = readingMessages('mx-ok', 4000, 40);
    const mixed = valid.flatMap((m, i) => {
      const s = samples[i % samples.length];
      return i < samples.length && s ? [m, { subject: s.subject, body: '', raw: s.data, msgId: `mx-bad-${i}` }] : [m];
    });
    // raw bytes (invalid UTF-8 among them) go out through the core client: the stream captures them too
    for (const m of mixed) {
      if ('raw' in m) suite.nc.publish(m.subject, m.raw);
      else await pub.publishAll([m]);
    }
    await suite.nc.flush();
    const badRows = samples.reduce((n, s) => n + s.rows, 0);
    const goodInBad = samples.reduce((n, s) => n + s.validReadings, 0);
    await waitFor(() => e.health().ingest.received === 4000 + badRows + goodInBad, 'all received');
    expect(e.health().ingest).toMatchObject({ stored: 4000 + goodInBad, quarantined: badRows, duplicates: 0 });
    const q = await e.db.queryRows('SELECT reason, count(*)::INTEGER AS n FROM quarantine GROUP BY reason ORDER BY reason');
    const expected: Record<string, number> = {};
    for (const s of samples) expected[s.reason] = (expected[s.reason] ?? 0) + s.rows;
    expect(Object.fromEntries(q.map((r) => [r['reason'], r['n']]))).toEqual(expected);
    const bad = await e.db.queryRows("SELECT count(*)::INTEGER AS n FROM readings WHERE msg_id LIKE 'mx-%' AND msg_id NOT LIKE 'mx-ok-%' AND msg_id NOT LIKE 'mx-mix-%'");
    expect(bad[0]?.['n']).toBe(0);
    expect(e.health().ingest.running).toBe(true);
  });

  it('falls back to plain subscriptions, saying gaps are possible, when the stream is missing and may not be created', async () => {
    const jsm = await jetstreamManager(suite.nc);
    await jsm.streams.delete('CITY').catch(() => undefined);
    const e = await engineOn(config({ createStream: false }));
    expect(e.health().nats).toMatchObject({ mode: 'core', gapsPossible: true });
    expect(e.health().nats.lastError).toMatch(/gaps possible/);
    await new Promise((r) => setTimeout(r, 200));
    suite.nc.publish('city.telemetry.water.420302.p1', new TextEncoder().encode(JSON.stringify({ id: 'core-1', ts: Date.now(), metric: 'pressure_mpa', value: 0.3 })));
    await waitFor(() => e.health().ingest.stored === 1, 'stored through the plain subscription');
  });

  it('starts without NATS, says why it is not connected, and connects when the server appears', async () => {
    const { freePort } = await import('./natsServerProcess.js');
    const port = await freePort();
    const e = suite.track(await startEngine(config({ nats: { url: `nats://127.0.0.1:${port}` } })));
    await waitFor(() => /cannot connect/.test(e.health().nats.lastError ?? ''), 'the reason is reported');
    expect(e.health()).toMatchObject({ ok: false, nats: { connected: false } });
    const late = await NatsServerProcess.start({ port });
    try {
      await e.whenConnected();
      expect(e.health()).toMatchObject({ ok: true, nats: { connected: true, mode: 'jetstream' } });
      const lateNc = await connectNats({ url: late.url });
      await new AckedPublisher(lateNc).publishAll(readingMessages('late', 100, 10));
      await lateNc.close();
      await waitFor(() => e.health().ingest.stored === 100, 'stored from the server that appeared');
    } finally {
      await suite.stopEngine(e);
      await late.dispose();
    }
  });

  it('reads over WebSocket (ws://) as well as TCP', async () => {
    await resetStream();
    const e = await engineOn(config({ nats: { url: suite.server.wsUrl } }));
    await new AckedPublisher(suite.nc).publishAll(readingMessages('ws', 500, 50));
    await waitFor(() => e.health().ingest.stored === 500, 'stored over WebSocket');
    expect(e.health().nats.url).toBe(suite.server.wsUrl);
  });
});
