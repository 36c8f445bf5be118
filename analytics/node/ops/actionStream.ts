import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { OpsEventSchema, opsSubject, OPS_SUBJECT_ALL, type OpsAction, type OpsEvent, type Role } from '../../common/ops/opsEvents.js';
import type { ControlRoomState } from '../../common/ops/controlRoomState.js';
import type { Applied } from '../../common/ops/controlRoomViews.js';
import type { NatsOptions } from '../feeds/natsConnect.js';
import { NatsLink } from '../feeds/natsLink.js';
import { JetStreamSource } from '../feeds/jetstreamSource.js';
import { insertOutbox, insertSent, readOutbox } from '../store/actionOutbox.js';
import { insertOpsLog, readOpsLogIds, type OpsLogRow } from '../store/opsLog.js';
import type { BatchWriter } from '../store/batchWriter.js';

export interface ActionStreamOptions {
  /** null: a single engine without NATS (the offline demo) applies its outbox in order. */
  nats: NatsOptions | null;
  stream: string;
  createStream: boolean;
  /** The feed watchdog's stall time for the OPS reader (ms; default the feed's). */
  stallMs?: number;
  /** Retention of operator events in the stream (they rebuild every engine's state). */
  maxAgeDays: number;
  /**
   * The stream's duplicate window (s): a re-publish of an action within it (its ack was lost, the
   * engine restarted before it marked the action sent) is dropped by the server. It should cover the
   * outbox's longest retry; beyond it the engines still apply an id once. Default {@link DEFAULT_OPS_DUPLICATE_WINDOW_S}.
   */
  duplicateWindowS?: number;
}

/** One day: an engine down overnight re-publishes its unsent actions within it. */
export const DEFAULT_OPS_DUPLICATE_WINDOW_S = 86_400;

export type { ActionStreamStatus, PendingAction } from '../../common/engineApi.js';
import type { ActionStreamStatus, PendingAction } from '../../common/engineApi.js';
import { sleep } from '../../common/vocabulary.js';

const RETRY_MS = 500;
const MAX_SEEN = 1_000_000;

