import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { defaultEngineConfig, startEngine, type Engine } from '../../analytics/node/engine.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { NatsCluster } from '../testing/natsCluster.js';
import { tempDir, waitFor } from '../testing/harness.js';
import { AckedPublisher, readingMessages } from '../testing/jsPublisher.js';
import { round } from './stats.js';

const enc = new TextEncoder();

/** Publishes `readings` readings in messages of 100 (no acks awaited one by one) and waits until the stream holds them. */
async function fill(nc: NatsConnection, readings: number): Promise<void> {
  const base = Date.now() - 3_600_000;
  let messages = 0;
  for (let i = 0; i < readings; i += 100) {
    const arr = Array.from({ length: 100 }, (_, k) => ({ id: `cb${i + k}`, ts: base + Math.floor((i + k) / 50), metric: 'pressure_mpa', value: (i + k) % 97 }));
    nc.publish(`city.telemetry.water.420302.a${(i / 100) % 2000}`, enc.encode(JSON.stringify(arr)));
    if (++messages % 2000 === 0) await nc.flush();
  }
  await nc.flush();
  const jsm = await jetstreamManager(nc);
  await waitFor(async () => (await jsm.streams.info('CITY')).state.messages === messages || null, 'stream filled', 600_000, 200);
}

async function drainRate(url: string, dir: string, name: string, readings: number): Promise<number> {
  const engine = await startEngine(defaultEngineConfig({ db: `${dir}/${name}.duckdb`, nats: { url }, consumer: name, createStream: false, maintenanceIntervalMs: 3_600_000 }));
  try {
    await engine.whenConnected();
    const t0 = performance.now();
    await waitFor(() => engine.health().ingest.received >= readings || null, 'drained', 600_000, 20);
    return Math.round(readings / ((performance.now() - t0) / 1000));
  } finally {
    await engine.stop();
  }
}

/**
 * The longest time between two commits holding readings while `during` runs under a steady
 * publish, and the longest time between two publish acks (the cluster storing nothing new at all).
 */
