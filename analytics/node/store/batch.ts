import type { Domain } from '../../common/city.js';
import type { AssetRecord, CityEvent, Inspection } from '../../common/feedSchemas.js';
import type { DecodedReading, Rejection } from '../../common/decode.js';

/** Readings of one batch, kept as columns: that is how they go into DuckDB. */
export class ReadingColumns {
  tsMs: number[] = [];
  domain: string[] = [];
  district: string[] = [];
  asset: string[] = [];
  metric: string[] = [];
  value: number[] = [];
  unit: (string | null)[] = [];
  quality: string[] = [];
  msgId: string[] = [];
  subject: string[] = [];
  seq: (number | null)[] = [];
  receivedMs: number[] = [];

  get length(): number {
    return this.tsMs.length;
  }

  push(r: DecodedReading, domain: Domain, district: string, asset: string, subject: string, seq: number | null, receivedMs: number): void {
    this.tsMs.push(r.tsMs);
    this.domain.push(domain);
    this.district.push(district);
    this.asset.push(asset);
    this.metric.push(r.metric);
    this.value.push(r.value);
    this.unit.push(r.unit);
    this.quality.push(r.quality);
    this.msgId.push(r.id);
    this.subject.push(subject);
    this.seq.push(seq);
    this.receivedMs.push(receivedMs);
  }
}

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
  readonly counts: IngestCounts = { received: 0, stored: 0, quarantined: 0, duplicates: 0 };
  /** Highest stream sequence in the batch; null for sources without one. */
  lastSeq: number | null = null;
  messages = 0;

  get size(): number {
    return this.counts.received;
  }
}