export function newEventId(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * Operator actions, many workstations, one truth. An action is written to the local outbox (DuckDB)
 * first, then published to the OPS stream with its id as `Nats-Msg-Id`, and applied only when read
 * back from the stream, in stream order, by every engine alike. Until then it is "pending". Actions
 * taken while NATS is away stay in the outbox and are published when the link returns.
 */
export class ActionStream {
  private link: NatsLink | null = null;
  private closed = false;
  private readonly pending = new Map<string, { event: OpsEvent; subject: string; published: boolean }>();
  private readonly seen = new Set<string>();
  private localSeq = 0;
  private lastSeq = 0;
  private invalid = 0;
  private lastError: string | null = null;
  private source: JetStreamSource | null = null;
  private wake: (() => void) | null = null;
  private readonly listeners = new Set<(e: OpsEvent, r: Applied) => void>();
  private loops: Promise<void>[] = [];
  /** Applied events not yet in the operator action log, and the ids already there. */
  private toLog: OpsLogRow[] = [];
  private logged = new Set<string>();
  private logFlush: Promise<void> | null = null;

  constructor(private readonly state: ControlRoomState, private readonly writer: BatchWriter, private readonly o: ActionStreamOptions) {}

  onApplied(fn: (e: OpsEvent, r: Applied) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async start(): Promise<void> {
    this.logged = await this.writer.exclusive((c) => readOpsLogIds(c));
    const rows = await this.writer.exclusive((c) => readOutbox(c));
    const sent: { event: OpsEvent; subject: string }[] = [];
    for (const r of rows) {
      this.localSeq = Math.max(this.localSeq, r.localSeq);
      const event = OpsEventSchema.parse(JSON.parse(r.payload));
      if (this.o.nats === null) this.applyEvent(event, null);
      else if (!r.sent) this.pending.set(event.id, { event, subject: r.subject, published: false });
      else sent.push({ event, subject: r.subject });
    }
    if (this.o.nats === null) return;
    const nats = this.o.nats;
    this.loops.push((async () => {
      this.link = await NatsLink.open({ name: 'cityops operator actions', ...nats }, (why) => (this.lastError = why), () => this.closed);
      await this.ensureStream();
      // an empty stream although this engine published to it: the stream was lost and recreated;
      // this engine's own actions are published again from its outbox (same ids), in their order
      if (sent.length > 0 && (await this.streamMessages()) === 0) {
        this.lastError = `stream ${this.o.stream} was empty: republishing this engine's ${sent.length} operator action(s) from its outbox`;
        const again = new Map(sent.map((x) => [x.event.id, { ...x, published: false }]));
        for (const [id, p] of this.pending) again.set(id, p);
        this.pending.clear();
        for (const [id, p] of again) this.pending.set(id, p);
      }
      this.loops.push(this.publishLoop());
      await this.consumeLoop();
    })().catch((e: unknown) => {
      if (!this.closed) this.lastError = e instanceof Error ? e.message : String(e);
    }));
  }

  /** Records the action in the outbox and hands it to the stream; resolves with the event once it is durable locally. */
  async submit(action: OpsAction, device: string, role: Role): Promise<OpsEvent> {
    const event: OpsEvent = { id: newEventId(), ts: Date.now(), device, role, action };
    const subject = opsSubject(action.kind);
    const seq = ++this.localSeq;
    await this.writer.exclusive((c) => insertOutbox(c, event.id, seq, subject, JSON.stringify(event)));
    if (this.o.nats === null) {
      this.applyEvent(event, null);
      await this.markSent(event.id, null);
      return event;
    }
    this.pending.set(event.id, { event, subject, published: false });
    this.wake?.();
    return event;
  }

  pendingActions(): PendingAction[] {
    return [...this.pending.values()].map((p) => ({ id: p.event.id, kind: p.event.action.kind, ts: p.event.ts, device: p.event.device, published: p.published }));
  }

  status(): ActionStreamStatus {
    return {
      mode: this.o.nats === null ? 'local' : 'jetstream',
      connected: this.o.nats === null ? true : (this.link?.connected ?? false),
      stream: this.o.nats === null ? null : this.o.stream,
      lastSeq: this.lastSeq, pending: this.pending.size, invalid: this.invalid,
      lastError: this.lastError ?? this.source?.status().lastError ?? this.link?.lastError ?? null,
    };
  }

  /** Resolves when every event applied so far is in the operator action log (or its write failed and was reported). */
  async flushLog(): Promise<void> {
    for (let attempt = 0; attempt < 3 && (this.toLog.length > 0 || this.logFlush); attempt++) {
      if (!this.logFlush) this.scheduleLog();
      await this.logFlush;
    }
  }

  private scheduleLog(): void {
    if (this.logFlush || this.toLog.length === 0) return;
    const rows = this.toLog;
    this.toLog = [];
    this.logFlush = this.writer.exclusive((c) => insertOpsLog(c, rows)).then(
      () => undefined,
      (err: unknown) => {
        // kept for the next attempt: the log must not lose an action the state applied
        this.toLog = [...rows, ...this.toLog];
        this.lastError = `writing the operator action log: ${err instanceof Error ? err.message : String(err)}`;
        return sleep(RETRY_MS);
      },
    ).finally(() => {
      this.logFlush = null;
      if (!this.closed) this.scheduleLog();
    });
  }

  private applyEvent(e: OpsEvent, streamSeq: number | null): void {
    if (this.seen.has(e.id)) return; // published twice (after the duplicate window): the first copy counts
    this.seen.add(e.id);
    if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.values().next().value as string);
    const r = this.state.apply(e);
    this.pending.delete(e.id);
    if (!this.logged.has(e.id)) {
      this.logged.add(e.id);
      this.toLog.push({ event: e, streamSeq, applied: r, appliedAtMs: Date.now() });
      this.scheduleLog();
    }
    for (const fn of this.listeners) {
      try {
        fn(e, r);
      } catch {
        // a listener's failure must not stop the stream
      }
    }
  }

  private async ensureStream(): Promise<void> {
    if (!this.link) return;
    const jsm = await jetstreamManager(this.link.nc);
    const windowNs = Math.min(this.o.duplicateWindowS ?? DEFAULT_OPS_DUPLICATE_WINDOW_S, this.o.maxAgeDays * 86_400) * 1e9;
    try {
      const info = await jsm.streams.info(this.o.stream);
      // a stream made with a shorter window (an older engine) is widened when this engine may manage streams
      if (this.o.createStream && info.config.duplicate_window < windowNs) {
        await jsm.streams.update(this.o.stream, { duplicate_window: windowNs });
      }
      return;
    } catch (e) {
      if (!(e instanceof JetStreamApiError) || e.code !== JetStreamApiCodes.StreamNotFound) throw e;
    }
    if (!this.o.createStream) throw new Error(`JetStream stream ${this.o.stream} for operator actions does not exist and creating it is not allowed`);
    await jsm.streams.add({ name: this.o.stream, subjects: [OPS_SUBJECT_ALL], max_age: this.o.maxAgeDays * 86_400 * 1e9, duplicate_window: windowNs });
  }

  private async streamMessages(): Promise<number> {
    if (!this.link) return 0;
    const info = await (await jetstreamManager(this.link.nc)).streams.info(this.o.stream);
    return info.state.messages;
  }

  /**
   * Reads the OPS stream in order through the same reader as the city's feed: an ordered consumer
   * with the feed watchdog, so a dead node serving it is replaced within seconds (without it, a
   * cluster node's death held every engine's operator actions back for up to 90 s, measured), and
   * removed messages are reported.
   */
  private async consumeLoop(): Promise<void> {
    if (!this.link) return;
    const source = new JetStreamSource(this.link, { stream: this.o.stream, consumer: 'operator actions', create: false, stallMs: this.o.stallMs });
    this.source = source;
    const dec = new TextDecoder();
    for await (const chunk of source.chunks(this.lastSeq)) {
      for (let i = 0; i < chunk.length; i++) {
        const seq = chunk.seq(i) as number;
        if (seq <= this.lastSeq) continue;
        this.lastSeq = seq;
        let event: OpsEvent;
        try {
          event = OpsEventSchema.parse(JSON.parse(dec.decode(chunk.data(i))));
        } catch (e) {
          // a malformed event on ops.> is counted and shown in the status, never applied
          this.invalid++;
          this.lastError = `invalid operator event at ${this.o.stream} #${seq}: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`;
          continue;
        }
        this.applyEvent(event, seq);
      }
    }
  }

  private async publishLoop(): Promise<void> {
    while (!this.closed && this.link) {
      const next = [...this.pending.values()].find((p) => !p.published);
      if (!next || !this.link.connected) {
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, RETRY_MS);
        });
        this.wake = null;
        continue;
      }
      try {
        const ack = await jetstream(this.link.nc).publish(next.subject, JSON.stringify(next.event), { msgID: next.event.id, timeout: 5_000 });
        next.published = true;
        await this.markSent(next.event.id, ack.seq);
      } catch (e) {
        this.lastError = `publishing an operator action: ${e instanceof Error ? e.message : String(e)}`;
        await sleep(RETRY_MS);
      }
    }
  }

  private async markSent(id: string, seq: number | null): Promise<void> {
    await this.writer.exclusive((c) => insertSent(c, id, seq));
  }

  async close(): Promise<void> {
    await this.flushLog().catch(() => undefined);
    this.closed = true;
    this.wake?.();
    await this.source?.close();
    await this.link?.close();
    await Promise.allSettled(this.loops);
  }
}
