import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { Database } from '../../analytics/node/store/database.js';
import { builtCli, EngineProcess } from '../testing/engineProcess.js';
import { tempDir, waitFor } from '../testing/harness.js';
import { AckedPublisher, readingMessages } from '../testing/jsPublisher.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';

let server: NatsServerProcess;
let nc: NatsConnection;
const tmp = tempDir();

beforeAll(async () => {
  server = await NatsServerProcess.start();
  nc = await connectNats({ url: server.url });
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
  tmp.remove();
});

describe('the engine killed with SIGKILL during ingest', () => {
  it('stores every reading exactly once across repeated kill -9 and restarts', async () => {
    const db = `${tmp.dir}/kill9.duckdb`;
    const args = ['--nats', server.url, '--db', db, '--port', '0', '--token', 'test-token-0123456789'];
    const total = 300_000;
    const pub = new AckedPublisher(nc);
    // a backlog larger than the engine drains in a few seconds, so every kill lands mid-ingest
    // whatever the machine's speed
    await (await jetstreamManager(nc)).streams.add({ name: 'CITY', subjects: ['city.>'] });
    await pub.publishAll(readingMessages('k9', total, 20), 200);
    let engine = await EngineProcess.start(builtCli(), args);
    const kills = 6;
    let killedAt: number[] = [];
    for (let i = 0; i < kills; i++) {
      // let it ingest a little, at a different point every time
      const target = Math.floor(((i + 1) * total) / (kills + 2)) + Math.floor(Math.random() * 2000);
      await waitFor(async () => (await engine.health()).ingest.received >= target, `ingest reaches ${target}`, 60_000, 20);
      killedAt.push((await engine.health().catch(() => ({ ingest: { received: -1 } }))).ingest.received);
      await engine.kill('SIGKILL');
      engine = await EngineProcess.start(builtCli(), args);
    }
    await waitFor(async () => (await engine.health()).ingest.received === total, `all ${total} received after ${kills} kills`, 120_000, 200);
    const h = await engine.health();
    expect(h.ingest).toEqual({ ...h.ingest, received: total, stored: total, duplicates: 0, quarantined: 0 });
    await engine.kill('SIGTERM');
    const opened = await Database.open(db);
    try {
      const r = await opened.queryRows('SELECT count(*)::INTEGER AS n, count(DISTINCT msg_id)::INTEGER AS d FROM readings');
      expect(r[0]).toEqual({ n: total, d: total });
      const roll = await opened.queryRows('SELECT sum(n)::INTEGER AS n FROM rollup_1h');
      expect(roll[0]?.['n']).toBe(total);
    } finally {
      opened.close();
    }
    console.log(`killed at received = ${killedAt.join(", ")}`);
    expect(killedAt.filter((n) => n > 0 && n < total).length).toBeGreaterThan(kills / 2);
    killedAt = [];
  });
});
