import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FeedFreshnessSchema, HealthSchema, QueryResultSchema, ServerMessageSchema, type ServerMessage } from '../../common/engineApi.js';
import { defaultEngineConfig, startEngine, type Engine } from '../engine.js';
import { MemoryFeed } from '../feeds/memorySource.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';
import { AccessTokens } from './access.js';
import { DEFAULT_SERVER, startServer, type RunningServer } from './httpServer.js';

const ADMIN = 'admin-token-0123456789abcdef';
const WALL = 'wall-token-0123456789abcdef';
const tmp = tempDir();
const feed = new MemoryFeed();
const audit: string[] = [];
let engine: Engine;
let server: RunningServer;
const enc = new TextEncoder();

beforeAll(async () => {
  engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/s.duckdb`, nats: null }), feed);
  const tokens = new AccessTokens();
  tokens.add(ADMIN, 'admin');
  tokens.add(WALL, 'wall');
  server = await startServer(engine, {
    ...DEFAULT_SERVER, port: 0, tokens, audit: (l) => audit.push(l),
    limits: { conflateAboveBytes: 64 * 1024, dropAboveBytes: 512 * 1024, maxSubscriptions: 8 },
  });
  const now = Date.now();
  await feed.publish('city.asset.gas.420303.st-1', enc.encode(JSON.stringify({ id: 'st-1', ts: now - 10_000, name: '张湾区燃气调压站1号', kind: 'regulator_station', lat: 32.65, lon: 110.77, owner: '十堰市燃气有限公司', supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局' })));
  await feed.publish('city.telemetry.gas.420303.st-1', enc.encode(JSON.stringify([1, 2, 3].map((i) => ({ id: `s-${i}`, ts: now - i * 1000, metric: 'lel_pct', value: i * 10 })))));
  await feed.publish('city.event.gas.420303', enc.encode(JSON.stringify({ id: 'ev-1', ts: now - 500, type: 'gas_leak', severity: 'red', title: '可燃气体二级报警', asset: 'st-1' })));
  await waitFor(() => engine.health().ingest.stored === 5, 'seed data stored');
  await engine.rollUp();
});
afterAll(async () => {
  await server?.close();
  await engine?.stop();
  tmp.remove();
});

class Client {
  readonly messages: ServerMessage[] = [];
  private nextId = 1;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.messages.push(ServerMessageSchema.parse(JSON.parse(d.toString()))));
  }
  static open(query: string, headers: Record<string, string> = {}): Promise<Client> {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/ws${query}`, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }
  async call(m: Record<string, unknown>): Promise<ServerMessage> {
    return this.callAs(this.nextId++, m);
  }
  /** Sends with a chosen id (an unsubscribe names its subscription) and waits for the answer sent after it. */
  async callAs(id: number, m: Record<string, unknown>): Promise<ServerMessage> {
    const from = this.messages.length;
    this.ws.send(JSON.stringify({ ...m, id }));
    return waitFor(() => this.messages.slice(from).find((x) => x.t === 'result' && x.id === id), `result ${id}`);
  }
  pushes(id: number, from = 0): unknown[] {
    return this.messages.slice(from).flatMap((m) => (m.t === 'push' && m.id === id ? [m.data] : []));
  }
}

/** The columns of a successful query result (the test fails on anything else). */
function columnsOf(r: ServerMessage): Record<string, unknown[]> {
  if (r.t !== 'result' || !r.ok) throw new Error(`not a successful result: ${JSON.stringify(r)}`);
  return QueryResultSchema.parse(r.data).columns;
}

/** The data of a successful answer that is not a column set (health, feeds). */
async function resultData(r: Promise<ServerMessage>): Promise<unknown> {
  const m = await r;
  if (m.t !== 'result' || !m.ok) throw new Error(`not a successful result: ${JSON.stringify(m)}`);
  return m.data;
}

