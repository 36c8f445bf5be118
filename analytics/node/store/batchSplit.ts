import { telemetrySubject } from '../../common/subjects.js';
import type { IdKind } from '../ingest/idMemory.js';
import { Batch, type QuarantineRow } from './batch.js';
import { errorMessage, storeErrorClass } from './storeErrors.js';

/** One row of a batch, by kind and index. Alarm transitions are the batch's own and never split off. */
export interface RowRef {
  kind: 'reading' | 'event' | 'asset' | 'inspection' | 'permit' | 'quarantine';
  index: number;
}

/** A row the database refused on its own, with the database's words. */
export interface RejectedRow extends RowRef {
  error: string;
  /** The id the row held in the id memory (asset versions and quarantine rows hold none). */
  id: { kind: IdKind; id: string } | null;
}

const MAX_DETAIL = 2000;

function rowRefs(b: Batch): RowRef[] {
  const out: RowRef[] = [];
  const add = (kind: RowRef['kind'], n: number): void => {
    for (let index = 0; index < n; index++) out.push({ kind, index });
  };
  add('reading', b.readings.length);
  add('event', b.events.length);
  add('asset', b.assets.length);
  add('inspection', b.inspections.length);
  add('permit', b.permits.length);
  add('quarantine', b.quarantine.length);
  return out;
}

/** A batch of only the given rows: no alarms, no position, no counts (a probe commits nothing). */
function subset(b: Batch, refs: readonly RowRef[]): Batch {
  const s = new Batch();
  s.startedMs = b.startedMs;
  for (const r of refs) copyRow(b, s, r);
  return s;
}

function copyRow(from: Batch, to: Batch, r: RowRef): void {
  switch (r.kind) {
    case 'reading': to.readings.copyRow(from.readings, r.index); return;
    case 'event': to.events.push(from.events[r.index] as Batch['events'][number]); return;
    case 'asset': to.assets.push(from.assets[r.index] as Batch['assets'][number]); return;
    case 'inspection': to.inspections.push(from.inspections[r.index] as Batch['inspections'][number]); return;
    case 'permit': to.permits.push(from.permits[r.index] as Batch['permits'][number]); return;
    case 'quarantine': to.quarantine.push(from.quarantine[r.index] as QuarantineRow); return;
  }
}

const halves = (xs: RowRef[]): RowRef[][] => [xs.slice(0, xs.length >> 1), xs.slice(xs.length >> 1)];

/**
 * Finds the rows the database refuses by bisection: each probe inserts a part of the batch in a
 * transaction that is rolled back. An environment error ends the search (it is thrown: retry
 * later). A row is blamed when it fails alone with an error of the data, or with an unknown error
 * while other rows of the batch go in (a fault that every row meets is not the data's). Returns
 * [] when no row can be blamed.
 */
export async function findRejectedRows(b: Batch, probe: (part: Batch) => Promise<void>): Promise<RejectedRow[]> {
  const all = rowRefs(b);
  const failedAlone: { ref: RowRef; error: unknown }[] = [];
  let someWentIn = false;
  const pending = all.length > 1 ? halves(all) : [all];
  while (pending.length > 0) {
    const part = pending.pop() as RowRef[];
    if (part.length === 0) continue;
    const error = await probe(subset(b, part)).then(() => null, (e: unknown) => ({ e }));
    if (error === null) {
      someWentIn = true;
      continue;
    }
    if (storeErrorClass(error.e) === 'environment') throw error.e;
    if (part.length === 1) failedAlone.push({ ref: part[0] as RowRef, error: error.e });
    else pending.push(...halves(part));
  }
  return failedAlone
    .filter((f) => storeErrorClass(f.error) === 'data' || someWentIn)
    .map((f) => ({ ...f.ref, error: errorMessage(f.error), id: idOf(b, f.ref) }));
}

function idOf(b: Batch, r: RowRef): RejectedRow['id'] {
  switch (r.kind) {
    case 'reading': return { kind: 'reading', id: b.readings.id(r.index) };
    case 'event': return { kind: 'event', id: (b.events[r.index] as Batch['events'][number]).event.id };
    case 'inspection': return { kind: 'inspection', id: (b.inspections[r.index] as Batch['inspections'][number]).inspection.id };
    default: return null;
  }
}

/**
 * The batch without its refused rows, each of them in quarantine as `store_rejected` instead (the
 * database's error as detail, the row as payload), with the same alarms and stream position and
 * counts that still add up: a refused stored row becomes a quarantined one.
 */
export function withoutRejected(b: Batch, rejected: readonly RejectedRow[]): Batch {
  const out = new Batch();
  const refused = new Set(rejected.map((r) => `${r.kind}:${r.index}`));
  for (const ref of rowRefs(b)) if (!refused.has(`${ref.kind}:${ref.index}`)) copyRow(b, out, ref);
  for (const r of rejected) out.quarantine.push(quarantineRow(b, r));
  out.alarms.push(...b.alarms);
  out.alarmsJudged = b.alarmsJudged;
  Object.assign(out.counts, b.counts);
  const moved = rejected.filter((r) => r.kind !== 'quarantine').length;
  out.counts.stored -= moved;
  out.counts.quarantined += moved;
  out.lastSeq = b.lastSeq;
  out.messages = b.messages;
  out.startedMs = b.startedMs;
  return out;
}

function quarantineRow(b: Batch, r: RejectedRow): QuarantineRow {
  const detail = ascii(r.error).slice(0, MAX_DETAIL);
  const row = (subject: string, seq: number | null, receivedMs: number, payload: unknown): QuarantineRow =>
    ({ reason: 'store_rejected', detail, payload: ascii(JSON.stringify(payload)), subject, seq, receivedMs });
  switch (r.kind) {
    case 'reading': {
      const c = b.readings;
      const s = c.series[c.seriesIx[r.index] as number];
      const subject = s ? telemetrySubject(s.domain, s.district, s.asset) : 'city.telemetry';
      const seq = c.seq[r.index] as number;
      return row(subject, Number.isNaN(seq) ? null : seq, b.startedMs, {
        id: c.id(r.index), ts: c.tsMs[r.index], metric: s?.metric, value: c.value[r.index], unit: s?.unit, quality: c.qualityName(r.index),
      });
    }
    case 'event': {
      const e = b.events[r.index] as Batch['events'][number];
      return row(e.origin.subject, e.origin.seq, e.origin.receivedMs, e.event);
    }
    case 'asset': {
      const a = b.assets[r.index] as Batch['assets'][number];
      return row(a.origin.subject, a.origin.seq, a.origin.receivedMs, a.record);
    }
    case 'inspection': {
      const i = b.inspections[r.index] as Batch['inspections'][number];
      return row(i.origin.subject, i.origin.seq, i.origin.receivedMs, i.inspection);
    }
    case 'permit': {
      const x = b.permits[r.index] as Batch['permits'][number];
      return row(x.origin.subject, x.origin.seq, x.origin.receivedMs, x.record);
    }
    case 'quarantine': {
      // a quarantine row the database refused: kept with its text made plain ASCII, its first reason in the detail
      const q = b.quarantine[r.index] as QuarantineRow;
      return { ...q, subject: ascii(q.subject), reason: 'store_rejected', detail: ascii(`${q.reason}: ${q.detail}; ${r.error}`).slice(0, MAX_DETAIL), payload: ascii(q.payload) };
    }
  }
}

/**
 * Printable ASCII with \uXXXX escapes for everything else: whatever made the database refuse a
 * row (an unpaired surrogate, a control character), its quarantine row can always be stored.
 */
function ascii(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