async function longestGap(engine: Engine, nc: NatsConnection, window: string, during: () => Promise<void>): Promise<{ engine: number; publisher: number }> {
  const commits: number[] = [];
  const off = engine.ingestor.onCommit((b) => { if (b.readings > 0) commits.push(Date.now()); });
  const pub = new AckedPublisher(nc);
  let stop = false;
  let n = 0;
  // about 2,000 readings/s in messages of 10, each acknowledged (retried through an election)
  const load = (async () => {
    while (!stop) {
      await pub.publishAll(readingMessages(`${window}-${n++}`, 200, 10), 20);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await new Promise((r) => setTimeout(r, 3_000));
  // when the publisher's acks came (sampled every 50 ms): the time the cluster stored nothing new at all
  const acks: number[] = [];
  let published = pub.published;
  const sampler = setInterval(() => {
    if (pub.published !== published) acks.push(Date.now());
    published = pub.published;
  }, 50);
  const from = Date.now();
  await during();
  await new Promise((r) => setTimeout(r, 15_000));
  const end = Date.now();
  stop = true;
  await load;
  off();
  // from the kill to the end of the window: no commit at all counts as the whole window
  clearInterval(sampler);
  const longest = (ts: number[]): number => {
    const points = [from, ...ts.filter((t) => t >= from), end];
    let gap = 0;
    for (let i = 1; i < points.length; i++) gap = Math.max(gap, (points[i] as number) - (points[i - 1] as number));
    return gap;
  };
  return { engine: longest(commits), publisher: longest(acks) };
}

/**
 * Issue 15's cluster figures: ingest draining `readings` from one server and from a three-node
 * cluster with an R3 stream, the same run; then, on the cluster with readings published steadily,
 * the longest time without a commit of readings when the stream's leader is killed, and when the
 * node serving the engine's consumer is killed (each node back before the next kill).
 */
export async function clusterBench(readings: number, rounds = 2): Promise<Record<string, number | string>> {
  const tmp = tempDir('cityops-bench-');
  const single = await NatsServerProcess.start();
  const cluster = await NatsCluster.start(3);
  const out: Record<string, number | string> = {};
  try {
    const nc1 = await connectNats({ url: single.url });
    await (await jetstreamManager(nc1)).streams.add({ name: 'CITY', subjects: ['city.>'] });
    await fill(nc1, readings);
    out['singleServerReadingsPerS'] = await drainRate(single.url, tmp.dir, 'single', readings);
    await nc1.close();

    const nc = await cluster.connect('cluster bench');
    await cluster.addStream(nc, { name: 'CITY', subjects: ['city.>'], num_replicas: 3 });
    await fill(nc, readings);
    out['r3ClusterReadingsPerS'] = await drainRate(cluster.url, tmp.dir, 'r3', readings);

    const engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/live.duckdb`, nats: { url: cluster.url }, consumer: 'live', createStream: false, maintenanceIntervalMs: 3_600_000 }));
    try {
      await engine.whenConnected();
      await waitFor(() => engine.health().ingest.received >= readings || null, 'caught up', 600_000, 50);
      const jsm = await jetstreamManager(nc, { timeout: 5_000 });
      const whole = async (): Promise<void> => {
        for (const n of cluster.nodes) await n.restart();
        await cluster.whole(nc);
      };
      const leaderGaps: number[] = [];
      const nodeGaps: number[] = [];
      const leaderPub: number[] = [];
      const nodePub: number[] = [];
      const behind: string[] = [];
      // after each window the engine must hold everything the stream holds within seconds (one that stays behind is a stall)
      const caughtUp = async (what: string): Promise<void> => {
        const last = (await jsm.streams.info('CITY')).state.last_seq;
        // what was published in the window's last moments is allowed a few seconds
        await waitFor(() => engine.health().ingest.committedSeq >= last || null, 'caught up', 5_000).catch(() => undefined);
        const at = engine.health().ingest.committedSeq;
        if (at < last) behind.push(`${what}: stream ${last}, engine ${at}, ${engine.health().nats.lastError ?? ''}`);
      };
      for (let round = 1; round <= rounds; round++) {
        const l = await longestGap(engine, nc, `leader${round}`, async () => {
          const leader = (await jsm.streams.info('CITY')).cluster?.leader ?? '';
          await cluster.node(leader).stop('SIGKILL');
        });
        leaderGaps.push(l.engine);
        leaderPub.push(l.publisher);
        await caughtUp(`leader killed, round ${round}`);
        await whole();
        const g = await longestGap(engine, nc, `node${round}`, async () => {
          // the live consumer is the one that delivered most (a try that timed out may have left one that never did)
          let node = '';
          let most = -1;
          for await (const c of jsm.consumers.list('CITY')) if (c.cluster?.leader && c.delivered.stream_seq > most) [node, most] = [c.cluster.leader, c.delivered.stream_seq];
          await cluster.node(node).stop('SIGKILL');
        });
        nodeGaps.push(g.engine);
        nodePub.push(g.publisher);
        await caughtUp(`consumer's node killed, round ${round}`);
        await whole();
      }
      const sorted = (xs: number[]): number[] => [...xs].sort((x, y) => x - y);
      out['leaderKilledGapsMs'] = leaderGaps.join(' ');
      out['leaderKilledMedianMs'] = sorted(leaderGaps)[Math.floor(leaderGaps.length / 2)] ?? 0;
      out['leaderKilledMaxMs'] = Math.max(...leaderGaps);
      out['leaderKilledPublisherGapsMs'] = leaderPub.join(' ');
      out['consumerNodeKilledGapsMs'] = nodeGaps.join(' ');
      out['consumerNodeKilledMedianMs'] = sorted(nodeGaps)[Math.floor(nodeGaps.length / 2)] ?? 0;
      out['consumerNodeKilledMaxMs'] = Math.max(...nodeGaps);
      out['consumerNodeKilledPublisherGapsMs'] = nodePub.join(' ');
      out['windowsEndedBehind'] = behind.length === 0 ? 'none' : behind.join(' | ');
      out['recreatedConsumers'] = engine.health().nats.consumerRecreated;
      out['stored'] = engine.health().ingest.stored;
      out['duplicates'] = engine.health().ingest.duplicates;
    } finally {
      await engine.stop();
    }
    await nc.close();
    out['ratio'] = round(Number(out['r3ClusterReadingsPerS']) / Number(out['singleServerReadingsPerS']), 3);
    return out;
  } finally {
    await cluster.dispose();
    await single.dispose();
    tmp.remove();
  }
}