/** One row of a columnar result, by the value of its key column. */
function rowOf(cols: Record<string, unknown[]>, key: string, value: unknown): Record<string, unknown> {
  const i = (cols[key] ?? []).indexOf(value);
  if (i < 0) throw new Error(`no row with ${key} = ${String(value)} in ${JSON.stringify(cols)}`);
  return Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v[i]]));
}

describe('GET /api/health', () => {
  it('answers the contract fields without a token', async () => {
    const h = (await (await fetch(`${server.url}/api/health`)).json()) as Record<string, unknown>;
    expect(h).toMatchObject({ ok: true, nats: { connected: true }, ingest: { received: 5, stored: 5, quarantined: 0, duplicates: 0 } });
  });
  it('refuses other API paths without a token', async () => {
    expect((await fetch(`${server.url}/api/alarms`)).status).toBe(401);
  });
});

describe('the engine API over WebSocket', () => {
  it('refuses a foreign Origin, a missing token and a wrong token, and audits each', async () => {
    await expect(Client.open(`?token=${ADMIN}`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(Client.open('')).rejects.toThrow('HTTP 401');
    await expect(Client.open('?token=wrong-token-0123456789abcdef')).rejects.toThrow('HTTP 401');
    expect(audit.filter((l) => l.startsWith('refused WebSocket')).length).toBeGreaterThanOrEqual(3);
  });

  it('accepts its own origin and a bearer token, and answers named queries with provenance', async () => {
    const c = await Client.open('', { origin: server.url, authorization: `Bearer ${ADMIN}` });
    await waitFor(() => c.messages.find((m) => m.t === 'hello'), 'hello');
    const r = await c.call({ t: 'query', name: 'series', params: { metric: 'lel_pct', domain: 'gas', resolution: '10s' } });
    expect(r).toMatchObject({ ok: true, data: { provenance: { query: 'series', subjects: 'city.telemetry.gas.*.*' } } });
    const cols = (r as { data: { columns: Record<string, number[]> } }).data.columns;
    expect(cols['n']?.reduce((a, b) => a + b, 0)).toBe(3);
    const asset = await c.call({ t: 'query', name: 'asset', params: { domain: 'gas', district: '420303', asset: 'st-1' } });
    expect(asset).toMatchObject({ ok: true, data: { columns: { owner: ['十堰市燃气有限公司'], supervisor: ['十堰市住房和城乡建设局'] } } });
    const events = await c.call({ t: 'query', name: 'events', params: { severity: 'red' } });
    expect(events).toMatchObject({ ok: true, data: { columns: { id: ['ev-1'] } } });
    c.ws.close();
  });

  it('answers the registry, freshness and summary queries with what was ingested', async () => {
    const c = await Client.open(`?token=${ADMIN}`);
    const q = (name: string, params: Record<string, unknown> = {}): Promise<ServerMessage> => c.call({ t: 'query', name, params });

    const kpis = rowOf(columnsOf(await q('kpis', { windowS: 3600 })), 'domain', 'gas');
    expect(kpis).toMatchObject({ assets: 1, reporting: 1, readings: 3, events_1h: 1, severe_events_1h: 1 });
    expect(kpis['readings_per_s']).toBeCloseTo(3 / 3600);
    expect(rowOf(columnsOf(await q('kpis')), 'domain', 'water')).toMatchObject({ assets: 0, readings: 0, events_1h: 0 });

    // the newest of the three readings (s-1, value 10), not the largest or the first stored
    const latest = columnsOf(await q('latest'));
    expect(latest).toMatchObject({ domain: ['gas'], district: ['420303'], asset: ['st-1'], metric: ['lel_pct'], value: [10] });
    expect(latest['ts']?.[0]).toBeGreaterThan(Date.now() - 60_000);

    expect(columnsOf(await q('assets', { domain: 'gas' }))).toMatchObject({
      domain: ['gas'], district: ['420303'], asset: ['st-1'], name: ['张湾区燃气调压站1号'], kind: ['regulator_station'],
      lat: [32.65], lon: [110.77], owner: ['十堰市燃气有限公司'], approver: ['十堰市住房和城乡建设局'],
    });

    const districts = rowOf(columnsOf(await q('districts')), 'district', '420303');
    expect(districts).toMatchObject({ assets: 1, events: 1, red: 1, orange: 0, yellow: 0, blue: 0, failed_inspections: 0 });

    const feeds = FeedFreshnessSchema.array().parse(await resultData(q('feeds')));
    expect(feeds.map((f) => `${f.kind}.${f.domain}.${f.district}`).sort()).toEqual(['asset.gas.420303', 'event.gas.420303', 'telemetry.gas.420303']);
    expect(feeds.every((f) => f.state === 'fresh' && f.messages === 1)).toBe(true);
    expect(feeds.find((f) => f.kind === 'telemetry')?.lastTsMs).toBe(latest['ts']?.[0]);

    const health = HealthSchema.parse(await resultData(q('health')));
    expect(health.ingest).toMatchObject({ received: 5, stored: 5, quarantined: 0 });
    expect(health.feeds).toMatchObject({ fresh: 3, late: 0, silent: 0 });

    // nothing failed or was refused yet: both lists are empty, with their columns
    expect(columnsOf(await q('inspections'))).toMatchObject({ id: [], result: [] });
    expect(columnsOf(await q('quarantine'))).toMatchObject({ reason: [], subject: [] });
    // a failed inspection and a message that is not JSON, then both lists hold them
    const now = Date.now();
    await feed.publish('city.inspection.gas.420303', enc.encode(JSON.stringify({ id: 'in-1', ts: now - 200, asset: 'st-1', item: '阀门', result: 'fail', level: 'major', inspector: '张工' })));
    await feed.publish('city.telemetry.gas.420303.st-1', enc.encode('{"id": "s-9", '));
    await waitFor(() => engine.health().ingest.stored === 6 && engine.health().ingest.quarantined === 1, 'inspection stored, garbage quarantined');
    expect(columnsOf(await q('inspections', { result: 'fail' }))).toMatchObject({ id: ['in-1'], asset: ['st-1'], item: ['阀门'], result: ['fail'], level: ['major'], inspector: ['张工'] });
    expect(columnsOf(await q('inspections', { result: 'pass' }))).toMatchObject({ id: [] });
    expect(columnsOf(await q('quarantine'))).toMatchObject({ subject: ['city.telemetry.gas.420303.st-1'], reason: ['invalid_json'], payload: ['{"id": "s-9", '] });
    expect(rowOf(columnsOf(await q('districts')), 'district', '420303')).toMatchObject({ failed_inspections: 1 });
    c.ws.close();
  });

  it('answers bad requests with an error and stays open', async () => {
    const c = await Client.open(`?token=${WALL}`);
    expect(await c.call({ t: 'query', name: 'nope' })).toMatchObject({ ok: false, error: { code: 'unknown_name' } });
    expect(await c.call({ t: 'query', name: 'series', params: { metric: 'DROP TABLE' } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    c.ws.send('not json');
    await waitFor(() => c.messages.find((m) => m.t === 'result' && !m.ok && m.error.code === 'bad_request' && m.id === 0), 'error for garbage');
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  it('refuses and audits a command from a read-only wall, and runs it for an administrator', async () => {
    const wall = await Client.open(`?token=${WALL}`);
    expect(await wall.call({ t: 'command', name: 'db.checkpoint', args: {} })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(audit).toContain('refused command db.checkpoint from role wall');
    const admin = await Client.open(`?token=${ADMIN}`);
    expect(await admin.call({ t: 'command', name: 'db.checkpoint', args: {} })).toMatchObject({ ok: true });
    wall.ws.close();
    admin.ws.close();
  });

  it("sets a connection's clock back: queries and the ops push answer as of it, operator actions are refused, live pushes stop; null returns to live", async () => {
    const c = await Client.open(`?token=${ADMIN}`);
    const wall = await Client.open(`?token=${WALL}`);
    const evTs = Number(columnsOf(await c.call({ t: 'query', name: 'events', params: {} }))['ts']?.[0]);
    const opsSub = 900;
    await c.callAs(opsSub, { t: 'subscribe', topic: 'ops', params: {} });
    const back = evTs - 1;
    const set = await c.call({ t: 'command', name: 'clock.set', args: { atMs: back } });
    expect(set).toMatchObject({ t: 'result', ok: true, data: { live: false, atMs: back } });
    // the event came after the instant: not there; the other connection is still live
    expect(columnsOf(await c.call({ t: 'query', name: 'events', params: {} }))['id']).toEqual([]);
    expect(columnsOf(await wall.call({ t: 'query', name: 'events', params: {} }))['id']).toEqual(['ev-1']);
    // the ops topic pushes the picture as of the instant
    await waitFor(() => (c.pushes(opsSub) as { atMs: number }[]).some((p) => p.atMs === back) || null, 'a picture as of the instant');
    const refused = await c.call({ t: 'command', name: 'ops', args: { kind: 'hazard.comment', hazard: 'none', text: 'x' } });
    expect(refused).toMatchObject({ t: 'result', ok: false, error: { code: 'forbidden' } });
    expect(JSON.stringify(refused)).toContain('msg_replay_no_action');
    // a wall may look back too
    expect(await wall.call({ t: 'command', name: 'clock.set', args: { atMs: back } })).toMatchObject({ ok: true, data: { live: false } });
    // bad instants are refused
    expect(await c.call({ t: 'command', name: 'clock.set', args: { atMs: 'yesterday' } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await c.call({ t: 'command', name: 'clock.set', args: { atMs: 1e300 } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // live pushes stop while in replay: a new event reaches a live connection, not this one
    const live = await Client.open(`?token=${ADMIN}`);
    await c.callAs(901, { t: 'subscribe', topic: 'events', params: {} });
    await live.callAs(902, { t: 'subscribe', topic: 'events', params: {} });
    await feed.publish('city.event.gas.420303', enc.encode(JSON.stringify({ id: 'ev-clock', ts: Date.now(), type: 'gas_leak', severity: 'yellow', title: '巡查发现', asset: 'st-1' })));
    await waitFor(() => live.pushes(902).length > 0 || null, 'the live connection gets the event');
    expect(c.pushes(901)).toEqual([]);
    // back to live
    expect(await c.call({ t: 'command', name: 'clock.set', args: { atMs: null } })).toMatchObject({ ok: true, data: { live: true } });
    expect(columnsOf(await c.call({ t: 'query', name: 'events', params: {} }))['id']).toEqual(['ev-clock', 'ev-1']);
    c.ws.close();
    wall.ws.close();
    live.ws.close();
  });

  it('closes the connection on a frame larger than the limit', async () => {
    const c = await Client.open(`?token=${ADMIN}`);
    const closed = new Promise<number>((r) => c.ws.once('close', (code) => r(code)));
    c.ws.send(JSON.stringify({ t: 'query', id: 1, name: 'health', params: { pad: 'x'.repeat(100 * 1024) } }));
    expect(await closed).toBe(1009);
    expect(audit.some((l) => l.includes('Max payload size exceeded'))).toBe(true);
  });

  it('pushes subscriptions until unsubscribed, and nothing for them afterwards', async () => {
    const c = await Client.open(`?token=${WALL}`);
    const health = 101;
    const events = 102;
    expect(await c.callAs(health, { t: 'subscribe', topic: 'health', params: { intervalMs: 250 } })).toMatchObject({ ok: true });
    await waitFor(() => c.pushes(health).length >= 2, 'two health pushes');
    expect(await c.callAs(events, { t: 'subscribe', topic: 'events', params: { domain: 'gas' } })).toMatchObject({ ok: true });
    await feed.publish('city.event.gas.420303', enc.encode(JSON.stringify({ id: 'ev-2', ts: Date.now(), type: 'gas_leak', severity: 'orange', title: '一级报警' })));
    await waitFor(() => JSON.stringify(c.pushes(events)).includes('ev-2'), 'event pushed');

    expect(await c.callAs(health, { t: 'unsubscribe' })).toMatchObject({ ok: true });
    const afterHealth = c.messages.length;
    // the other subscription goes on: a new event still arrives while health stays quiet for many intervals
    await feed.publish('city.event.gas.420303', enc.encode(JSON.stringify({ id: 'ev-3', ts: Date.now(), type: 'gas_leak', severity: 'yellow', title: '低限报警' })));
    await waitFor(() => JSON.stringify(c.pushes(events, afterHealth)).includes('ev-3'), 'event pushed after the other unsubscribe');
    await new Promise((r) => setTimeout(r, 1_200));
    expect(c.pushes(health, afterHealth)).toEqual([]);

    expect(await c.callAs(events, { t: 'unsubscribe' })).toMatchObject({ ok: true });
    const afterEvents = c.messages.length;
    const stored = engine.health().ingest.stored;
    await feed.publish('city.event.gas.420303', enc.encode(JSON.stringify({ id: 'ev-4', ts: Date.now(), type: 'gas_leak', severity: 'red', title: '二级报警' })));
    await waitFor(() => engine.health().ingest.stored > stored, 'ev-4 committed');
    // a round trip after the commit: a push sent for ev-4 would have arrived before this answer
    await c.call({ t: 'query', name: 'health', params: {} });
    expect(c.pushes(events, afterEvents)).toEqual([]);

    // an id with no subscription (never made, or already gone) is not silently answered ok
    expect(await c.callAs(9_999, { t: 'unsubscribe' })).toMatchObject({ ok: false, error: { code: 'unknown_name' } });
    expect(await c.callAs(health, { t: 'unsubscribe' })).toMatchObject({ ok: false, error: { code: 'unknown_name' } });
    c.ws.close();
  });

  it('drops a client that stops reading instead of buffering without bound', async () => {
    for (let i = 0; i < 300; i++) {
      await feed.publish(`city.asset.park.420302.park-${i}`, enc.encode(JSON.stringify({ id: `park-${i}`, ts: Date.now() - 1000, name: `茅箭区城市公园${i}号`, kind: 'park', lat: 32.6, lon: 110.8, owner: '十堰市园林绿化管理处', supervisor: '十堰市城市管理执法委员会' })));
    }
    await waitFor(() => engine.health().ingest.stored >= 306, 'assets stored');
    const c = await Client.open(`?token=${ADMIN}`);
    const closed = new Promise<void>((r) => c.ws.once('close', () => r()));
    // stop reading: the socket's receive side is paused, so the server's send buffer fills
    c.ws.pause();
    (c.ws as unknown as { _socket: { pause: () => void } })._socket.pause();
    for (let i = 0; i < 4; i++) c.ws.send(JSON.stringify({ t: 'subscribe', id: 5000 + i, topic: 'health', params: { intervalMs: 250 } }));
    // queries in waves as its earlier ones are answered (the engine runs only a few per client at once)
    let next = 1000;
    const waves = setInterval(() => {
      for (let i = 0; i < 4; i++) c.ws.send(JSON.stringify({ t: 'query', id: next++, name: 'assets', params: { limit: 20000 } }));
    }, 20);
    await waitFor(() => audit.some((l) => l.startsWith('dropped a slow client')), 'slow client dropped', 60_000).finally(() => clearInterval(waves));
    c.ws.resume();
    (c.ws as unknown as { _socket: { resume: () => void } })._socket.resume();
    await closed;
  });
});
