import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats, describeNatsUrl, type NatsOptions } from './natsConnect.js';

/** A NATS connection and what the operator must know of it: up or down, since when, why. */
export class NatsLink {
  connected = true;
  reconnects = 0;
  disconnectedSinceMs: number | null = null;
  lastError: string | null = null;
  readonly url: string;

  private constructor(readonly nc: NatsConnection, url: string) {
    this.url = describeNatsUrl(url);
    void this.watch();
  }

  static async open(o: NatsOptions): Promise<NatsLink> {
    return new NatsLink(await connectNats(o), o.url);
  }

  private async watch(): Promise<void> {
    for await (const s of this.nc.status()) {
      switch (s.type) {
        case 'disconnect':
          this.connected = false;
          this.disconnectedSinceMs ??= Date.now();
          break;
        case 'reconnect':
          this.connected = true;
          this.disconnectedSinceMs = null;
          this.reconnects++;
          break;
        case 'error':
          this.lastError = s.error.message;
          break;
        case 'staleConnection':
          this.connected = false;
          this.disconnectedSinceMs ??= Date.now();
          break;
        default:
          break;
      }
    }
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}
