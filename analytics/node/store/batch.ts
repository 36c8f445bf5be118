import type { Domain } from '../../common/city.js';
import type { AssetRecord, CityEvent, Inspection, PermitsRecord } from '../../common/feedSchemas.js';
import type { DecodedReading, Rejection } from '../../common/decode.js';
import type { AlarmTransition } from '../../common/ops/alarmTransition.js';

/** One time series of a batch: the text every reading of it shares. */
export interface Series {
  domain: Domain;
  district: string;
  asset: string;
  metric: string;
  unit: string | null;
}

/**
 * The readings of one decoded chunk as columns; `seriesIx` points into `series`, `seq` is NaN without a
 * stream. Ids are UTF-8 bytes end to end (`idBytes`, reading i's from `idEnd[i - 1]` (0 for the first)
 * to `idEnd[i]`): no string per reading on ingest's thread.
 */
export interface ReadingChunk {
  length: number;
  tsMs: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
  seriesIx: Int32Array;
  seq: Float64Array;
  idBytes: Uint8Array;
  idEnd: Uint32Array;
  series: Series[];
}

/** The rows a decoded chunk of messages adds to a batch, its counts and the position it reaches. */
export interface ChunkRows {
  messages: number;
  lastSeq: number | null;
  /** When the chunk was decoded: the received time of its rows. */
  receivedMs: number;
  counts: IngestCounts;
  readings: ReadingChunk;
  events: Batch['events'];
  assets: Batch['assets'];
  inspections: Batch['inspections'];
  /** Permits records (absent from chunks decoded by code that predates them). */
  permits?: Batch['permits'];
  quarantine: QuarantineRow[];
}

const utf8 = new TextEncoder();
const utf8Text = new TextDecoder();

/**
 * Readings of one batch, kept as typed columns (their memory outside the garbage collector's young
 * space: a batch lives through several collections), which is how they go into DuckDB. The text a
 * series shares is stored once per batch (`series`), each reading points at it by index; ids are
 * UTF-8 bytes. Columns hold `length` rows; their capacity grows by doubling.
 */
export class ReadingColumns implements ReadingChunk {
  length = 0;
  tsMs = new Float64Array(256);
  seriesIx = new Int32Array(256);
  value = new Float64Array(256);
  quality = new Uint8Array(256);
  /** The stream sequence, NaN without one. */
  seq = new Float64Array(256);
  idBytes = new Uint8Array(4096);
  idEnd = new Uint32Array(256);
  readonly series: Series[] = [];
  private readonly seriesIndex = new Map<string, number>();

  /**
   * Empties the columns and keeps their capacity, for the next batch: a batch's columns are
   * allocated once and reused, instead of growing new ones by doubling for every batch (memory
   * outside the JavaScript heap whose churn forces full collections on ingest's thread).
   */
  reset(): void {
    this.length = 0;
    this.series.length = 0;
    this.seriesIndex.clear();
  }

  /** Bytes its columns hold, used or not. */
  get capacityBytes(): number {
    return this.tsMs.byteLength + this.seriesIx.byteLength + this.value.byteLength + this.quality.byteLength + this.seq.byteLength + this.idBytes.byteLength + this.idEnd.byteLength;
  }

  /** Reading `i`'s id. */
  id(i: number): string {
    return utf8Text.decode(this.idBytes.subarray(this.idStart(i), this.idEnd[i]));
  }

  idStart(i: number): number {
    return i === 0 ? 0 : (this.idEnd[i - 1] as number);
  }

  push(r: DecodedReading, domain: Domain, district: string, asset: string, seq: number | null): void {
    const i = this.room(1, r.id.length * 3);
    this.tsMs[i] = r.tsMs;
    this.seriesIx[i] = this.seriesOf(domain, district, asset, r.metric, r.unit);
    this.value[i] = r.value;
    this.quality[i] = QUALITY_CODE[r.quality];
    this.seq[i] = seq ?? NaN;
    const at = this.idStart(i);
    this.idEnd[i] = at + utf8.encodeInto(r.id, this.idBytes.subarray(at)).written;
    this.length++;
  }

  /** Appends a decoded chunk's readings (their series joined to the batch's): one copy per column. */
  appendChunk(c: ReadingChunk): void {
    const n = c.length;
    if (n === 0) return;
    const idBytes = c.idEnd[n - 1] as number;
    const at = this.room(n, idBytes);
    const base = this.idStart(at);
    this.tsMs.set(c.tsMs.subarray(0, n), at);
    this.value.set(c.value.subarray(0, n), at);
    this.quality.set(c.quality.subarray(0, n), at);
    this.seq.set(c.seq.subarray(0, n), at);
    this.idBytes.set(c.idBytes.subarray(0, idBytes), base);
    const map = c.series.map((s) => this.seriesOf(s.domain, s.district, s.asset, s.metric, s.unit));
    for (let i = 0; i < n; i++) {
      this.seriesIx[at + i] = map[c.seriesIx[i] as number] as number;
      this.idEnd[at + i] = base + (c.idEnd[i] as number);
    }
    this.length += n;
  }

