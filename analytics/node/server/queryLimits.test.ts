import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ServerMessageSchema, type ServerMessage } from '../../common/engineApi.js';
import { defaultEngineConfig, startEngine, type Engine } from '../engine.js';
import { MemoryFeed } from '../feeds/memorySource.js';
import { DEFAULT_QUERY_LIMITS } from '../queries/queryGate.js';
import { Database } from '../store/database.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';
import { AccessTokens } from './access.js';
import { DEFAULT_SERVER, startServer, type RunningServer } from './httpServer.js';

const WALL = 'wall-token-0123456789abcdef';
const LIMITS = { ...DEFAULT_QUERY_LIMITS, maxInFlight: 4, maxInFlightPerClient: 2 };
const ASSETS = 5000;
const tmp = tempDir();
const feed = new MemoryFeed();
let engine: Engine;
let server: RunningServer;
const enc = new TextEncoder();

beforeAll(async () => {
  engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/q.duckdb`, nats: null, queries: LIMITS }), feed);
  const tokens = new AccessTokens();
  tokens.add(WALL, 'wall');
  server = await startServer(engine, { ...DEFAULT_SERVER, port: 0, tokens, audit: () => undefined });
  const ts = Date.now() - 10_000;
  for (let i = 0; i < ASSETS; i++) {
    await feed.publish(`city.asset.water.420302.hydrant-${i}`, enc.encode(JSON.stringify({
      id: `hydrant-${i}`, ts, name: `茅箭区市政消火栓${i}号（人民北路与北京路交叉口东南角）`, kind: 'hydrant', lat: 32.6, lon: 110.8,
      owner: '十堰市水务集团有限公司', supervisor: '十堰市城市管理执法委员会', attrs: { caliber_mm: 150, note: '维护记录见市政设施台账'.repeat(4) },
    })));
  }
  await waitFor(() => engine.health().ingest.stored === ASSETS, 'assets stored');
});
afterAll(async () => {
  await server?.close();
  await engine?.stop();
  tmp.remove();
});

function open(): Promise<{ ws: WebSocket; results: Map<number, ServerMessage> }> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/ws?token=${WALL}`);
  const results = new Map<number, ServerMessage>();
  ws.on('message', (d) => {
    const m = ServerMessageSchema.parse(JSON.parse(d.toString()));
    if (m.t === 'result') results.set(m.id, m);
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, results }));
    ws.once('error', reject);
  });
}

const codeOf = (m: ServerMessage | undefined): string => (m?.t === 'result' ? (m.ok ? 'ok' : m.error.code) : 'none');

describe('queries are bounded by configuration, not by the client', () => {
  it('answers a burst of 2,000 queries from one client with at most the configured number running, the rest busy', async () => {
    const c = await open();
    let peakInFlight = 0;
    let peakRss = 0;
    const rss0 = process.memoryUsage().rss;
    const sample = setInterval(() => {
      peakInFlight = Math.max(peakInFlight, engine.health().server.queriesInFlight);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 5);
    const healthAnswers: number[] = [];
    const polling = (async () => {
      while (c.results.size < 2000) {
        const r = await fetch(`${server.url}/api/health`);
        healthAnswers.push(r.status);
      }
    })();
    for (let i = 1; i <= 2000; i++) c.ws.send(JSON.stringify({ t: 'query', id: i, name: 'assets', params: { limit: 20_000 } }));
    await waitFor(() => c.results.size === 2000, 'every query answered');
    await polling;
    clearInterval(sample);
    const codes = [...c.results.values()].map(codeOf);
    const ok = codes.filter((x) => x === 'ok').length;
    const busy = codes.filter((x) => x === 'busy').length;
    expect(ok + busy).toBe(2000);
    expect(ok).toBeGreaterThan(0);
    expect(busy).toBeGreaterThan(0);
    expect(peakInFlight).toBeLessThanOrEqual(LIMITS.maxInFlightPerClient);
    expect(engine.health().server.queriesRefusedBusy).toBeGreaterThanOrEqual(busy);
    expect(healthAnswers.length).toBeGreaterThan(0);
    expect(healthAnswers.every((s) => s === 200)).toBe(true);
    // without the limits the same burst took this process from ~250 MB to 2.1 GB
    expect(peakRss - rss0).toBeLessThan(400 * 1024 * 1024);
    const ok1 = [...c.results.values()].find((m) => m.t === 'result' && m.ok);
    expect(ok1).toMatchObject({ data: { columns: { asset: expect.any(Array) } } });
    c.ws.close();
  });

  it('caps the whole engine too: many clients get busy beyond maxInFlight, never more running', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => open()));
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, engine.queries.inFlight)), 2);
    for (const c of clients) for (let i = 1; i <= 2; i++) c.ws.send(JSON.stringify({ t: 'query', id: i, name: 'assets', params: { limit: 20_000 } }));
    await waitFor(() => clients.every((c) => c.results.size === 2), 'all answered');
    clearInterval(sample);
    expect(peak).toBeLessThanOrEqual(LIMITS.maxInFlight);
    const codes = clients.flatMap((c) => [...c.results.values()].map(codeOf));
    expect(codes.every((x) => x === 'ok' || x === 'busy')).toBe(true);
    for (const c of clients) c.ws.close();
  });

  it('stops the work of a client that leaves', async () => {
    const c = await open();
    for (let i = 1; i <= 50; i++) c.ws.send(JSON.stringify({ t: 'query', id: i, name: 'assets', params: { limit: 20_000 } }));
    c.ws.terminate();
    await waitFor(() => engine.queries.inFlight === 0, 'nothing left running');
    // and the engine goes on answering others
    const d = await open();
    d.ws.send(JSON.stringify({ t: 'query', id: 1, name: 'kpis', params: {} }));
    await waitFor(() => d.results.get(1), 'answer');
    expect(codeOf(d.results.get(1))).toBe('ok');
    d.ws.close();
  });

  it('answers unknown names (prototype keys included) as unknown_name and extreme instants as bad_request', async () => {
    const c = await open();
    const ask = async (id: number, m: Record<string, unknown>): Promise<string> => {
      c.ws.send(JSON.stringify({ ...m, id }));
      return codeOf(await waitFor(() => c.results.get(id), `answer ${id}`));
    };
    let id = 0;
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(await ask(++id, { t: 'query', name }), `query ${name}`).toBe('unknown_name');
      expect(await ask(++id, { t: 'command', name, args: {} }), `command ${name}`).toBe('unknown_name');
      expect(await ask(++id, { t: 'subscribe', topic: name }), `topic ${name}`).toBe('unknown_name');
    }
    expect(await ask(++id, { t: 'query', name: 'series', params: { metric: 'lel_pct', fromMs: -1e300 } })).toBe('bad_request');
    expect(await ask(++id, { t: 'query', name: 'events', params: { toMs: 1e20 } })).toBe('bad_request');
    expect(await ask(++id, { t: 'query', name: 'handover', params: { fromMs: -1e300, toMs: 1e300 } })).toBe('bad_request');
    expect(await ask(++id, { t: 'query', name: 'assets', params: JSON.parse('{"__proto__": {"limit": 1}, "limit": 2}') as unknown })).toBe('ok');
    // the widest instants a Date holds are still answered
    expect(await ask(++id, { t: 'query', name: 'events', params: { fromMs: -8.64e15, toMs: 8.64e15 } })).toBe('ok');
    expect(engine.health().server.handlerErrors).toBe(0);
    c.ws.close();
  });
});

