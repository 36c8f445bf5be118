import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsCluster } from '../../../dev/testing/natsCluster.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';
import { AckedPublisher, readingMessages } from '../../../dev/testing/jsPublisher.js';
import { defaultEngineConfig, startEngine, type Engine } from '../engine.js';
import { Database } from '../store/database.js';

const tmp = tempDir('cityops-cluster-');
let cluster: NatsCluster;
let nc: NatsConnection;

beforeAll(async () => {
  cluster = await NatsCluster.start(3);
  nc = await cluster.connect('test publisher');
  await cluster.addStream(nc, { name: 'CITY', subjects: ['city.>'], num_replicas: 3 });
});
afterAll(async () => {
  await nc?.close().catch(() => undefined);
  await cluster?.dispose();
  tmp.remove();
});

/** The server the engine's (ephemeral, one-replica) consumer lives on. */
async function consumerNode(): Promise<string> {
  const jsm = await jetstreamManager(nc, { timeout: 5_000 });
  const leaders: string[] = [];
  for await (const c of jsm.consumers.list('CITY')) if (c.cluster?.leader) leaders.push(c.cluster.leader);
  if (leaders.length !== 1) throw new Error(`expected one consumer, found ${leaders.length}`);
  return leaders[0] as string;
}

describe('ingest on a three-node JetStream cluster', () => {
  it('the node serving the engine\'s consumer dies and stays down: the watchdog recreates the consumer on a live node, nothing lost or repeated', async () => {
    const db = `${tmp.dir}/cluster.duckdb`;
    const engine: Engine = await startEngine(defaultEngineConfig({
      db, nats: { url: cluster.url }, consumer: 'cluster-test', createStream: false, maintenanceIntervalMs: 3_600_000, feedStallMs: 2_000,
    }));
    try {
      await engine.whenConnected();
      const pub = new AckedPublisher(nc);
      await pub.publishAll(readingMessages('before', 2_000, 10));
      await waitFor(() => engine.health().ingest.stored === 2_000, 'the first 2,000 stored');
      const victim = await consumerNode();
      await cluster.node(victim).stop('SIGKILL');
      // published while that node is down (the publisher's connection moves to a live node if it was on that one)
      await pub.publishAll(readingMessages('after', 3_000, 10));
      await waitFor(() => engine.health().ingest.stored === 5_000, 'the 3,000 published after the node died stored', 120_000);
      expect(engine.health().nats.consumerRecreated).toBeGreaterThanOrEqual(1);
      expect(engine.health().ingest).toMatchObject({ stored: 5_000, duplicates: 0, quarantined: 0 });
      // the consumer now lives elsewhere
      expect(await consumerNode()).not.toBe(victim);
    } finally {
      await engine.stop();
    }
    const check = await Database.open(db);
    try {
      const r = await check.queryRows('SELECT count(*)::INTEGER AS n, count(DISTINCT msg_id)::INTEGER AS d FROM readings');
      expect(r[0]).toEqual({ n: 5_000, d: 5_000 });
    } finally {
      check.close();
    }
  });
});
