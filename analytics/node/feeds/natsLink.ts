import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats, describeNatsUrl, type NatsOptions } from './natsConnect.js';
import { sleep } from '../../common/vocabulary.js';

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

  /**
   * Connects, retrying with backoff until it succeeds or `cancelled()` says stop; every failure
   * (refused, wrong credentials, TLS) goes to `onError` so the operator sees why.
   */
  static async open(o: NatsOptions, onError: (why: string) => void = () => undefined, cancelled: () => boolean = () => false): Promise<NatsLink> {
    for (let attempt = 0; ; attempt++) {
      try {
        return new NatsLink(await connectNats(o), o.url);
      } catch (e) {
        onError(`cannot connect to ${describeNatsUrl(o.url)}: ${e instanceof Error ? e.message : String(e)}`);
        if (cancelled()) throw e;
        await sleep(Math.min(2_000, 250 * 2 ** attempt));
        if (cancelled()) throw e;
      }
    }
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
          // an error of the connection before is history once it is back
          this.lastError = null;
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