describe('a query that passes its time limit or its size cap', () => {
  it('is interrupted and answered timeout; the engine answers the next one', async () => {
    const e = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/t.duckdb`, nats: null, queries: { ...LIMITS, timeoutMs: 1 } }), new MemoryFeed());
    try {
      await expect(e.query('kpis', {})).rejects.toMatchObject({ code: 'timeout' });
      expect(e.health().server.queriesTimedOut).toBe(1);
      await waitFor(() => e.queries.inFlight === 0, 'the interrupted query ended');
    } finally {
      await e.stop();
    }
  });

  it('is answered too_large when its result is bigger than the cap', async () => {
    const small = { ...engine.config.queries };
    const q = engine.config.queries as { maxResultBytes: number };
    q.maxResultBytes = 10_000;
    try {
      const c = await open();
      c.ws.send(JSON.stringify({ t: 'query', id: 1, name: 'assets', params: { limit: 20_000 } }));
      c.ws.send(JSON.stringify({ t: 'query', id: 2, name: 'assets', params: { limit: 1 } }));
      await waitFor(() => c.results.size === 2, 'answers');
      expect(codeOf(c.results.get(1))).toBe('too_large');
      expect(codeOf(c.results.get(2))).toBe('ok');
      c.ws.close();
    } finally {
      q.maxResultBytes = small.maxResultBytes;
    }
  });
});

describe('the read connections', () => {
  it('interrupt a long query on abort and stay usable', async () => {
    const db = await Database.open(`${tmp.dir}/pool.duckdb`, { threads: 1, readers: 1 });
    try {
      const ac = new AbortController();
      // minutes of work on one thread if nothing interrupts it
      const slow = db.queryRows('SELECT count(*) AS n FROM range(100000000000) a', {}, { signal: ac.signal });
      await new Promise((r) => setTimeout(r, 200));
      ac.abort(new Error('client left'));
      await expect(slow).rejects.toThrow(/interrupt/i);
      expect(await db.queryRows('SELECT 42 AS x')).toEqual([{ x: 42 }]);
    } finally {
      db.close();
    }
  });
});

describe('answers follow the contract whatever the client sent', () => {
  it('shares the live correlation among the screens that poll it: one answer within 10 s, a question with its own window computed apart', async () => {
    const a = await engine.query('correlation', { limit: 50 });
    await new Promise((r) => setTimeout(r, 5));
    const b = await engine.query('correlation', { limit: 50 });
    // the same computation: the same instant and the same measured time
    expect(b.toMs).toBe(a.toMs);
    expect(b.elapsedMs).toBe(a.elapsedMs);
    const other = await engine.query('correlation', { limit: 10 });
    expect(other.toMs).toBeGreaterThan(a.toMs);
    const own = await engine.query('correlation', { limit: 50, toMs: Date.now() });
    expect(own.toMs).toBeGreaterThan(a.toMs);
  });

  it('echoes an id only when the contract allows it', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/ws?token=${WALL}`);
    const raw: unknown[] = [];
    ws.on('message', (d) => raw.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    for (const id of [-1, 1.5, 1e300, 2 ** 60, 'x', null]) ws.send(JSON.stringify({ t: 'query', id, name: 'kpis' }));
    await waitFor(() => raw.length >= 7, 'hello and six answers');
    for (const m of raw) expect(ServerMessageSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
    expect(raw.slice(1)).toEqual(Array.from({ length: 6 }, () => expect.objectContaining({ t: 'result', id: 0, ok: false })));
    ws.close();
  });
});

describe('the read-only HTTP API under the same limits', () => {
  it('answers 503 busy when the engine is full, and 413 when the answer is too large', async () => {
    const q = engine.config.queries as { maxResultBytes: number };
    const cap = q.maxResultBytes;
    q.maxResultBytes = 1024;
    try {
      const r = await fetch(`${server.url}/api/risks?limit=20000`, { headers: { authorization: `Bearer ${WALL}` } });
      expect(r.status).toBe(413);
      expect(await r.json()).toMatchObject({ code: 'too_large' });
    } finally {
      q.maxResultBytes = cap;
    }
    const gate = engine.queries as unknown as { inFlight: number };
    const held = gate.inFlight;
    gate.inFlight = LIMITS.maxInFlight;
    try {
      const r = await fetch(`${server.url}/api/alarms`, { headers: { authorization: `Bearer ${WALL}` } });
      expect(r.status).toBe(503);
      expect(await r.json()).toMatchObject({ code: 'busy' });
    } finally {
      gate.inFlight = held;
    }
    expect((await fetch(`${server.url}/api/alarms`, { headers: { authorization: `Bearer ${WALL}` } })).status).toBe(200);
  });
});

describe('answers held in memory (the wall\'s trends, KPIs, latest values) under a flood', () => {
  it('a wall-token client sending 6,000 of them at once does not stop ingest, and health is answered meanwhile', async () => {
    // readings for the trends first, rolled up: the district trends are then answered from memory
    const now = Date.now();
    for (let m = 0; m < 20; m++) {
      const readings = Array.from({ length: 50 }, (_, k) => ({ id: `flood-pre-${m}-${k}`, ts: now - 60_000 * (m + 1) - k, metric: 'pressure_mpa', value: k / 10 }));
      await feed.publish(`city.telemetry.water.42030${m % 8}.main-${m}`, enc.encode(JSON.stringify(readings)));
    }
    await waitFor(() => engine.health().ingest.stored >= ASSETS + 1000 || null, 'readings stored');
    await engine.rollUp();
    const answered0 = engine.liveSeries.answered;
    const c = await open();
    const names = [
      { name: 'series', params: { metric: 'pressure_mpa', domain: 'water', resolution: '1m' } },
      { name: 'series', params: { metric: 'pressure_mpa', resolution: '1h' } },
      { name: 'kpis', params: {} },
      { name: 'latest', params: { domain: 'water' } },
    ];
    const stored0 = engine.health().ingest.stored;
    const healthAnswers: number[] = [];
    const polling = (async () => {
      while (c.results.size < 6000 && healthAnswers.length < 10_000) healthAnswers.push((await fetch(`${server.url}/api/health`)).status);
    })();
    for (let i = 1; i <= 6000; i++) c.ws.send(JSON.stringify({ t: 'query', id: i, ...names[i % names.length] }));
    // ingest goes on while the flood is answered
    for (let m = 0; m < 20; m++) {
      const readings = Array.from({ length: 50 }, (_, k) => ({ id: `flood-during-${m}-${k}`, ts: now - 1000 - k, metric: 'pressure_mpa', value: k }));
      await feed.publish(`city.telemetry.water.420302.during-${m}`, enc.encode(JSON.stringify(readings)));
    }
    await waitFor(() => engine.health().ingest.stored >= stored0 + 1000 || null, 'the readings sent during the flood stored');
    await waitFor(() => c.results.size === 6000, 'every query answered');
    await polling;
    const codes = [...c.results.values()].map(codeOf);
    expect(codes.filter((x) => x === 'ok' || x === 'busy')).toHaveLength(6000);
    // the per-client bound still holds: what arrives beyond it is answered busy
    expect(codes.filter((x) => x === 'ok').length).toBeGreaterThan(0);
    expect(healthAnswers.length).toBeGreaterThan(0);
    expect(healthAnswers.every((s) => s === 200)).toBe(true);
    // asked one after the other (a wall's pace), every one is answered, the district trends from memory
    for (let i = 6001; i <= 6200; i++) {
      c.ws.send(JSON.stringify({ t: 'query', id: i, ...names[i % names.length] }));
      expect(codeOf(await waitFor(() => c.results.get(i), `answer ${i}`))).toBe('ok');
    }
    expect(engine.liveSeries.answered - answered0).toBeGreaterThanOrEqual(100);
    c.ws.close();
  });
});
