import type { Subscription } from '@nats-io/nats-core';
import { CITY_SUBJECT_ALL } from '../../common/subjects.js';
import type { FeedMessage, FeedSource, FeedStatus } from './feedSource.js';
import type { NatsLink } from './natsLink.js';

/**
 * Plain subscriptions, used when there is no stream to read: whatever is published while the link
 * is down is lost, so status says "gaps possible" and the wall shows it.
 */
export class CoreSubscriptionSource implements FeedSource {
  private sub: Subscription | null = null;

  constructor(private readonly link: NatsLink, private readonly why: string) {}

  status(): FeedStatus {
    return {
      mode: 'core', connected: this.link.connected, url: this.link.url, stream: null, consumer: null,
      gapsPossible: true, reconnects: this.link.reconnects, disconnectedSinceMs: this.link.disconnectedSinceMs,
      lastError: this.link.lastError ?? this.why,
    };
  }

  async *messages(): AsyncIterable<FeedMessage> {
    this.sub = this.link.nc.subscribe(CITY_SUBJECT_ALL);
    for await (const m of this.sub) yield { subject: m.subject, data: m.data, seq: null };
  }

  ack(): void {
    // nothing to acknowledge on a plain subscription
  }

  async close(): Promise<void> {
    this.sub?.unsubscribe();
  }
}
