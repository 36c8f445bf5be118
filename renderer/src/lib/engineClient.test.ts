import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { defaultEngineConfig, startEngine, type Engine } from '../../../analytics/node/engine';
import { MemoryFeed } from '../../../analytics/node/feeds/memorySource';
import { AccessTokens } from '../../../analytics/node/server/access';
import { DEFAULT_SERVER, startServer, type RunningServer } from '../../../analytics/node/server/httpServer';
import { tempDir, waitFor } from '../../../dev/testing/harness';
import { EngineClient } from './engineClient.svelte';

const WALL = 'wall-token-0123456789abcdef';
const tmp = tempDir();
let engine: Engine;
let server: RunningServer;
let port = 0;

async function serve(): Promise<RunningServer> {
  const tokens = new AccessTokens();
  tokens.add(WALL, 'wall');
  return startServer(engine, { ...DEFAULT_SERVER, port, tokens, audit: () => undefined });
}

beforeAll(async () => {
  // the wall's client runs in a browser; here the ws package plays the browser's WebSocket
  (globalThis as { WebSocket?: unknown }).WebSocket = NodeWebSocket;
  engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/c.duckdb`, nats: null }), new MemoryFeed());
  server = await serve();
  port = server.port;
});
afterAll(async () => {
  await server?.close();
  await engine?.stop();
  tmp.remove();
});

describe('the wall\'s engine client', () => {
  it('reconnects by itself after the engine goes away, re-subscribes and answers queries again', async () => {
    const client = new EngineClient(`ws://127.0.0.1:${port}/api/ws?token=${WALL}`);
    try {
      await waitFor(() => client.state === 'open', 'open');
      await waitFor(() => client.health !== null, 'first health push');
      expect((await client.query('kpis', {})).provenance.query).toBe('kpis');
      await server.close();
      await waitFor(() => client.state === 'down', 'down after the engine went away');
      await expect(client.query('kpis', {})).rejects.toThrow(/link down/);
      client.health = null;
      server = await serve();
      await waitFor(() => client.state === 'open', 'open again', 30_000);
      expect(client.reconnects).toBeGreaterThanOrEqual(1);
      // the health subscription was made again without anyone asking
      await waitFor(() => client.health !== null, 'health pushed again after reconnecting');
      expect((await client.query('kpis', {})).provenance.query).toBe('kpis');
    } finally {
      client.close();
    }
  });

  it('asks again when the engine is busy, so a wall never shows a busy refusal as an error', async () => {
    const client = new EngineClient(`ws://127.0.0.1:${port}/api/ws?token=${WALL}`);
    try {
      await waitFor(() => client.state === 'open', 'open');
      const gate = engine.queries as unknown as { inFlight: number };
      // the engine is full for a moment: the client's queries are refused busy, then asked again
      gate.inFlight += engine.config.queries.maxInFlight;
      // (a store query: answers held in memory, such as the KPIs, are given without a place in the gate)
      const answers = Promise.all(Array.from({ length: 12 }, () => client.query('events', {})));
      setTimeout(() => (gate.inFlight -= engine.config.queries.maxInFlight), 400);
      const results = await answers;
      expect(results.every((r) => r.provenance.query === 'events')).toBe(true);
      expect(engine.health().server.queriesRefusedBusy).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });

  it('replays at the instant the engine confirmed, asks for it again after reconnecting, and returns to live', async () => {
    const client = new EngineClient(`ws://127.0.0.1:${port}/api/ws?token=${WALL}`);
    try {
      await waitFor(() => client.state === 'open', 'open');
      const at = Date.now() - 60_000;
      const st = await client.setClock(at);
      expect(st.live).toBe(false);
      // the engine keeps the instant within what it can replay: the client takes the instant it answered
      expect(client.replayAtMs).toBe(st.atMs);
      expect(client.now()).toBe(st.atMs);
      expect(client.cursorVersion).toBe(1);
      await server.close();
      await waitFor(() => client.state === 'down', 'down');
      server = await serve();
      // a new connection starts live: the client sets its clock again before anything else
      await waitFor(() => client.cursorVersion === 2 || null, 'the instant confirmed again after reconnecting', 30_000);
      // an engine without history replays only its now, which moved on meanwhile: still an instant, not live
      expect(client.replayAtMs).not.toBeNull();
      expect(client.replayAtMs ?? 0).toBeGreaterThanOrEqual(st.atMs);
      const live = await client.setClock(null);
      expect(live.live).toBe(true);
      expect(client.replayAtMs).toBeNull();
      expect(client.cursorVersion).toBe(3);
      expect(Math.abs(client.now() - Date.now())).toBeLessThan(60_000);
      // live to live moves nothing
      await client.setClock(null);
      expect(client.cursorVersion).toBe(3);
    } finally {
      client.close();
    }
  });
});
