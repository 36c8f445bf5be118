import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { freePort, NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { TcpProxy } from './tcpProxy.js';

/**
 * The district-centre topology of docs/deployment.md on loopback: the city's server (JetStream
 * domain `city`) and a district's leaf node (its own domain, `d<district>`) joined through a TCP
 * proxy the test can cut. The district's sensors publish to the leaf; its stream CITY keeps them
 * while the link is down; the city's stream CITY sources it (a stream of the leaf's domain) and
 * the leaf mirrors the city's OPS down. The leaf does not export `city.>`: the district's readings
 * reach the city only through the source, never twice.
 */
export class DistrictLeaf {
  private constructor(
    readonly hub: NatsServerProcess,
    readonly leaf: NatsServerProcess,
    readonly link: TcpProxy,
    readonly district: string,
  ) {}

  /** The leaf's JetStream domain. */
  get domain(): string {
    return `d${this.district}`;
  }

  static async start(district: string, o: { duplicateWindowS: number }): Promise<DistrictLeaf> {
    const leafPort = await freePort();
    // the proxy stands where the city's leaf-node port is advertised: a reconnecting leaf finds no way round it
    const link = await TcpProxy.start(leafPort);
    const hub = await NatsServerProcess.start({
      jetstreamDomain: 'city',
      extraConfig: `server_name: city\nleafnodes { listen: "127.0.0.1:${leafPort}", advertise: "127.0.0.1:${link.port}" }\n`,
    });
    const leaf = await NatsServerProcess.start({
      jetstreamDomain: `d${district}`,
      extraConfig: `server_name: d${district}\nleafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:${link.port}", deny_exports: ["city.>"] } ] }\n`,
    });
    const t = new DistrictLeaf(hub, leaf, link, district);
    const window = o.duplicateWindowS * 1e9;
    try {
      const [hc, lc] = [await t.connectHub(), await t.connectLeaf()];
      try {
        const [hjsm, ljsm] = [await jetstreamManager(hc), await jetstreamManager(lc)];
        await ljsm.streams.add({ name: 'CITY', subjects: ['city.>'], duplicate_window: window });
        await hjsm.streams.add({ name: 'CITY', subjects: ['city.>'], duplicate_window: window, sources: [{ name: 'CITY', domain: t.domain }] });
        await hjsm.streams.add({ name: 'OPS', subjects: ['ops.>'], duplicate_window: 3_600 * 1e9 });
        await ljsm.streams.add({ name: 'OPS', mirror: { name: 'OPS', domain: 'city' } });
      } finally {
        await hc.close();
        await lc.close();
      }
    } catch (e) {
      // no server or proxy left behind when the topology could not be set up
      await t.dispose();
      throw e;
    }
    return t;
  }

  connectHub(): Promise<NatsConnection> {
    return connectNats({ url: this.hub.url, name: 'city test client' });
  }

  connectLeaf(): Promise<NatsConnection> {
    return connectNats({ url: this.leaf.url, name: `district ${this.district} test client` });
  }

  async dispose(): Promise<void> {
    await this.link.close();
    await Promise.all([this.leaf.dispose(), this.hub.dispose()]);
  }
}
