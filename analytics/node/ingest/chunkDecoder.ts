import type { Domain } from '../../common/city.js';
import { decodeMessage, type Decoded, type Rejection } from '../../common/decode.js';
import type { FeedChunk } from '../feeds/feedChunk.js';
import type { Batch, ChunkRows, IngestCounts, Origin, QuarantineRow, ReadingChunk, Series } from '../store/batch.js';
import { errorMessage } from '../store/storeErrors.js';
import type { FeedKind } from '../../common/city.js';
import type { IdMemory } from './idMemory.js';

const DAY_MS = 86_400_000;

/** One feed's messages in a chunk, for the freshness tracker: how many, and the newest data time. */
export interface FeedSeen {
  kind: FeedKind;
  domain: string;
  district: string;
  tsMs: number;
  count: number;
}

/** What decoding a chunk gives ingest: everything a batch needs but the judgement of repeated ids. */
export interface DecodedChunk extends ChunkRows {
  seen: FeedSeen[];
}

const QUALITY_CODE = { good: 0, suspect: 1, bad: 2 } as const;

/**
 * Decodes and validates a chunk's messages and sorts them into columns and rows; the bad ones
 * become quarantine rows with their reason. Never throws, keeps no state: the same code runs in the
 * decode thread and, without one, on ingest's own thread, and verdicts do not depend on where.
 * Repeated ids are judged after, on ingest's thread, by {@link admitChunk}.
 */
/** Messages decoded between two looks at whether to wait (a few hundred microseconds of work). */
export const YIELD_EVERY = 16;

export class ChunkDecoder {
  constructor(private readonly retentionDays: number) {}

  /**
   * `between`, when given, is called every {@link YIELD_EVERY} messages (the decode thread waits
   * there, briefly, while a wall's query runs).
   */
  decode(chunk: FeedChunk, now = Date.now(), between?: () => void, spare?: ReadingBuffers): DecodedChunk {
    const n = chunk.length;
    const out = new ChunkBuilder(n, now, spare);
    const oldestMs = now - this.retentionDays * DAY_MS;
    for (let i = 0; i < n; i++) {
      if (between && i % YIELD_EVERY === 0) between();
      const subject = chunk.subjects[i] as string;
      const seq = chunk.seq(i);
      const d = this.decodeOne(subject, chunk.data(i), now, oldestMs);
      out.take(d, subject, seq);
    }
    out.lastSeq = chunk.lastSeq;
    return out.finish();
  }

  /** The decoder never throws; should it ever, the message is quarantined rather than ingest stopped. */
  private decodeOne(subject: string, data: Uint8Array, now: number, oldestMs: number): Decoded {
    try {
      return decodeMessage(subject, data, now, { oldestMs });
    } catch (e) {
      const payload = new TextDecoder().decode(data.subarray(0, 4096));
      return { kind: 'rejected', rejections: [{ reason: 'schema', detail: `the decoder failed: ${errorMessage(e)}`, payload }] };
    }
  }
}

/** Fills one chunk's columns and rows. */
class ChunkBuilder {
  private tsMs: Float64Array;
  private value: Float64Array;
  private quality: Uint8Array;
  private seriesIx: Int32Array;
  private seq: Float64Array;
  private idBytes: Uint8Array;
  private idEnd: Uint32Array;
  private readonly series: Series[] = [];
  /** subject → metric → unit ('' and null apart) → series index: no key string per reading. */
  private readonly seriesBySubject = new Map<string, Map<string, Map<string | null, number>>>();
  private readonly feeds = new Map<string, FeedSeen>();
  private count = 0;
  readonly events: Batch['events'] = [];
  readonly assets: Batch['assets'] = [];
  readonly inspections: Batch['inspections'] = [];
  readonly permits: Batch['permits'] = [];
  readonly quarantine: QuarantineRow[] = [];
  readonly counts: IngestCounts = { received: 0, stored: 0, quarantined: 0, duplicates: 0 };
  lastSeq: number | null = null;

  constructor(private readonly messages: number, private readonly now: number, spare?: ReadingBuffers) {
    const cap = Math.max(16, messages);
    const rows = spare ? spareRows(spare) : 0;
    if (spare && rows >= cap) {
      this.tsMs = new Float64Array(spare.tsMs);
      this.value = new Float64Array(spare.value);
      this.quality = new Uint8Array(spare.quality);
      this.seriesIx = new Int32Array(spare.seriesIx);
      this.seq = new Float64Array(spare.seq);
      this.idEnd = new Uint32Array(spare.idEnd);
      this.idBytes = new Uint8Array(spare.idBytes);
      return;
    }
    this.tsMs = new Float64Array(cap);
    this.value = new Float64Array(cap);
    this.quality = new Uint8Array(cap);
    this.seriesIx = new Int32Array(cap);
    this.seq = new Float64Array(cap);
    this.idEnd = new Uint32Array(cap);
    this.idBytes = new Uint8Array(cap * 32);
  }

