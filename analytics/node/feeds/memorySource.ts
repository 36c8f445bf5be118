import type { FeedMessage, FeedSource, FeedStatus } from './feedSource.js';
import type { FeedPublisher } from './feedPublisher.js';

/**
 * The in-process feed for the demo when no nats-server is installed. Bounded: a publisher waits
 * when the queue is full, so memory stays flat whatever the rate.
 */
export class MemoryFeed implements FeedSource, FeedPublisher {
  private queue: FeedMessage[] = [];
  private wake: (() => void) | null = null;
  private space: (() => void)[] = [];
  private closed = false;

  constructor(private readonly capacity = 10_000) {}

  status(): FeedStatus {
    return {
      mode: 'memory', connected: true, url: 'memory:', stream: null, consumer: null, gapsPossible: true,
      reconnects: 0, disconnectedSinceMs: null, lastError: 'demo, no NATS: the simulator feeds the engine in-process',
    };
  }

  async publish(subject: string, data: Uint8Array): Promise<void> {
    while (this.queue.length >= this.capacity && !this.closed) await new Promise<void>((r) => this.space.push(r));
    if (this.closed) return;
    this.queue.push({ subject, data, seq: null });
    this.wake?.();
  }

  async flush(): Promise<void> {
    // in-process: nothing buffered beyond the queue
  }

  async *messages(): AsyncIterable<FeedMessage> {
    while (!this.closed) {
      const m = this.queue.shift();
      if (m) {
        if (this.space.length > 0 && this.queue.length < this.capacity) this.space.shift()?.();
        yield m;
        continue;
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  ack(): void {
    // in-process messages are gone once taken
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    for (const s of this.space.splice(0)) s();
  }
}
