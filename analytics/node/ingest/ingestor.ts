import { decodeMessage, type Decoded } from '../../common/decode.js';
import type { EventPush } from '../../common/engineApi.js';
import type { AlarmTransition } from '../../common/ops/alarmTransition.js';
import type { FeedMessage, FeedSource } from '../feeds/feedSource.js';
import { Batch, type IngestCounts, type Origin } from '../store/batch.js';
import type { BatchWriter, CommitResult } from '../store/batchWriter.js';
import { DEFAULT_RETENTION } from '../store/maintenance.js';
import { errorMessage, storeErrorClass } from '../store/storeErrors.js';
import type { FreshnessTracker } from './freshness.js';
import type { IdMemory } from './idMemory.js';
import { sleep } from '../../common/vocabulary.js';

export interface IngestOptions {
  /** A batch commits when it holds this many received items... */
  maxBatch: number;
  /** ...or when its first item has waited this long. */
  maxDelayMs: number;
  /**
   * Raw data is kept this many days (the engine's `retention.rawDays`): older readings, events and
   * inspections are quarantined as expired at the door instead of being stored and then deleted.
   */
  retentionDays?: number;
}

/** Runs on a full batch before it commits (alarm evaluation adds its transitions to the batch). */
export type BeforeCommit = (batch: Batch) => void;

export const DEFAULT_INGEST: IngestOptions = { maxBatch: 20_000, maxDelayMs: 50, retentionDays: DEFAULT_RETENTION.rawDays };

const DAY_MS = 86_400_000;
const MAX_BACKOFF_MS = 5_000;

export interface CommittedBatch {
  readings: number;
  /** The oldest and newest data time among the batch's readings (NaN when it has none). */
  oldestTsMs: number;
  newestTsMs: number;
  lastSeq: number | null;
  events: EventPush[];
  alarms: AlarmTransition[];
  assets: Batch['assets'];
  inspections: Batch['inspections'];
  committedAtMs: number;
}

export interface IngestState {
  totals: IngestCounts;
  committedSeq: number;
  batches: number;
  lastCommitMs: number | null;
  running: boolean;
  lastError: string | null;
  /** A commit failed for the environment (disk, I/O, memory) and is being retried with backoff. */
  retrying: boolean;
  /** Rows the database refused, quarantined as store_rejected since the engine started. */
  storeRejected: number;
}

const MAX_EVENTS_PER_NOTICE = 200;

/**
 * Takes messages from a feed, decodes and validates each, drops repeated ids, quarantines the bad
 * ones with a reason and commits batches through the single writer. Memory is bounded: at most one
 * batch is being filled while the previous one commits, and the source is not read meanwhile.
 */
export class Ingestor {
  readonly state: IngestState;
  private listeners = new Set<(b: CommittedBatch) => void>();
  private stopping = false;
  private loop: Promise<void> | null = null;
  beforeCommit: BeforeCommit | null = null;

  constructor(
    private readonly source: FeedSource,
    private readonly writer: BatchWriter,
    private readonly ids: IdMemory,
    private readonly freshness: FreshnessTracker,
    totals: IngestCounts,
    committedSeq: number,
    private readonly options: IngestOptions = DEFAULT_INGEST,
  ) {
    this.state = { totals: { ...totals }, committedSeq, batches: 0, lastCommitMs: null, running: false, lastError: null, retrying: false, storeRejected: 0 };
  }

  onCommit(fn: (b: CommittedBatch) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    // a failure that escapes the loop stops ingest visibly (health: running false, the reason) instead of crashing the process
    this.loop ??= this.run().catch((e: unknown) => {
      this.state.lastError = `ingest stopped: ${e instanceof Error ? e.message : String(e)}`;
    });
  }

