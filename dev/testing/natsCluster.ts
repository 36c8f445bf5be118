import { jetstreamManager } from '@nats-io/jetstream';
import type { StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { freePort, NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { waitFor } from './harness.js';

/**
 * A JetStream cluster of nats-server processes on loopback for tests: each node its own
 * `server_name`, client, cluster and WebSocket ports and store dir, one `cluster { routes }` list
 * naming every node. Any node can be killed (SIGKILL) and restarted on its ports and store.
 */
export class NatsCluster {
  private constructor(readonly nodes: NatsServerProcess[], readonly names: string[]) {}

  /** Every node's client URL, comma-separated, as the engine's `nats.url` takes them. */
  get url(): string {
    return this.nodes.map((n) => n.url).join(',');
  }

  static async start(size = 3): Promise<NatsCluster> {
    const clusterPorts = await Promise.all(Array.from({ length: size }, () => freePort()));
    const routes = clusterPorts.map((p) => `"nats-route://127.0.0.1:${p}"`).join(', ');
    const names = clusterPorts.map((_, i) => `node${i + 1}`);
    const nodes = await Promise.all(clusterPorts.map((port, i) => NatsServerProcess.start({
      extraConfig: `server_name: ${names[i] ?? ''}\ncluster { name: cityops-test, listen: "127.0.0.1:${port}", routes: [${routes}] }\n`,
    })));
    return new NatsCluster(nodes, names);
  }

  node(name: string): NatsServerProcess {
    const i = this.names.indexOf(name);
    const n = this.nodes[i];
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  /** Adds a stream once the cluster has elected its JetStream meta leader (retries until then). */
  async addStream(nc: NatsConnection, config: Partial<StreamConfig> & { name: string }): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const jsm = await jetstreamManager(nc, { timeout: 5_000 });
        await jsm.streams.add(config);
        return;
      } catch (e) {
        if (attempt > 100) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Waits until `stream` has a leader and both its other replicas are current (every node back and caught up). */
  async whole(nc: NatsConnection, stream = 'CITY', limitMs = 60_000): Promise<void> {
    // no account request first: right after a restart there may be no meta leader to answer it (the loop asks again)
    const jsm = await jetstreamManager(nc, { timeout: 5_000, checkAPI: false });
    await waitFor(async () => {
      const c = (await jsm.streams.info(stream).catch(() => null))?.cluster;
      return (c?.leader !== undefined && (c.replicas ?? []).length === this.nodes.length - 1 && (c.replicas ?? []).every((r) => r.current && !r.offline)) || null;
    }, `stream ${stream} whole again`, limitMs, 200);
  }

  /** A client connection that knows every node. */
  connect(name = 'test client'): Promise<NatsConnection> {
    return connectNats({ url: this.url, name });
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.dispose()));
  }
}
