import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsCluster } from '../../../dev/testing/natsCluster.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';
import { AckedPublisher, readingMessages } from '../../../dev/testing/jsPublisher.js';
import { defaultEngineConfig, startEngine, type Engine } from '../engine.js';
import { Database } from '../store/database.js';
import type { OpsAction } from '../../common/ops/opsEvents.js';
import { ActionRefused } from '../ops/actionPrecheck.js';

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

  it('the node serving the consumer is killed three times under live publishing: each time the engine catches up while that node is still down, and health keeps no old error', async () => {
    for (const n of cluster.nodes) await n.restart();
    const jsm = await jetstreamManager(nc, { timeout: 5_000 });
    const whole = (): Promise<void> => cluster.whole(nc);
    await whole();
    const engine: Engine = await startEngine(defaultEngineConfig({
      db: `${tmp.dir}/live.duckdb`, nats: { url: cluster.url }, consumer: 'live-test', createStream: false, maintenanceIntervalMs: 3_600_000, feedStallMs: 2_000,
    }));
    const pub = new AckedPublisher(nc);
    let stop = false;
    let n = 0;
    // readings published all along, each acknowledged (retried through any election)
    const load = (async () => {
      while (!stop) {
        await pub.publishAll(readingMessages(`lv${n++}`, 100, 10), 10);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const stored = async (): Promise<number> =>
      Number((await engine.db.queryRows("SELECT count(*)::INTEGER AS n FROM readings WHERE msg_id LIKE 'lv%'"))[0]?.['n']);
    try {
      await engine.whenConnected();
      for (let round = 0; round < 3; round++) {
        await waitFor(async () => (await stored()) > 0 || null, 'readings flowing');
        // the live consumer: the one that has delivered (a try that timed out may have left one that never did)
        let victim = '';
        let most = -1;
        for await (const c of jsm.consumers.list('CITY')) {
          if (c.cluster?.leader && c.delivered.stream_seq > most) [victim, most] = [c.cluster.leader, c.delivered.stream_seq];
        }
        const recreated = engine.health().nats.consumerRecreated;
        await cluster.node(victim).stop('SIGKILL');
        const lastSeq = async (): Promise<number> => (await jsm.streams.info('CITY')).state.last_seq;
        // something published after the kill is stored while the victim is still down
        const target = await waitFor(async () => (await lastSeq().catch(() => 0)) || null, 'the stream answers');
        await waitFor(() => engine.health().ingest.committedSeq > target + 100 || null, `round ${round}: readings published after the kill stored, the node still down`, 120_000);
        expect(engine.health().nats.consumerRecreated).toBeGreaterThan(recreated);
        await cluster.node(victim).restart();
        await whole();
      }
      stop = true;
      await load;
      const published = pub.published * 10;
      await waitFor(async () => (await stored()) === published || null, 'every acknowledged reading stored', 120_000);
      await waitFor(() => engine.health().nats.lastError === null || null, 'no error left in health once the feed flows');
      expect(engine.health().ingest).toMatchObject({ duplicates: 0, quarantined: 0 });
    } finally {
      stop = true;
      await load;
      await engine.stop();
    }
  });

  it('the stream\'s leader is killed three times while readings are published: every acknowledged reading is stored once', async () => {
    const db = `${tmp.dir}/leader.duckdb`;
    const engine: Engine = await startEngine(defaultEngineConfig({
      db, nats: { url: cluster.url }, consumer: 'leader-test', createStream: false, maintenanceIntervalMs: 3_600_000, feedStallMs: 2_000,
    }));
    const jsm = await jetstreamManager(nc, { timeout: 5_000 });
    // all three nodes up (the test before left one down), the stream's replicas caught up
    const whole = (): Promise<void> => cluster.whole(nc);
    for (const n of cluster.nodes) await n.restart();
    await whole();
    const stored = async (): Promise<number> =>
      Number((await engine.db.queryRows("SELECT count(*)::INTEGER AS n FROM readings WHERE msg_id LIKE 'lk%'"))[0]?.['n']);
    try {
      await engine.whenConnected();
      const pub = new AckedPublisher(nc);
      for (let round = 0; round < 3; round++) {
        await pub.publishAll(readingMessages(`lk${round}a`, 1_000, 10));
        const leader = (await jsm.streams.info('CITY')).cluster?.leader;
        if (!leader) throw new Error('the stream has no leader');
        await cluster.node(leader).stop('SIGKILL');
        // acknowledged only once a new leader took over (the publisher retries with the same ids meanwhile)
        await pub.publishAll(readingMessages(`lk${round}b`, 1_000, 10));
        await cluster.node(leader).restart();
        await whole();
      }
      await waitFor(async () => (await stored()) === 6_000 || null, 'every acknowledged reading stored', 120_000);
      expect(engine.health().ingest).toMatchObject({ duplicates: 0, quarantined: 0 });
    } finally {
      await engine.stop();
    }
    const check = await Database.open(db);
    try {
      const r = await check.queryRows("SELECT count(*)::INTEGER AS n, count(DISTINCT msg_id)::INTEGER AS d FROM readings WHERE msg_id LIKE 'lk%'");
      expect(r[0]).toEqual({ n: 6_000, d: 6_000 });
    } finally {
      check.close();
    }
  });

  it('two engines take operator actions while the OPS stream\'s leader dies: both converge to the same operational state', async () => {
    for (const n of cluster.nodes) await n.restart();
    const jsm = await jetstreamManager(nc, { timeout: 5_000 });
    if (!(await jsm.streams.info('OPS').catch(() => null))) await cluster.addStream(nc, { name: 'OPS', subjects: ['ops.>'], num_replicas: 3, duplicate_window: 3_600 * 1e9 });
    const engines: Engine[] = [];
    for (const name of ['conv-a', 'conv-b']) {
      engines.push(await startEngine(defaultEngineConfig({
        db: `${tmp.dir}/${name}.duckdb`, nats: { url: cluster.url }, consumer: name, createStream: false, maintenanceIntervalMs: 3_600_000, feedStallMs: 2_000,
      })));
    }
    const [a, b] = engines as [Engine, Engine];
    try {
      for (const e of engines) await e.whenConnected();
      const now = Date.now();
      const action = (i: number): OpsAction => {
        const hz = `hz-k${i % 4}`;
        switch (i % 3) {
          case 0: return { kind: 'hazard.raise', hazard: hz, grade: 'general', title: `case ${i}`, domain: 'gas', district: '420303', asset: `k${i % 4}`, fromAlarm: null, responsible: { owner: null, supervisor: null, approver: null } };
          case 1: return { kind: 'hazard.dispatch', hazard: hz, assignee: `team ${i}`, deadlineMs: now + 3_600_000 };
          default: return { kind: 'hazard.comment', hazard: hz, text: `comment ${i}` };
        }
      };
      const fire = async (from: number, n: number): Promise<void> => {
        await Promise.all(engines.map(async (e, k) => {
          for (let i = from; i < from + n; i++) {
            try {
              await e.controlRoom.submit(action(i * 2 + k), k === 0 ? 'console-1' : 'console-2', 'shift_leader');
            } catch (err) {
              if (!(err instanceof ActionRefused)) throw err;
            }
          }
        }));
      };
      await fire(0, 15);
      const leader = (await jsm.streams.info('OPS')).cluster?.leader;
      if (!leader) throw new Error('OPS has no leader');
      await cluster.node(leader).stop('SIGKILL');
      await fire(100, 15);
      await cluster.node(leader).restart();
      for (const e of engines) await waitFor(() => e.controlRoom.actionStream.pendingActions().length === 0 || null, 'each outbox published', 90_000);
      await waitFor(() => (a.controlRoom.actionStream.status().lastSeq === b.controlRoom.actionStream.status().lastSeq && a.controlRoom.actionStream.status().lastSeq > 0) || null, 'both read the whole OPS stream', 60_000);
      const at = Date.now();
      const view = (e: Engine): unknown => ({ alarms: e.controlRoom.state.alarms(at), hazards: e.controlRoom.state.hazardList(at) });
      expect(a.controlRoom.state.hazards.size).toBe(4);
      expect(view(a)).toEqual(view(b));
    } finally {
      for (const e of engines) await e.stop();
    }
  });
});

