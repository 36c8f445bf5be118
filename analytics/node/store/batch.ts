import type { Domain } from '../../common/city.js';
import type { AssetRecord, CityEvent, Inspection } from '../../common/feedSchemas.js';
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

/** The readings of one decoded chunk as columns; `seriesIx` points into `series`, `seq` is NaN without a stream. */
export interface ReadingChunk {
  length: number;
  tsMs: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
  seriesIx: Int32Array;
  seq: Float64Array;
  msgId: string[];
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
  quarantine: QuarantineRow[];
}

/**
 * Readings of one batch, kept as columns: that is how they go into DuckDB. The text a series
 * shares is stored once per batch (`series`), each reading points at it by index.
 */
export class ReadingColumns {
  tsMs: number[] = [];
  seriesIx: number[] = [];
  value: number[] = [];
  quality: number[] = [];
  msgId: string[] = [];
  seq: (number | null)[] = [];
  readonly series: Series[] = [];
  private readonly seriesIndex = new Map<string, number>();

  get length(): number {
    return this.tsMs.length;
  }

  push(r: DecodedReading, domain: Domain, district: string, asset: string, seq: number | null): void {
    const ix = this.seriesOf(domain, district, asset, r.metric, r.unit);
    this.tsMs.push(r.tsMs);
    this.seriesIx.push(ix);
    this.value.push(r.value);
    this.quality.push(QUALITY_CODE[r.quality]);
    this.msgId.push(r.id);
    this.seq.push(seq);
  }

  /** Appends a decoded chunk's readings (their series joined to the batch's). */
  appendChunk(c: ReadingChunk): void {
    const map = c.series.map((s) => this.seriesOf(s.domain, s.district, s.asset, s.metric, s.unit));
    const { tsMs, seriesIx, value, quality, msgId, seq } = this;
    for (let i = 0; i < c.length; i++) {
      tsMs.push(c.tsMs[i] as number);
      seriesIx.push(map[c.seriesIx[i] as number] as number);
      value.push(c.value[i] as number);
      quality.push(c.quality[i] as number);
      msgId.push(c.msgId[i] as string);
      const q = c.seq[i] as number;
      seq.push(Number.isNaN(q) ? null : q);
    }
  }

  /** Appends reading `i` of `from` (splitting a batch whose commit the database refused). */
  copyRow(from: ReadingColumns, i: number): void {
    const s = from.series[from.seriesIx[i] as number] as Series;
    this.tsMs.push(from.tsMs[i] as number);
    this.seriesIx.push(this.seriesOf(s.domain, s.district, s.asset, s.metric, s.unit));
    this.value.push(from.value[i] as number);
    this.quality.push(from.quality[i] as number);
    this.msgId.push(from.msgId[i] as string);
    this.seq.push(from.seq[i] ?? null);
  }

  qualityName(i: number): (typeof QUALITIES)[number] {
    return QUALITIES[this.quality[i] ?? 0] ?? 'good';
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
  readonly readings = new ReadingColumns();
  readonly events: { origin: Origin; tsMs: number; event: CityEvent }[] = [];
  readonly assets: { origin: Origin; tsMs: number; record: AssetRecord }[] = [];
  readonly inspections: { origin: Origin; tsMs: number; inspection: Inspection }[] = [];
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
    for (const q of d.quarantine) this.quarantine.push(q);
  }
}
