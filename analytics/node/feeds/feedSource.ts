import type { FeedChunk } from './feedChunk.js';

export type FeedMode = 'jetstream' | 'core' | 'memory';

export interface FeedStatus {
  mode: FeedMode;
  connected: boolean;
  url: string;
  stream: string | null;
  consumer: string | null;
  /** True when the source cannot replay what it missed (plain subscriptions, the in-process demo feed). */
  gapsPossible: boolean;
  reconnects: number;
  disconnectedSinceMs: number | null;
  lastError: string | null;
  /**
   * Stream messages that were removed (expired, purged, limits) before this engine read them: the
   * readings they held are missing from the database, and the wall says so. JetStream only.
   */
  gap?: { from: number; to: number } | null;
  /**
   * The part of the city this engine reads, and who filters: the server (a filtered consumer) or the
   * engine (nats-server before 2.10 cannot filter one consumer on several subjects). Null: the whole city.
   */
  scope?: { domains: string[] | null; districts: string[] | null; filteredBy: 'server' | 'engine' } | null;
  /** Consumers the watchdog recreated after a stall (JetStream only). */
  recreated?: number;
}

/**
 * What ingest knows of a feed: an async iterable of chunks of messages (one await per chunk, never
 * one per message) and a cumulative acknowledgement. NATS JetStream, plain NATS subscriptions and
 * the in-process demo feed are adapters of it. A source holds a bounded number of messages that
 * ingest has not asked for yet; past it, a stream source stops reading and resumes from where it
 * stopped once ingest asks again.
 */
export interface FeedSource {
  status(): FeedStatus;
  /**
   * Chunks of the messages after stream sequence `afterSeq` (ignored by sources without sequences),
   * each chunk holding what arrived since the previous one was taken, never empty. Ends when closed.
   */
  chunks(afterSeq: number): AsyncIterable<FeedChunk>;
  /** Everything up to and including `seq` is committed; the source may forget it. */
  ack(seq: number | null): void;
  /**
   * How far behind the stream ingest is: the age of the message taken last while more wait after it
   * in the stream, 0 when none waits; undefined for sources that cannot tell (no stream).
   */
  lagMs?(nowMs: number): number;
  close(): Promise<void>;
}
