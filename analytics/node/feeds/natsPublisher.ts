import { headers, type NatsConnection } from '@nats-io/nats-core';
import type { FeedPublisher } from './feedPublisher.js';

/**
 * Publishes to NATS (the stream captures `city.>`). Every `flushEvery` messages it waits for the
 * server to catch up, so the client's outbound buffer stays bounded at any rate.
 */
export class NatsPublisher implements FeedPublisher {
  private sinceFlush = 0;

  constructor(private readonly nc: NatsConnection, private readonly flushEvery = 2000) {}

  async publish(subject: string, data: Uint8Array, msgId?: string): Promise<void> {
    if (msgId !== undefined) {
      const h = headers();
      h.set('Nats-Msg-Id', msgId);
      this.nc.publish(subject, data, { headers: h });
    } else {
      this.nc.publish(subject, data);
    }
    if (++this.sinceFlush >= this.flushEvery) {
      this.sinceFlush = 0;
      await this.nc.flush();
    }
  }

  async flush(): Promise<void> {
    this.sinceFlush = 0;
    await this.nc.flush();
  }
}
