import type { Subscription } from '@nats-io/nats-core';
import { CITY_SUBJECT_ALL } from '../../common/subjects.js';
import type { FeedMessage, FeedSource, FeedStatus } from './feedSource.js';
import type { NatsLink } from './natsLink.js';

/** At most this many messages wait for ingest; beyond it they are dropped and counted. */
const MAX_QUEUED = 50_000;

/**
 * Plain subscriptions, used when there is no stream to read: whatever is published while the link
 * is down is lost, so status says "gaps possible" and the wall shows it. A plain subscription cannot
 * be slowed down, so its queue is bounded: what overflows is dropped, counted and reported.
 */
export class CoreSubscriptionSource implements FeedSource {
  private sub: Subscription | null = null;
  private queue: FeedMessage[] = [];
  private head = 0;
  private wake: (() => void) | null = null;
  private closed = false;
  dropped = 0;

  constructor(private readonly link: NatsLink, private readonly why: string) {}

  status(): FeedStatus {
    const drops = this.dropped > 0 ? `; ${this.dropped} messages dropped because ingest fell behind the plain subscription` : '';
    return {
      mode: 'core', connected: this.link.connected, url: this.link.url, stream: null, consumer: null,
      gapsPossible: true, reconnects: this.link.reconnects, disconnectedSinceMs: this.link.disconnectedSinceMs,
      lastError: `${this.link.lastError ?? this.why}${drops}`,
    };
  }

  async *messages(): AsyncIterable<FeedMessage> {
    this.sub = this.link.nc.subscribe(CITY_SUBJECT_ALL, {
      callback: (err, m) => {
        if (err) return;
        if (this.queue.length - this.head >= MAX_QUEUED) {
          this.dropped++;
          return;
        }
        this.queue.push({ subject: m.subject, data: m.data, seq: null });
        this.wake?.();
      },
    });
    while (!this.closed) {
      if (this.head < this.queue.length) {
        const m = this.queue[this.head++];
        if (this.head > 4096 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        if (m) yield m;
        continue;
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  ack(): void {
    // nothing to acknowledge on a plain subscription
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sub?.unsubscribe();
    this.wake?.();
  }
}
