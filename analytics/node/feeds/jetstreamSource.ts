import { DeliverPolicy, jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, type Consumer, type JetStreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { CITY_SUBJECT_ALL, inScope, scopeFilters, type FeedScope } from '../../common/subjects.js';
import type { FeedSource, FeedStatus } from './feedSource.js';
import { ChunkQueue, DEFAULT_QUEUE_LIMITS, type FeedChunk, type QueueLimits } from './feedChunk.js';
import type { NatsLink } from './natsLink.js';
import { sleep } from '../../common/vocabulary.js';

export interface StreamOptions {
  stream: string;
  consumer: string;
  /** Create the stream when it is missing. */
  create: boolean;
  maxAgeS?: number;
  /**
   * The watchdog: no message for this long while the stream holds messages after the last one taken
   * (the node serving the consumer died, its connection to the client still up) → the consumer is
   * recreated from the position taken last, on a node that lives. Default {@link DEFAULT_STALL_MS}.
   */
  stallMs?: number;
  /** How much may wait for ingest before the reader stops (default {@link DEFAULT_QUEUE_LIMITS}). */
  queue?: QueueLimits;
  /** Read only this part of the city (a district centre): a filtered consumer. */
  scope?: FeedScope | null;
}

/** The feed watchdog's default: a stall longer than this recreates the consumer. */
export const DEFAULT_STALL_MS = 4_000;

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
 * How long making a consumer may take before it is tried again: a third of the stall limit (at
 * least 1 s), doubled after each try that failed (a slow server still gets its answer in), at most 5 s.
 */
export function createTimeoutMs(stallMs: number, failedTries = 0): number {
  return Math.min(5_000, Math.max(1_000, Math.floor(stallMs / 3)) * 2 ** Math.min(failedTries, 3));
}

/** One consumer reading into the queue. */
interface Reader {
  iter: ConsumerMessages | null;
  consumer: Consumer;
  /** Stopped because the queue was full (not a failure: a new one starts without a pause). */
  paused: boolean;
  ended: boolean;
  closing?: boolean;
  watchdog: NodeJS.Timeout | undefined;
}

/** Pulls ask for this many messages, again when a quarter is left: what a stop may have to read again. */
const PULL_MESSAGES = 4096;

/**
 * Reads the stream with an ordered consumer started right after the position committed in DuckDB.
 * The ordered consumer recreates itself on any gap or reconnect, and because the position is
 * committed with the rows, a restart resumes exactly after the last stored message.
 *
 * Messages are taken in the client's callback (no promise or iterator step per message) and packed
 * into chunks. When more wait than the queue's limits (ingest is behind: a backlog drains), the
 * consumer is closed; once ingest has taken half of them, a new one starts right after the last
 * message taken. Memory is bounded by the limits whatever the backlog.
 */
export class JetStreamSource implements FeedSource {
  private closed = false;
  private current: ConsumerMessages | null = null;
  private gapNote: string | null = null;
  private gap: { from: number; to: number } | null = null;
  /** The newest message of the chunk ingest took last (its metadata is parsed only when the lag is asked). */
  private last: JsMsg | null = null;
  /** Messages taken since the consumer was made (the watchdog's sign of life). */
  private taken = 0;
  /** True while ingest waits for a chunk and none is queued: from then on, waiting is the feed's. */
  private waiting = false;
  /** Set while the watchdog finds the feed stalled, until a message comes again. */
  private stallNote: string | null = null;
  /** Why the last reader could not start or ended, until a new one delivers (health must not keep an old error). */
  private readerError: string | null = null;
  /** Tries in a row whose consumer could not be made (each waits longer). */
  private failedStarts = 0;
  private readonly queue: ChunkQueue;
  /** Consumers the watchdog recreated since the engine started. */
  recreated = 0;
  private filteredBy: 'server' | 'engine' = 'server';
  /** The subjects the server filters the consumer on (none: the whole stream, or the engine filters). */
  private serverFilters: string[] = [];
  /** Times the reader stopped because ingest was behind by the queue's limits. */
  pauses = 0;

  constructor(private readonly link: NatsLink, private readonly o: StreamOptions) {
    this.queue = new ChunkQueue(o.queue ?? DEFAULT_QUEUE_LIMITS);
  }

  static async open(link: NatsLink, o: StreamOptions): Promise<JetStreamSource> {
    await ensureStream(await jetstreamManager(link.nc), o);
    return new JetStreamSource(link, o);
  }

  status(): FeedStatus {
    return {
      mode: 'jetstream', connected: this.link.connected, url: this.link.url, stream: this.o.stream,
      consumer: this.o.consumer, gapsPossible: false, reconnects: this.link.reconnects,
      disconnectedSinceMs: this.link.disconnectedSinceMs, lastError: [this.stallNote, this.readerError, this.gapNote, this.link.lastError].filter((x) => x !== null).join('; ') || null, recreated: this.recreated,
      gap: this.gap,
      scope: this.o.scope ? { domains: this.o.scope.domains ? [...this.o.scope.domains] : null, districts: this.o.scope.districts ? [...this.o.scope.districts] : null, filteredBy: this.filteredBy } : null,
    };
  }

  /** Messages taken and not yet asked for by ingest (bounded by the queue's limits). */
  get queued(): { messages: number; bytes: number } {
    return { messages: this.queue.messages, bytes: this.queue.bytes };
  }

  async *chunks(afterSeq: number): AsyncIterable<FeedChunk> {
    const q = this.queue;
    // the position of the last message queued: a new consumer starts right after it
    const pos = { last: afterSeq };
    // the reader delivering now, one being started, and when a failed one may be tried again
    const st: { cur: Reader | null; starting: Promise<void> | null; retryAt: number } = { cur: null, starting: null, retryAt: 0 };
    const start = (): void => {
      st.starting = this.startReader(pos).then((r) => {
        st.cur = r;
        this.failedStarts = 0;
      }, (e: unknown) => {
        this.failedStarts++;
        if (!this.closed) this.readerError = `the consumer could not be made: ${e instanceof Error ? e.message : String(e)}`;
        st.retryAt = Date.now() + RETRY_MS;
      }).finally(() => {
        st.starting = null;
        q.wake();
      });
    };
    try {
      while (!this.closed) {
        // a reader that ended is replaced: at once when it was stopped for a full queue and half of that
        // is taken (the rest is taken while the new one starts), after a pause when it failed or stalled
        const r = st.cur;
        if (r !== null && r.ended && (!r.paused || q.low)) {
          this.retire(r);
          if (!r.paused) st.retryAt = Date.now() + RETRY_MS;
          st.cur = null;
        }
        if (st.cur === null && st.starting === null && !q.full && Date.now() >= st.retryAt) start();
        const c = q.take();
        if (c) {
          this.last = c.newest as JsMsg;
          yield c;
          continue;
        }
        if (this.closed) break;
        this.waiting = st.cur !== null && !st.cur.ended;
        const retryIn = st.cur === null && st.starting === null ? st.retryAt - Date.now() : 0;
        await (retryIn > 0 ? Promise.race([q.wait(), sleep(retryIn)]) : q.wait());
        this.waiting = false;
      }
    } finally {
      this.waiting = false;
      if (st.cur !== null) this.retire(st.cur);
      if (st.starting !== null) {
        await st.starting;
        if (st.cur !== null) this.retire(st.cur);
      }
    }
  }

  /**
   * The consumer's filter for the scope: one subject as such; several only from nats-server 2.10 on
   * (older servers refuse them: the engine then reads the stream and drops what lies outside).
   */
  private filter(): string | string[] | null {
    if (!this.o.scope) return null;
    const fs = scopeFilters(this.o.scope);
    this.serverFilters = fs;
    if (fs.length === 1) return fs[0] as string;
    const [major = 0, minor = 0] = (this.link.nc.info?.version ?? '0.0').split('.').map(Number);
    if (major > 2 || (major === 2 && minor >= 10)) return fs;
    this.filteredBy = 'engine';
    this.serverFilters = [];
    return null;
  }

  /** True when the stream holds a message of the scope at or after `seq` (the watchdog of a filtered consumer). */
  private async scopedWaiting(seq: number, timeout: number): Promise<boolean> {
    for (const f of this.serverFilters) {
      // the stream API's message get with next_by_subj (nats-server 2.9 and later; the client exposes it only for direct gets)
      const r = await this.link.nc.request(`$JS.API.STREAM.MSG.GET.${this.o.stream}`, JSON.stringify({ seq, next_by_subj: f }), { timeout });
      const body = r.json<{ message?: unknown }>();
      if (body.message !== undefined) return true;
    }
    return false;
  }

  /** Starts a consumer right after `pos.last`, queueing what it delivers until the queue is full. */
  private async startReader(pos: { last: number }): Promise<Reader> {
    pos.last = await this.noteExpired(pos.last);
    // In a cluster the server may place the new consumer on a node that just died and that it has
    // not yet marked offline: then no answer ever comes. A short wait and a new try (another
    // placement) recovers in a second or two where the client's default 5 s per try held the feed
    // for 10-20 s (measured: dev/bench cluster).
    const js = jetstream(this.link.nc, { timeout: createTimeoutMs(this.o.stallMs ?? DEFAULT_STALL_MS, this.failedStarts) });
    const filter = this.filter();
    const consumer = await js.consumers.get(this.o.stream, {
      ...(pos.last > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: pos.last + 1 } : { deliver_policy: DeliverPolicy.All }),
      ...(filter === null ? {} : { filter_subjects: filter }),
    });
    const scope = this.filteredBy === 'engine' ? this.o.scope ?? null : null;
    const q = this.queue;
    this.taken = 0;
    const r: Reader = { iter: null, consumer, paused: false, ended: false, watchdog: undefined };
    const iter: ConsumerMessages = await consumer.consume({
      max_messages: PULL_MESSAGES, threshold_messages: PULL_MESSAGES / 4,
      callback: (m) => {
        // never throws: a throw here would stop the consumer
        if (r.paused || r.ended || m.seq <= pos.last) return;
        pos.last = m.seq;
        // a sign of life for the watchdog, in the scope or not
        if (this.taken++ === 0) this.readerError = null;
        // outside the scope (a server that cannot filter on several subjects): not this engine's
        if (scope !== null && !inScope(m.subject, scope)) return;
        q.push(m.subject, m.data, m.seq, m);
        if (q.full) {
          // ingest is behind by the queue's limits: stop reading; a new consumer starts after pos.last once it catches up
          r.paused = true;
          this.pauses++;
          this.retire(r);
        }
      },
    });
    r.iter = iter;
    if (this.closed) {
      this.retire(r);
      throw new Error('closed');
    }
    this.current = iter;
    void iter.closed().then((e) => {
      r.ended = true;
      // a reader retired on purpose (replaced, paused) ending with an error is no news
      if (e instanceof Error && !r.paused && !r.closing && !this.closed) this.readerError = `the consumer ended: ${e.message}`;
      q.wake();
    }, () => {
      r.ended = true;
      q.wake();
    });
    r.watchdog = this.watch(iter, () => pos.last);
    return r;
  }

  /**
   * Stops a reader and deletes its consumer on the server: closing alone only stops listening, and
   * the server would go on delivering to an ephemeral consumer nobody reads for minutes.
   */
  private retire(r: Reader): void {
    clearInterval(r.watchdog);
    if (r.iter !== null && this.current === r.iter) this.current = null;
    if (r.iter !== null && !r.closing) {
      r.closing = true;
      void r.iter.close().catch(() => undefined);
      void r.consumer.delete().catch(() => undefined);
    }
  }

  /**
   * Every third of `stallMs`: when no message came for `stallMs` while ingest was waiting for one (a
   * busy or retrying ingest that has not asked is no stall) and the stream holds messages after
   * the last one taken, the consumer is stalled (its node died while the client's connection lives
   * on, or it was lost): it is closed, and `chunks` makes a new one from the position taken last.
   * A quiet stream (nothing after the last one taken) is not a stall. One check at a time; a check
   * that cannot reach the stream (no leader yet) is tried again at the next tick.
   */
  private watch(iter: ConsumerMessages, last: () => number): NodeJS.Timeout {
    const stallMs = this.o.stallMs ?? DEFAULT_STALL_MS;
    let seen = -1;
    let quietSince = Date.now();
    let checking = false;
    const t = setInterval(() => {
      if (this.taken !== seen || !this.waiting) {
        seen = this.taken;
        quietSince = Date.now();
        if (this.taken > 0) this.stallNote = null;
        return;
      }
      if (checking || Date.now() - quietSince < stallMs) return;
      checking = true;
      void (async () => {
        try {
          // the stream was checked when the source opened: no account request before each look
          const jsm = await jetstreamManager(this.link.nc, { timeout: Math.max(1_000, stallMs / 2), checkAPI: false });
          const info = await jsm.streams.info(this.o.stream);
          // messages wait only if the stream still holds some after the position (expired or deleted ones are a gap, not a stall)
          if (info.state.messages === 0 || info.state.last_seq < Math.max(last() + 1, info.state.first_seq)) {
            quietSince = Date.now();
            return;
          }
          // a consumer filtered by the server waits only for messages of its scope: is one of them after the position?
          if (this.serverFilters.length > 0 && !(await this.scopedWaiting(last() + 1, Math.max(1_000, stallMs / 2)))) {
            quietSince = Date.now();
            return;
          }
          this.stallNote = `feed stalled: no message for ${Math.round((Date.now() - quietSince) / 1000)} s while ${info.state.last_seq - last()} wait in stream ${this.o.stream}; recreating the consumer from ${last() + 1}`;
          this.recreated++;
          // not awaited: a close that must reach a dead node may take its time, the loop ends at once
          void iter.close().catch(() => undefined);
        } catch {
          // the stream cannot be asked now (a leader being elected): the next tick asks again
        } finally {
          checking = false;
        }
      })();
    }, Math.max(50, Math.floor(stallMs / 3)));
    t.unref();
    return t;
  }

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
      this.gapNote = `messages ${last + 1}..${first - 1} were removed from stream ${this.o.stream} (expired or purged) before this engine read them`;
      this.gap = { from: last + 1, to: first - 1 };
    }
    return last;
  }

  lagMs(nowMs: number): number {
    const m = this.last;
    // no live consumer (the link down, a consumer being made again): ingest is not behind, it waits for the feed
    if (!m || !this.current || !this.link.connected) return 0;
    const info = m.info;
    return info.pending > 0 ? Math.max(0, nowMs - info.timestampNanos / 1e6) : 0;
  }

  ack(): void {
    // The position lives in DuckDB, committed with the rows; an ordered consumer needs no acks.
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.wake();
    await this.current?.close();
  }
}
