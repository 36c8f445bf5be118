import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { Database } from '../../analytics/node/store/database.js';
import { builtCli, EngineProcess } from '../testing/engineProcess.js';
import { tempDir, waitFor } from '../testing/harness.js';
import { AckedPublisher, readingMessages } from '../testing/jsPublisher.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';

let server: NatsServerProcess;
let nc: NatsConnection;
const tmp = tempDir();
const WALL = 'wall-token-0123456789abcdef';

beforeAll(async () => {
  server = await NatsServerProcess.start();
  nc = await connectNats({ url: server.url });
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
  tmp.remove();
});

/** A client that keeps the engine's query gate full: waves of queries, answers ignored. */
function hammer(url: string): { stop: () => void; answers: () => number } {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/ws?token=${WALL}`);
  let n = 0;
  let id = 1;
  let timer: NodeJS.Timeout | undefined;
  ws.on('message', () => n++);
  ws.on('error', () => undefined);
  ws.on('open', () => {
    timer = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      for (const name of ['kpis', 'districts', 'latest', 'events']) ws.send(JSON.stringify({ t: 'query', id: id++, name, params: {} }));
    }, 5);
  });
  return { stop: () => { clearInterval(timer); ws.terminate(); }, answers: () => n };
}

describe('SIGTERM under query load and during ingest', () => {
  it('stops cleanly, keeps what it committed, and the next start goes on from there exactly once', async () => {
    const db = `${tmp.dir}/term.duckdb`;
    const args = ['--nats', server.url, '--db', db, '--port', '0', '--token', 'test-token-0123456789', '--wall-token', WALL];
    const total = 200_000;
    await (await jetstreamManager(nc)).streams.add({ name: 'CITY', subjects: ['city.>'] });
    await new AckedPublisher(nc).publishAll(readingMessages('term', total, 20), 200);
    const engine = await EngineProcess.start(builtCli(), args);
    const clients = [hammer(engine.url ?? ''), hammer(engine.url ?? '')];
    await waitFor(async () => (await engine.health()).ingest.received > total / 10 && clients.every((c) => c.answers() > 50), 'ingest and queries under way');
    const h = await engine.health();
    expect(h.ingest.received).toBeLessThan(total);
    await engine.kill('SIGTERM');
    for (const c of clients) c.stop();
    // a clean stop, not the shutdown deadline's forced exit and not a crash
    expect(engine.proc.exitCode).toBe(0);
    expect(engine.output).toMatch(/SIGTERM: stopping/);

    const again = await EngineProcess.start(builtCli(), args);
    await waitFor(async () => (await again.health()).ingest.received === total, 'the rest ingested after the restart', 120_000, 200);
    expect((await again.health()).ingest).toMatchObject({ received: total, stored: total, duplicates: 0, quarantined: 0 });
    await again.kill('SIGTERM');
    expect(again.proc.exitCode).toBe(0);
    const opened = await Database.open(db);
    try {
      expect(await opened.queryRows('SELECT count(*)::INTEGER AS n, count(DISTINCT msg_id)::INTEGER AS d FROM readings')).toEqual([{ n: total, d: total }]);
    } finally {
      opened.close();
    }
  });
});
