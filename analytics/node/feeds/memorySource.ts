import type { FeedSource, FeedStatus } from './feedSource.js';
import { ChunkQueue, type FeedChunk } from './feedChunk.js';
import type { FeedPublisher } from './feedPublisher.js';

/**
 * The in-process feed for the demo when no nats-server is installed. Bounded: a publisher waits
 * when the queue is full, so memory stays flat whatever the rate.
 */
export class MemoryFeed implements FeedSource, FeedPublisher {
  private readonly queue: ChunkQueue;
  private space: (() => void)[] = [];
  private closed = false;

  constructor(capacity = 10_000) {
    this.queue = new ChunkQueue({ highMessages: capacity, highBytes: 64 << 20 });
  }

  status(): FeedStatus {
    return {
      mode: 'memory', connected: true, url: 'memory:', stream: null, consumer: null, gapsPossible: true,
      reconnects: 0, disconnectedSinceMs: null, lastError: 'demo, no NATS: the simulator feeds the engine in-process',
    };
  }

  async publish(subject: string, data: Uint8Array): Promise<void> {
    while (this.queue.full && !this.closed) await new Promise<void>((r) => this.space.push(r));
    if (this.closed) return;
    this.queue.push(subject, data, null);
  }

  async flush(): Promise<void> {
    // in-process: nothing buffered beyond the queue
  }

  async *chunks(): AsyncIterable<FeedChunk> {
    while (!this.closed) {
      const c = this.queue.take();
      if (c) {
        // publishers waiting for room go on: the queue has room again
        for (const s of this.space.splice(0)) s();
        yield c;
        continue;
      }
      await this.queue.wait();
    }
  }

  ack(): void {
    // in-process messages are gone once taken
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.wake();
    for (const s of this.space.splice(0)) s();
  }
}
