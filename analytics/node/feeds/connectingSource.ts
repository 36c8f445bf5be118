import { describeNatsUrl, type NatsOptions } from './natsConnect.js';
import type { FeedSource, FeedStatus } from './feedSource.js';
import type { FeedChunk } from './feedChunk.js';
import { NatsLink } from './natsLink.js';
import { sleep } from '../../common/vocabulary.js';

/**
 * A feed that is still connecting: the engine and its server start at once, and health says why
 * NATS is not there yet (refused, wrong credentials...) instead of the process hanging silently.
 */
export class ConnectingSource implements FeedSource {
  private inner: FeedSource | null = null;
  private link: NatsLink | null = null;
  private lastError: string | null = 'connecting';
  private closed = false;
  private readonly ready: Promise<FeedSource>;

  constructor(private readonly nats: NatsOptions, open: (link: NatsLink) => Promise<FeedSource>) {
    this.ready = (async () => {
      const link = await NatsLink.open(nats, (why) => (this.lastError = why), () => this.closed);
      this.link = link;
      for (let attempt = 0; ; attempt++) {
        try {
          this.inner = await open(link);
          return this.inner;
        } catch (e) {
          this.lastError = e instanceof Error ? e.message : String(e);
          if (this.closed) throw e;
          await sleep(Math.min(2_000, 250 * 2 ** attempt));
        }
      }
    })();
    this.ready.catch(() => undefined);
  }

  /** Resolves once connected and the stream is open (tests and the CLI wait on it). */
  whenReady(): Promise<FeedSource> {
    return this.ready;
  }

  status(): FeedStatus {
    if (this.inner) return this.inner.status();
    return {
      mode: 'jetstream', connected: false, url: describeNatsUrl(this.nats.url), stream: null, consumer: null,
      gapsPossible: false, reconnects: 0, disconnectedSinceMs: null, lastError: this.lastError,
    };
  }

  async *chunks(afterSeq: number): AsyncIterable<FeedChunk> {
    let inner: FeedSource;
    try {
      inner = await this.ready;
    } catch {
      return;
    }
    yield* inner.chunks(afterSeq);
  }

  lagMs(nowMs: number): number {
    return this.inner?.lagMs?.(nowMs) ?? 0;
  }

  ack(seq: number | null): void {
    this.inner?.ack(seq);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inner?.close();
    await this.link?.close();
  }
}
