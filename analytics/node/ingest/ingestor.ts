import type { EventPush } from '../../common/engineApi.js';
import type { AlarmTransition } from '../../common/ops/alarmTransition.js';
import type { FeedSource } from '../feeds/feedSource.js';
import { Batch, type IngestCounts, type ReadingColumns } from '../store/batch.js';
import { admitChunk, type DecodedChunk } from './chunkDecoder.js';
import { LocalDecoder, type Decoder } from './workerDecoder.js';
import type { BatchWriter, CommitResult } from '../store/batchWriter.js';
import { DEFAULT_RETENTION } from '../store/maintenance.js';
import { engineTurns } from '../store/threadTurns.js';
import { errorMessage, storeErrorClass } from '../store/storeErrors.js';
import type { FreshnessTracker } from './freshness.js';
import type { IdMemory } from './idMemory.js';
import { GiveWayBudget, giveWay, sleep } from '../../common/vocabulary.js';

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

const MAX_BACKOFF_MS = 5_000;
/** Chunks handed to the decoder and not yet taken back: enough to keep a decode thread busy while a batch commits. */
const DECODE_DEPTH = 4;

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
 * Committed batches' reading columns kept for the next batch: one batch fills while one commits, and
 * the next is made only after that commit has landed, so one set suffices. Columns grown past
 * {@link MAX_SPARE_BYTES} (a batch of unusually long ids) are let go.
 */
const SPARE_COLUMNS = 1;
const MAX_SPARE_BYTES = 16 << 20;

/**
 * Takes chunks of messages from a feed, has them decoded and validated (on a thread of its own when
 * the engine gives a {@link WorkerDecoder}), drops repeated ids, quarantines the bad ones with a
 * reason and commits batches through the single writer. Memory is bounded: at most one batch is
 * being filled while the previous one commits, at most {@link DECODE_DEPTH} chunks are being
 * decoded, and past that the source is not asked (a stream source stops reading at its own limit).
 */
export class Ingestor {
  readonly state: IngestState;
  private listeners = new Set<(b: CommittedBatch) => void>();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeReader: (() => void) | null = null;
  beforeCommit: BeforeCommit | null = null;
  /** Null when nothing waits; otherwise resolves when the queries ingest gives way to have ended. */
  giveWayTo: (() => Promise<void> | null) | null = null;
  /** The time ingest's thread gave way to queries (the engine bounds {@link giveWayTo} with it). */
  readonly gaveWay = new GiveWayBudget();
  readonly decoder: Decoder;
  private readonly spareColumns: ReadingColumns[] = [];

