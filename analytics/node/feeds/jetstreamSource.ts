import { DeliverPolicy, jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, type JetStreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { CITY_SUBJECT_ALL } from '../../common/subjects.js';
import type { FeedMessage, FeedSource, FeedStatus } from './feedSource.js';
import type { NatsLink } from './natsLink.js';
import { sleep } from '../../common/vocabulary.js';

export interface StreamOptions {
  stream: string;
  consumer: string;
  /** Create the stream when it is missing. */
  create: boolean;
  maxAgeS?: number;
}

export class StreamMissingError extends Error {}

/** Makes sure the stream that captures `city.>` exists; creates it when allowed. */
export async function ensureStream(jsm: JetStreamManager, o: StreamOptions): Promise<void> {
  try {
    await jsm.streams.info(o.stream);
    return;
  } catch (e) {
    if (!(e instanceof JetStreamApiError) || e.code !== JetStreamApiCodes.StreamNotFound) throw e;
  }
  if (!o.create) throw new StreamMissingError(`JetStream stream ${o.stream} does not exist and creating it is not allowed`);
  await jsm.streams.add({
    name: o.stream,
    subjects: [CITY_SUBJECT_ALL],
    max_age: (o.maxAgeS ?? 7 * 86_400) * 1e9,
    duplicate_window: 120 * 1e9,
  });
}

const RETRY_MS = 500;

/**
 * Reads the stream with an ordered consumer started right after the position committed in DuckDB.
 * The ordered consumer recreates itself on any gap or reconnect, and because the position is
 * committed with the rows, a restart resumes exactly after the last stored message.
 */
export class JetStreamSource implements FeedSource {
  private closed = false;
  private current: ConsumerMessages | null = null;
  private gapNote: string | null = null;
  /** The message taken last (its metadata is parsed only when the lag is asked, not per message). */
  private last: JsMsg | null = null;

  constructor(private readonly link: NatsLink, private readonly o: StreamOptions) {}

  static async open(link: NatsLink, o: StreamOptions): Promise<JetStreamSource> {
    await ensureStream(await jetstreamManager(link.nc), o);
    return new JetStreamSource(link, o);
  }

  status(): FeedStatus {
    return {
      mode: 'jetstream', connected: this.link.connected, url: this.link.url, stream: this.o.stream,
      consumer: this.o.consumer, gapsPossible: false, reconnects: this.link.reconnects,
      disconnectedSinceMs: this.link.disconnectedSinceMs, lastError: this.gapNote ?? this.link.lastError,
    };
  }

  async *messages(afterSeq: number): AsyncIterable<FeedMessage> {
    let last = afterSeq;
    while (!this.closed) {
      try {
        last = await this.noteExpired(last);
        const js = jetstream(this.link.nc);
        const consumer = await js.consumers.get(this.o.stream, last > 0
          ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: last + 1 }
          : { deliver_policy: DeliverPolicy.All });
        const iter = await consumer.consume({ max_messages: 4096, threshold_messages: 1024 });
        this.current = iter;
        for await (const m of iter) {
          if (m.seq <= last) continue;
          last = m.seq;
          this.last = m;
          yield { subject: m.subject, data: m.data, seq: m.seq };
        }
      } catch (e) {
        if (this.closed) break;
        this.link.lastError = e instanceof Error ? e.message : String(e);
      } finally {
        this.current = null;
      }
      if (!this.closed) await sleep(RETRY_MS);
    }
  }

  /** Messages that expired from the stream before we read them are a gap the operator must see. */
  /**
   * Messages that expired from the stream before we read them are a gap the operator must see; a
   * stream that ends before the stored position was recreated: it is read from its start (repeated
   * ids are dropped by the id memory) and the operator is told.
   */
  private async noteExpired(last: number): Promise<number> {
    const jsm = await jetstreamManager(this.link.nc);
    const info = await jsm.streams.info(this.o.stream);
    const first = info.state.first_seq;
    if (last > 0 && info.state.last_seq < last) {
      this.gapNote = `stream ${this.o.stream} ends at ${info.state.last_seq}, before the stored position ${last}: it was recreated, reading it from the start`;
      return 0;
    }
    if (last > 0 && first > last + 1) {
      this.gapNote = `messages ${last + 1}..${first - 1} expired from stream ${this.o.stream} before they were ingested`;
    }
    return last;
  }

  lagMs(nowMs: number): number {
    const m = this.last;
    if (!m) return 0;
    const info = m.info;
    return info.pending > 0 ? Math.max(0, nowMs - info.timestampNanos / 1e6) : 0;
  }

  ack(): void {
    // The position lives in DuckDB, committed with the rows; an ordered consumer needs no acks.
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.current?.close();
  }
}
