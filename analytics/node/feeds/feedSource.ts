/** One message taken from a feed. `seq` is the stream sequence when the source has one. */
export interface FeedMessage {
  subject: string;
  data: Uint8Array;
  seq: number | null;
}

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
  /** Consumers the watchdog recreated after a stall (JetStream only). */
  recreated?: number;
}

/**
 * What ingest knows of a feed: an async iterable of messages and a cumulative acknowledgement.
 * NATS JetStream, plain NATS subscriptions and the in-process demo feed are adapters of it.
 */
export interface FeedSource {
  status(): FeedStatus;
  /** Messages after stream sequence `afterSeq` (ignored by sources without sequences). Ends when closed. */
  messages(afterSeq: number): AsyncIterable<FeedMessage>;
  /** Everything up to and including `seq` is committed; the source may forget it. */
  ack(seq: number | null): void;
  /**
   * How far behind the stream ingest is: the age of the message taken last while more wait after it
   * in the stream, 0 when none waits; undefined for sources that cannot tell (no stream).
   */
  lagMs?(nowMs: number): number;
  close(): Promise<void>;
}
