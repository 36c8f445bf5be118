import type { Subscription } from '@nats-io/nats-core';
import { CITY_SUBJECT_ALL, scopeFilters, type FeedScope } from '../../common/subjects.js';
import type { FeedSource, FeedStatus } from './feedSource.js';
import { ChunkQueue, type FeedChunk } from './feedChunk.js';
import type { NatsLink } from './natsLink.js';

/** At most this many messages wait for ingest; beyond it they are dropped and counted. */
const MAX_QUEUED = 50_000;

/**
 * Plain subscriptions, used when there is no stream to read: whatever is published while the link
 * is down is lost, so status says "gaps possible" and the wall shows it. A plain subscription cannot
 * be slowed down, so its queue is bounded: what overflows is dropped, counted and reported.
 */
export class CoreSubscriptionSource implements FeedSource {
  private subs: Subscription[] = [];
  private readonly queue = new ChunkQueue({ highMessages: MAX_QUEUED, highBytes: 64 << 20 });
  private closed = false;
  dropped = 0;

  constructor(private readonly link: NatsLink, private readonly why: string, private readonly scope: FeedScope | null = null) {}

  status(): FeedStatus {
    const drops = this.dropped > 0 ? `; ${this.dropped} messages dropped because ingest fell behind the plain subscription` : '';
    return {
      mode: 'core', connected: this.link.connected, url: this.link.url, stream: null, consumer: null,
      gapsPossible: true, reconnects: this.link.reconnects, disconnectedSinceMs: this.link.disconnectedSinceMs,
      lastError: `${this.link.lastError ?? this.why}${drops}`,
    };
  }

  async *chunks(): AsyncIterable<FeedChunk> {
    // a scope subscribes to its own subjects only (they never overlap: no message arrives twice)
    for (const subject of this.scope ? scopeFilters(this.scope) : [CITY_SUBJECT_ALL]) {
      this.subs.push(this.link.nc.subscribe(subject, {
        callback: (err, m) => {
          if (err) return;
          if (this.queue.full) {
            this.dropped++;
            return;
          }
          this.queue.push(m.subject, m.data, null);
        },
      }));
    }
    while (!this.closed) {
      const c = this.queue.take();
      if (c) yield c;
      else await this.queue.wait();
    }
  }

  ack(): void {
    // nothing to acknowledge on a plain subscription
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.subs) s.unsubscribe();
    this.queue.wake();
  }
}