  private async run(): Promise<void> {
    this.state.running = true;
    const it = this.source.messages(this.state.committedSeq)[Symbol.asyncIterator]();
    let pendingNext: Promise<IteratorResult<FeedMessage>> | null = null;
    let batch = new Batch();
    let inFlight: Promise<void> = Promise.resolve();
    // while the previous batch commits, the loop keeps taking (and judging alarms) into the next
    // batch until that one is full; only a full batch waits for the writer
    let committing = false;
    let committed: Promise<'committed'> = Promise.resolve('committed');
    try {
      // One deadline per batch (not a timer per message): it wakes the loop when a batch has waited
      // maxDelayMs for more messages that do not come.
      let deadline: Promise<'timeout'> | null = null;
      let timer: NodeJS.Timeout | undefined;
      while (!this.stopping) {
        pendingNext ??= it.next();
        if (batch.size > 0 && deadline === null) {
          const ms = Math.max(0, batch.startedMs + this.options.maxDelayMs - Date.now());
          deadline = new Promise((r) => (timer = setTimeout(() => r('timeout'), ms)));
        }
        const r = deadline === null ? await pendingNext : await Promise.race([pendingNext, committing ? committed : deadline]);
        if (r !== 'timeout' && r !== 'committed') {
          pendingNext = null;
          if (r.done) break;
          this.take(batch, r.value);
          // alarms are judged as readings arrive, not when their batch closes
          if (batch.readings.length > batch.alarmsJudged) this.prepare(batch);
        }
        const full = batch.size >= this.options.maxBatch;
        const due = batch.size > 0 && (full || r === 'timeout' || Date.now() - batch.startedMs >= this.options.maxDelayMs);
        if (due && (full || !committing)) {
          clearTimeout(timer);
          deadline = null;
          this.prepare(batch);
          await inFlight;
          inFlight = this.commit(batch);
          committing = true;
          const settle = (): 'committed' => {
            committing = false;
            return 'committed';
          };
          committed = inFlight.then(settle, settle);
          batch = new Batch();
        }
      }
      clearTimeout(timer);
      if (batch.size > 0) this.prepare(batch);
      await inFlight;
      if (batch.size > 0) await this.commit(batch);
    } finally {
      this.state.running = false;
      await it.return?.().catch(() => undefined);
    }
  }