  take(d: Decoded, subject: string, seq: number | null): void {
    const now = this.now;
    const c = this.counts;
    if (d.kind === 'rejected') {
      for (const r of d.rejections) this.reject(r, subject, seq);
      return;
    }
    const origin = (): Origin => ({ domain: d.domain, district: d.district, subject, seq, receivedMs: now });
    switch (d.kind) {
      case 'telemetry': {
        for (const r of d.rejections) this.reject(r, subject, seq);
        let newest = 0;
        let units: Map<string, Map<string | null, number>> | undefined;
        for (const r of d.readings) {
          c.received++;
          units ??= this.seriesOf(subject);
          this.reading(r.tsMs, r.value, QUALITY_CODE[r.quality], this.seriesIndex(units, d.domain, d.district, d.asset, r.metric, r.unit), seq, r.id);
          c.stored++;
          if (r.tsMs > newest) newest = r.tsMs;
        }
        if (d.readings.length > 0) this.seen('telemetry', d.domain, d.district, newest);
        return;
      }
      case 'event':
        c.received++;
        this.seen('event', d.domain, d.district, d.tsMs);
        c.stored++;
        this.events.push({ origin: origin(), tsMs: d.tsMs, event: d.event });
        return;
      case 'asset':
        // Every version is kept; the `assets` view picks the newest by ts.
        c.received++;
        this.seen('asset', d.domain, d.district, d.tsMs);
        this.assets.push({ origin: origin(), tsMs: d.tsMs, record: d.record });
        c.stored++;
        return;
      case 'inspection':
        c.received++;
        this.seen('inspection', d.domain, d.district, d.tsMs);
        c.stored++;
        this.inspections.push({ origin: origin(), tsMs: d.tsMs, inspection: d.inspection });
        return;
      case 'permit':
        // every version is kept, like registry records; the newest by ts wins
        c.received++;
        this.seen('permit', d.domain, d.district, d.tsMs);
        this.permits.push({ origin: origin(), tsMs: d.tsMs, record: d.permits });
        c.stored++;
        return;
    }
  }

  finish(): DecodedChunk {
    const n = this.count;
    return {
      messages: this.messages, lastSeq: this.lastSeq, receivedMs: this.now, counts: this.counts,
      // views of the first n rows: the buffers themselves cross to ingest's thread, which hands them back for reuse
      readings: {
        length: n, tsMs: this.tsMs.subarray(0, n), value: this.value.subarray(0, n), quality: this.quality.subarray(0, n),
        seriesIx: this.seriesIx.subarray(0, n), seq: this.seq.subarray(0, n),
        idBytes: this.idBytes.subarray(0, n === 0 ? 0 : this.idEnd[n - 1]), idEnd: this.idEnd.subarray(0, n), series: this.series,
      },
      events: this.events, assets: this.assets, inspections: this.inspections, permits: this.permits, quarantine: this.quarantine,
      seen: [...this.feeds.values()],
    };
  }

  private reject(r: Rejection, subject: string, seq: number | null): void {
    this.quarantine.push({ ...r, subject, seq, receivedMs: this.now });
    this.counts.received++;
    this.counts.quarantined++;
  }

  private seen(kind: FeedKind, domain: string, district: string, tsMs: number): void {
    const key = `${kind}.${domain}.${district}`;
    const f = this.feeds.get(key);
    if (!f) this.feeds.set(key, { kind, domain, district, tsMs, count: 1 });
    else {
      f.count++;
      if (tsMs > f.tsMs) f.tsMs = tsMs;
    }
  }

  private seriesOf(subject: string): Map<string, Map<string | null, number>> {
    let m = this.seriesBySubject.get(subject);
    if (!m) this.seriesBySubject.set(subject, (m = new Map()));
    return m;
  }

  private seriesIndex(units: Map<string, Map<string | null, number>>, domain: Domain, district: string, asset: string, metric: string, unit: string | null): number {
    let byUnit = units.get(metric);
    if (!byUnit) units.set(metric, (byUnit = new Map()));
    let ix = byUnit.get(unit);
    if (ix === undefined) {
      ix = this.series.length;
      this.series.push({ domain, district, asset, metric, unit });
      byUnit.set(unit, ix);
    }
    return ix;
  }

  private reading(tsMs: number, value: number, quality: number, seriesIx: number, seq: number | null, id: string): void {
    const i = this.count;
    if (i === this.tsMs.length) this.grow();
    this.tsMs[i] = tsMs;
    this.value[i] = value;
    this.quality[i] = quality;
    this.seriesIx[i] = seriesIx;
    this.seq[i] = seq ?? NaN;
    const at = i === 0 ? 0 : (this.idEnd[i - 1] as number);
    // an id is at most 128 UTF-16 units: 384 bytes of UTF-8
    if (at + id.length * 3 > this.idBytes.length) this.idBytes = grownBytes(this.idBytes, at + id.length * 3);
    // an ASCII id (the usual) byte by byte; otherwise through the encoder (a view per such id)
    let n = 0;
    const bytes = this.idBytes;
    for (; n < id.length; n++) {
      const c = id.charCodeAt(n);
      if (c >= 0x80) break;
      bytes[at + n] = c;
    }
    this.idEnd[i] = n === id.length ? at + n : at + utf8.encodeInto(id, bytes.subarray(at)).written;
    this.count++;
  }

