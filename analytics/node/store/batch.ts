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
}