  constructor(
    private readonly source: FeedSource,
    private readonly writer: BatchWriter,
    private readonly ids: IdMemory,
    private readonly freshness: FreshnessTracker,
    totals: IngestCounts,
    committedSeq: number,
    private readonly options: IngestOptions = DEFAULT_INGEST,
    decoder?: Decoder,
  ) {
    this.decoder = decoder ?? new LocalDecoder(options.retentionDays ?? DEFAULT_RETENTION.rawDays);
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

  /**
   * Two loops: the reader takes chunks from the source and hands them to the decoder (at most
   * {@link DECODE_DEPTH} outstanding: past it, the source is not asked and stops reading), the
   * batcher takes them back decoded, in order, judges repeated ids and alarms, and commits batches.
   * While one batch commits the batcher fills the next; only a full batch waits for the writer.
   */
  private async run(): Promise<void> {
    this.state.running = true;
    const it = this.source.chunks(this.state.committedSeq)[Symbol.asyncIterator]();
    const decoded: Promise<DecodedChunk>[] = [];
    let readerDone = false;
    let signal: (() => void) | null = null;
    const poke = (): void => {
      const s = signal;
      signal = null;
      s?.();
    };
    let space: (() => void) | null = null;
    // a source or decoder that fails ends the reader; the batcher commits what it has and ingest stops, saying why
    let readerError: unknown = null;
    const reader = (async () => {
      try {
        while (!this.stopping) {
          while (decoded.length >= DECODE_DEPTH && !this.stopping) await new Promise<void>((r) => (space = r));
          if (this.stopping) break;
          const r = await it.next();
          if (r.done) break;
          // a wall's query in flight goes first: the decode thread is not handed more work meanwhile (bounded wait)
          await giveWay(this.giveWayTo);
          decoded.push(this.decoder.decode(r.value));
          poke();
        }
      } catch (e) {
        readerError = e;
      } finally {
        readerDone = true;
        poke();
      }
    })();
    const freeSpace = (): void => {
      const s = space;
      space = null;
      s?.();
    };
    this.wakeReader = freeSpace;

    let batch = this.newBatch();
    let inFlight: Promise<void> = Promise.resolve();
    let committing = false;
    let timer: NodeJS.Timeout | undefined;
    try {
      for (;;) {
        const next = decoded.shift();
        if (next !== undefined) {
          freeSpace();
          const d = await next;
          // taken in a turn of the event loop of its own: a chunk that arrived with the decode thread's
          // message would otherwise be taken in that same turn, and chunks waiting here back to back
          // (or beside a slice of a commit), while a wall's request (a WebSocket message) waited behind them
          await engineTurns.next();
          // given way right before the chunk is taken: a query asked while the decode thread worked goes first too
          await giveWay(this.giveWayTo);
          this.takeChunk(batch, d);
          // alarms are judged as readings arrive, not when their batch closes
          if (batch.readings.length > batch.alarmsJudged) this.prepare(batch);
        } else if (readerDone) {
          break;
        }
        const full = batch.size >= this.options.maxBatch;
        const due = batch.size > 0 && (full || Date.now() - batch.startedMs >= this.options.maxDelayMs);
        if (due && (full || !committing)) {
          clearTimeout(timer);
          timer = undefined;
          this.prepare(batch);
          await inFlight;
          committing = true;
          inFlight = this.commit(batch).finally(() => {
            committing = false;
            poke();
          });
          batch = this.newBatch();
          continue;
        }
        if (decoded.length > 0) continue;
        // nothing decoded waits: sleep until a chunk comes, the batch is due, or the commit in flight lands
        // (a due batch waiting for that commit needs no timer: the commit's end wakes the loop)
        await new Promise<void>((r) => {
          signal = r;
          if (batch.size > 0 && !due && timer === undefined) {
            timer = setTimeout(() => {
              timer = undefined;
              poke();
            }, Math.max(0, batch.startedMs + this.options.maxDelayMs - Date.now()));
          }
        });
      }
      clearTimeout(timer);
      if (batch.size > 0) this.prepare(batch);
      await inFlight;
      if (batch.size > 0) await this.commit(batch);
      if (readerError !== null && !this.stopping) throw readerError;
    } finally {
      this.state.running = false;
      clearTimeout(timer);
      this.wakeReader = null;
      freeSpace();
      await it.return?.().catch(() => undefined);
      await reader.catch(() => undefined);
    }
  }

  private newBatch(): Batch {
    return new Batch(this.spareColumns.pop());
  }

  /** A committed batch's reading columns, emptied, for a batch to come. */
  private spare(c: ReadingColumns): void {
    if (this.spareColumns.length >= SPARE_COLUMNS || c.capacityBytes > MAX_SPARE_BYTES || this.spareColumns.includes(c)) return;
    c.reset();
    this.spareColumns.push(c);
  }

  private prepare(batch: Batch): void {
    try {
      this.beforeCommit?.(batch);
    } catch (e) {
      // alarm evaluation must never stop ingest; the failure is visible in health
      this.state.lastError = `before commit: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Adds a decoded chunk to the batch: repeated ids dropped, freshness noted. Never throws. */
  private takeChunk(batch: Batch, d: DecodedChunk): void {
    admitChunk(d, this.ids);
    batch.add(d);
    for (const f of d.seen) this.freshness.seen(f.kind, f.domain, f.district, f.tsMs, d.receivedMs, f.count);
    // its rows are in the batch now: the decoder may decode the next chunks into its columns
    this.decoder.recycle(d);
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
    const r = batch.readings;
    for (let i = 0; i < r.length; i++) {
      const t = r.tsMs[i] as number;
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
    // nothing holds the batch's readings past its commit (the notice does not carry them)
    this.spare(original.readings);
  }

  /** Stops reading, commits what was taken, and returns when the last commit has landed. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeReader?.();
    await this.source.close();
    await this.loop?.catch(() => undefined);
    await this.decoder.close();
  }
}