  private grow(): void {
    const cap = this.tsMs.length * 2;
    const g = <T extends Float64Array | Uint8Array | Int32Array | Uint32Array>(a: T, b: T): T => {
      b.set(a as never);
      return b;
    };
    this.tsMs = g(this.tsMs, new Float64Array(cap));
    this.value = g(this.value, new Float64Array(cap));
    this.quality = g(this.quality, new Uint8Array(cap));
    this.seriesIx = g(this.seriesIx, new Int32Array(cap));
    this.seq = g(this.seq, new Float64Array(cap));
    this.idEnd = g(this.idEnd, new Uint32Array(cap));
  }
}

const utf8 = new TextEncoder();

/**
 * The buffers under a decoded chunk's reading columns, handed back to the decode thread once ingest
 * has copied the rows into its batch: the next chunk is decoded into them instead of new ones (at
 * full rate, new ones arriving on ingest's thread for every chunk would force full collections there).
 */
export interface ReadingBuffers {
  tsMs: ArrayBuffer;
  value: ArrayBuffer;
  quality: ArrayBuffer;
  seriesIx: ArrayBuffer;
  seq: ArrayBuffer;
  idBytes: ArrayBuffer;
  idEnd: ArrayBuffer;
}

/** The buffers under a chunk's columns, or null when they cannot be reused (shared, detached, or one buffer under two columns). */
export function readingBuffers(r: ReadingChunk): ReadingBuffers | null {
  const b = { tsMs: r.tsMs.buffer, value: r.value.buffer, quality: r.quality.buffer, seriesIx: r.seriesIx.buffer, seq: r.seq.buffer, idBytes: r.idBytes.buffer, idEnd: r.idEnd.buffer };
  const all = Object.values(b);
  if (all.some((x) => !(x instanceof ArrayBuffer) || x.byteLength === 0) || new Set(all).size !== all.length) return null;
  return b as ReadingBuffers;
}

export function buffersOf(b: ReadingBuffers): ArrayBuffer[] {
  return [b.tsMs, b.value, b.quality, b.seriesIx, b.seq, b.idBytes, b.idEnd];
}

/** Rows a set of reading buffers holds: 0 when its columns do not agree (it is then not used). */
function spareRows(b: ReadingBuffers): number {
  const rows = b.tsMs.byteLength / 8;
  const agree = b.value.byteLength === rows * 8 && b.seq.byteLength === rows * 8 && b.quality.byteLength === rows
    && b.seriesIx.byteLength === rows * 4 && b.idEnd.byteLength === rows * 4 && b.idBytes.byteLength > 0;
  return agree && Number.isInteger(rows) ? rows : 0;
}

function grownBytes(from: Uint8Array, atLeast: number): Uint8Array {
  let cap = from.length * 2;
  while (cap < atLeast) cap *= 2;
  const to = new Uint8Array(cap);
  to.set(from);
  return to;
}

/**
 * Drops what the id memory has seen (repeats of readings, events, inspections) from a decoded chunk
 * and counts them; remembers the rest. Runs on ingest's thread, in the order of the stream.
 */
export function admitChunk(d: DecodedChunk, ids: IdMemory): void {
  const r = d.readings;
  const bytes = r.idBytes;
  let kept = 0;
  let keptEnd = 0;
  for (let i = 0, start = 0; i < r.length; i++) {
    const end = r.idEnd[i] as number;
    if (ids.admitBytes('reading', bytes, start, end)) {
      if (kept !== i) {
        r.tsMs[kept] = r.tsMs[i] as number;
        r.value[kept] = r.value[i] as number;
        r.quality[kept] = r.quality[i] as number;
        r.seriesIx[kept] = r.seriesIx[i] as number;
        r.seq[kept] = r.seq[i] as number;
        bytes.copyWithin(keptEnd, start, end);
      }
      keptEnd += end - start;
      r.idEnd[kept] = keptEnd;
      kept++;
    }
    start = end;
  }
  let dropped = r.length - kept;
  r.length = kept;
  const events = d.events.filter((e) => ids.admit('event', e.event.id));
  const inspections = d.inspections.filter((x) => ids.admit('inspection', x.inspection.id));
  dropped += d.events.length - events.length + d.inspections.length - inspections.length;
  d.events = events;
  d.inspections = inspections;
  d.counts.stored -= dropped;
  d.counts.duplicates += dropped;
}