  /** Appends reading `i` of `from` (splitting a batch whose commit the database refused). */
  copyRow(from: ReadingColumns, i: number): void {
    const s = from.series[from.seriesIx[i] as number] as Series;
    const idFrom = from.idStart(i);
    const idLen = (from.idEnd[i] as number) - idFrom;
    const k = this.room(1, idLen);
    this.tsMs[k] = from.tsMs[i] as number;
    this.seriesIx[k] = this.seriesOf(s.domain, s.district, s.asset, s.metric, s.unit);
    this.value[k] = from.value[i] as number;
    this.quality[k] = from.quality[i] as number;
    this.seq[k] = from.seq[i] as number;
    const at = this.idStart(k);
    // byte by byte: no view per reading (see IdMemory.admitBytes)
    for (let b = 0; b < idLen; b++) this.idBytes[at + b] = from.idBytes[idFrom + b] as number;
    this.idEnd[k] = at + idLen;
    this.length++;
  }

  qualityName(i: number): (typeof QUALITIES)[number] {
    return QUALITIES[this.quality[i] ?? 0] ?? 'good';
  }

  /** Makes room for `rows` more rows and `bytes` more id bytes; returns the first new row's index. */
  private room(rows: number, bytes: number): number {
    const n = this.length;
    if (n + rows > this.tsMs.length) {
      let cap = this.tsMs.length;
      while (cap < n + rows) cap *= 2;
      this.tsMs = grown(this.tsMs, new Float64Array(cap), n);
      this.seriesIx = grown(this.seriesIx, new Int32Array(cap), n);
      this.value = grown(this.value, new Float64Array(cap), n);
      this.quality = grown(this.quality, new Uint8Array(cap), n);
      this.seq = grown(this.seq, new Float64Array(cap), n);
      this.idEnd = grown(this.idEnd, new Uint32Array(cap), n);
    }
    const used = this.idStart(n);
    if (used + bytes > this.idBytes.length) {
      let cap = this.idBytes.length;
      while (cap < used + bytes) cap *= 2;
      this.idBytes = grown(this.idBytes, new Uint8Array(cap), used);
    }
    return n;
  }

  private seriesOf(domain: Domain, district: string, asset: string, metric: string, unit: string | null): number {
    const key = `${domain}.${district}.${asset}.${metric}|${unit ?? ''}|${unit === null ? 0 : 1}`;
    let ix = this.seriesIndex.get(key);
    if (ix === undefined) {
      ix = this.series.length;
      this.series.push({ domain, district, asset, metric, unit });
      this.seriesIndex.set(key, ix);
    }
    return ix;
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array | Uint32Array>(from: T, to: T, n: number): T {
  to.set(from.subarray(0, n) as never);
  return to;
}

export const QUALITIES = ['good', 'suspect', 'bad'] as const;
const QUALITY_CODE = { good: 0, suspect: 1, bad: 2 } as const;

export interface Origin {
  domain: Domain;
  district: string;
  subject: string;
  seq: number | null;
  receivedMs: number;
}

export interface QuarantineRow extends Rejection {
  subject: string;
  seq: number | null;
  receivedMs: number;
}

export interface IngestCounts {
  received: number;
  stored: number;
  quarantined: number;
  duplicates: number;
}

/** Everything one transaction commits, with the stream position it reaches. */
export class Batch {
  /** `readings`: empty columns to fill (reused from a committed batch), or new ones. */
  constructor(readonly readings = new ReadingColumns()) {}

  readonly events: { origin: Origin; tsMs: number; event: CityEvent }[] = [];
  readonly assets: { origin: Origin; tsMs: number; record: AssetRecord }[] = [];
  readonly inspections: { origin: Origin; tsMs: number; inspection: Inspection }[] = [];
  readonly permits: { origin: Origin; tsMs: number; record: PermitsRecord }[] = [];
  readonly quarantine: QuarantineRow[] = [];
  /** Alarm transitions the batch's readings caused: committed with them, so a restart neither loses nor repeats one. */
  readonly alarms: AlarmTransition[] = [];
  /** How many of the readings the alarm rules have judged so far (they are judged as they are taken). */
  alarmsJudged = 0;
  /** Per series of the batch: whether a rule watches it (filled as series appear). */
  readonly watched: boolean[] = [];
  readonly counts: IngestCounts = { received: 0, stored: 0, quarantined: 0, duplicates: 0 };
  /** Highest stream sequence in the batch; null for sources without one. */
  lastSeq: number | null = null;
  messages = 0;
  /** When the batch's first message was taken: the received_at of its readings. */
  startedMs = 0;

  get size(): number {
    return this.counts.received;
  }

  /** Adds a decoded chunk: its rows, counts and position. */
  add(d: ChunkRows): void {
    if (this.messages === 0) this.startedMs = d.receivedMs;
    this.messages += d.messages;
    if (d.lastSeq !== null) this.lastSeq = d.lastSeq;
    const c = this.counts;
    c.received += d.counts.received;
    c.stored += d.counts.stored;
    c.quarantined += d.counts.quarantined;
    c.duplicates += d.counts.duplicates;
    this.readings.appendChunk(d.readings);
    for (const e of d.events) this.events.push(e);
    for (const a of d.assets) this.assets.push(a);
    for (const i of d.inspections) this.inspections.push(i);
    for (const x of d.permits ?? []) this.permits.push(x);
    for (const q of d.quarantine) this.quarantine.push(q);
  }
}