  private prepare(batch: Batch): void {
    try {
      this.beforeCommit?.(batch);
    } catch (e) {
      // alarm evaluation must never stop ingest; the failure is visible in health
      this.state.lastError = `before commit: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Decodes one message into the batch. Never throws. */
  private take(batch: Batch, m: FeedMessage): void {
    const now = Date.now();
    if (batch.messages === 0) batch.startedMs = now;
    batch.messages++;
    if (m.seq !== null) batch.lastSeq = m.seq;
    const d = this.decode(m, now);
    const c = batch.counts;
    const quarantine = (reason: Parameters<Batch['quarantine']['push']>[0]): void => {
      batch.quarantine.push(reason);
      c.received++;
      c.quarantined++;
    };
    if (d.kind === 'rejected') {
      for (const r of d.rejections) quarantine({ ...r, subject: m.subject, seq: m.seq, receivedMs: now });
      return;
    }
    const origin: Origin = { domain: d.domain, district: d.district, subject: m.subject, seq: m.seq, receivedMs: now };
    switch (d.kind) {
      case 'telemetry': {
        for (const r of d.rejections) quarantine({ ...r, subject: m.subject, seq: m.seq, receivedMs: now });
        let newest = 0;
        for (const r of d.readings) {
          c.received++;
          if (!this.ids.admit('reading', r.id)) {
            c.duplicates++;
            continue;
          }
          batch.readings.push(r, d.domain, d.district, d.asset, m.seq);
          c.stored++;
          if (r.tsMs > newest) newest = r.tsMs;
        }
        if (d.readings.length > 0) this.freshness.seen('telemetry', d.domain, d.district, newest, now);
        return;
      }
      case 'event':
        c.received++;
        this.freshness.seen('event', d.domain, d.district, d.tsMs, now);
        if (!this.ids.admit('event', d.event.id)) {
          c.duplicates++;
          return;
        }
        batch.events.push({ origin, tsMs: d.tsMs, event: d.event });
        c.stored++;
        return;
      case 'asset':
        // Every version is kept; the `assets` view picks the newest by ts.
        c.received++;
        this.freshness.seen('asset', d.domain, d.district, d.tsMs, now);
        batch.assets.push({ origin, tsMs: d.tsMs, record: d.record });
        c.stored++;
        return;
      case 'inspection':
        c.received++;
        this.freshness.seen('inspection', d.domain, d.district, d.tsMs, now);
        if (!this.ids.admit('inspection', d.inspection.id)) {
          c.duplicates++;
          return;
        }
        batch.inspections.push({ origin, tsMs: d.tsMs, inspection: d.inspection });
        c.stored++;
        return;
    }
  }

  /** The decoder never throws; should it ever, the message is quarantined rather than ingest stopped. */
  private decode(m: FeedMessage, now: number): Decoded {
    const days = this.options.retentionDays ?? DEFAULT_RETENTION.rawDays;
    try {
      return decodeMessage(m.subject, m.data, now, { oldestMs: now - days * DAY_MS });
    } catch (e) {
      const payload = new TextDecoder().decode(m.data.subarray(0, 4096));
      return { kind: 'rejected', rejections: [{ reason: 'schema', detail: `the decoder failed: ${errorMessage(e)}`, payload }] };
    }
  }

  /**
   * Commits a batch, retrying until it lands: a batch is never dropped. Rows the database refuses
   * are quarantined by the writer; what is left to retry is the environment (disk, I/O, memory) or a
   * failure no row can be blamed for, with backoff, and health says so.
   */
  private async commit(original: Batch): Promise<void> {
    let result: CommitResult;
    for (let attempt = 0; ; attempt++) {
      try {
        result = await this.writer.commit(original);
        break;
      } catch (e) {
        this.state.retrying = true;
        this.state.lastError = `commit failed (attempt ${attempt + 1}, ${storeErrorClass(e)}), retrying: ${errorMessage(e)}`;
        if (this.stopping && attempt >= 2) throw e;
        await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt));
      }
    }
    this.state.retrying = false;
    this.state.lastError = null;
    const batch = result.batch;
    for (const r of result.rejected) if (r.id !== null) this.ids.forget(r.id.kind, r.id.id);
    this.state.storeRejected += result.rejected.length;
    const t = this.state.totals;
    const c = batch.counts;
    t.received += c.received;
    t.stored += c.stored;
    t.quarantined += c.quarantined;
    t.duplicates += c.duplicates;
    if (batch.lastSeq !== null) {
      this.state.committedSeq = batch.lastSeq;
      this.source.ack(batch.lastSeq);
    }
    this.state.batches++;
    this.state.lastCommitMs = Date.now();
    let oldest = NaN;
    let newest = NaN;
    for (const t of batch.readings.tsMs) {
      if (!(t >= oldest)) oldest = t;
      if (!(t <= newest)) newest = t;
    }
    const notice: CommittedBatch = {
      readings: batch.readings.length, oldestTsMs: oldest, newestTsMs: newest,
      lastSeq: batch.lastSeq,
      events: batch.events.slice(-MAX_EVENTS_PER_NOTICE).map((e) => ({ domain: e.origin.domain, district: e.origin.district, tsMs: e.tsMs, event: e.event })),
      alarms: batch.alarms, assets: batch.assets, inspections: batch.inspections,
      committedAtMs: this.state.lastCommitMs,
    };
    for (const fn of this.listeners) {
      try {
        fn(notice);
      } catch {
        // a listener's failure must not stop ingest
      }
    }
  }

  /** Stops reading, commits what was taken, and returns when the last commit has landed. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.source.close();
    await this.loop?.catch(() => undefined);
  }
}
