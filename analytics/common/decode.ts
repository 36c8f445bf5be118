import type { z } from 'zod';
import type { Domain, FeedKind } from './city.js';
import {
  AssetSchema, EventSchema, InspectionSchema, MAX_READINGS_PER_MESSAGE, ReadingSchema,
  type AssetRecord, type CityEvent, type Inspection,
} from './feedSchemas.js';
import { scanJson, type JsonShape } from './jsonScan.js';
import { rfc3339Ms } from './rfc3339.js';
import { parseSubject } from './subjects.js';

export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_FUTURE_MS = 5 * 60 * 1000;
/** Deepest nesting of arrays and objects a message may have (contract payloads need 2). */
export const MAX_DEPTH = 64;

/**
 * Why a message or a reading went to quarantine. Stable codes: analysts filter on them; codes are
 * only ever added. `store_rejected` is given by the writer (the database refused the row), the
 * others by the decoder.
 */
export const QUARANTINE_REASONS = [
  'too_large', 'invalid_utf8', 'invalid_json', 'bad_subject', 'unknown_domain', 'schema',
  'non_finite', 'bad_timestamp', 'future_ts', 'too_many_readings', 'empty_batch',
  'too_deep', 'invalid_unicode', 'expired', 'store_rejected',
] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

export interface DecodeOptions {
  /**
   * Readings, events and inspections whose ts is before this instant are refused as `expired`:
   * retention would delete them within a minute, so they are never counted as stored.
   */
  oldestMs?: number;
}

export interface Rejection {
  reason: QuarantineReason;
  detail: string;
  /** The offending payload (the whole message, or the one bad element of an array). */
  payload: string;
}

export interface DecodedReading {
  id: string;
  tsMs: number;
  metric: string;
  value: number;
  unit: string | null;
  quality: 'good' | 'suspect' | 'bad';
}

interface Where { domain: Domain; district: string }

export type Decoded =
  | { kind: 'rejected'; rejections: Rejection[] }
  | ({ kind: 'telemetry'; asset: string; readings: DecodedReading[]; rejections: Rejection[] } & Where)
  | ({ kind: 'event'; tsMs: number; event: CityEvent } & Where)
  | ({ kind: 'asset'; asset: string; tsMs: number; record: AssetRecord } & Where)
  | ({ kind: 'inspection'; tsMs: number; inspection: Inspection } & Where);

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8');

function reject(reason: QuarantineReason, detail: string, payload: string): Decoded {
  return { kind: 'rejected', rejections: [{ reason, detail, payload }] };
}

/** Parses a timestamp already shaped by the schema; NaN when it names no real instant. */
export function timestampMs(ts: string | number): number {
  return typeof ts === 'number' ? ts : rfc3339Ms(ts);
}

/** An unpaired surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first text field of a validated record (or of its attrs, keys included) holding an unpaired
 * surrogate. Validated records nest at most one level, so this walk is bounded.
 */
function illFormedField(record: object): string | null {
  for (const [k, v] of Object.entries(record)) {
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return k;
    } else if (typeof v === 'object' && v !== null) {
      for (const [ak, av] of Object.entries(v)) {
        if (LONE_SURROGATE.test(ak) || (typeof av === 'string' && LONE_SURROGATE.test(av))) return k;
      }
    }
  }
  return null;
}

/** The first top-level field holding Infinity or NaN (JSON.parse turns 1e400 into Infinity). */
function firstNonFinite(o: unknown): string | null {
  if (typeof o !== 'object' || o === null) return typeof o === 'number' && !Number.isFinite(o) ? '$' : null;
  const r = o as Record<string, unknown>;
  // the common case, a reading, without walking every key
  if ('metric' in r) {
    if (typeof r['value'] === 'number' && !Number.isFinite(r['value'])) return 'value';
    if (typeof r['ts'] === 'number' && !Number.isFinite(r['ts'])) return 'ts';
    return null;
  }
  for (const k in r) {
    const v = r[k];
    if (typeof v === 'number' && !Number.isFinite(v)) return k;
  }
  return null;
}

function issueText(err: z.ZodError): string {
  return err.issues.slice(0, 3).map((i) => `${i.path.join('.') || '$'}: ${i.message}`).join('; ');
}

type Checked<T> = { ok: true; value: T; tsMs: number } | { ok: false; rejection: Rejection };

/** What every record of one message is judged against. */
interface Judge {
  nowMs: number;
  oldestMs: number;
  /** The text holds a surrogate escape: text fields must be checked for unpaired surrogates. */
  unicode: boolean;
}

function check<T extends { ts: string | number }>(
  schema: z.ZodType<T>, raw: unknown, j: Judge, payloadText: () => string, expires: boolean,
): Checked<T> {
  const no = (reason: QuarantineReason, detail: string): Checked<T> => ({ ok: false, rejection: { reason, detail, payload: payloadText() } });
  const nf = firstNonFinite(raw);
  if (nf !== null) return no('non_finite', `${nf} is not a finite number`);
  const r = schema.safeParse(raw);
  if (!r.success) return no('schema', issueText(r.error));
  if (j.unicode) {
    const field = illFormedField(r.data);
    if (field !== null) return no('invalid_unicode', `${field} holds an unpaired surrogate (text that is not valid Unicode)`);
  }
  const tsMs = timestampMs(r.data.ts);
  if (!Number.isFinite(tsMs)) return no('bad_timestamp', `ts ${String(r.data.ts)} is not a valid instant`);
  if (tsMs > j.nowMs + MAX_FUTURE_MS) return no('future_ts', `ts is ${Math.round((tsMs - j.nowMs) / 1000)} s in the future`);
  if (expires && tsMs < j.oldestMs) return no('expired', `ts is ${Math.round((j.oldestMs - tsMs) / 3_600_000)} h older than the retention keeps`);
  return { ok: true, value: r.data, tsMs };
}

/**
 * Turns one NATS message into what ingest stores or quarantines. Never throws: every failure is a
 * rejection with a reason code, and an array of readings is judged element by element. Nothing
 * recursive touches the input before its nesting is measured, and a rejected element is kept as
 * its own slice of the text, never serialised again.
 */
export function decodeMessage(subject: string, data: Uint8Array, nowMs: number, options: DecodeOptions = {}): Decoded {
  if (data.byteLength > MAX_MESSAGE_BYTES) {
    return reject('too_large', `${data.byteLength} bytes > ${MAX_MESSAGE_BYTES}`, lossy.decode(data.subarray(0, 1024)));
  }
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return reject('invalid_utf8', 'payload is not valid UTF-8', lossy.decode(data));
  }
  const where = parseSubject(subject);
  if (!where.ok) return reject(where.reason, where.detail, text);
  const shape = scanJson(text);
  // a telemetry array may hold a too-deep element among good ones: those are judged one by one
  const elementwise = where.kind === 'telemetry' && shape.starts.length > 0;
  if (shape.depth > MAX_DEPTH && !elementwise) return reject('too_deep', `nesting deeper than ${MAX_DEPTH} levels`, text);
  let raw: unknown;
  try {
    // JSON.parse itself is iterative: it survives nesting that JSON.stringify or a walk would not
    raw = JSON.parse(text);
  } catch (e) {
    return reject('invalid_json', e instanceof Error ? e.message : 'invalid JSON', text);
  }
  const base = { domain: where.domain, district: where.district };
  const judge: Judge = { nowMs, oldestMs: options.oldestMs ?? -Infinity, unicode: shape.surrogateEscape };
  if (where.kind === 'telemetry') return decodeTelemetry(where.asset ?? '', base, raw, text, shape, judge);
  return decodeRecord(where.kind, where.asset, base, raw, text, judge);
}

function decodeRecord(kind: Exclude<FeedKind, 'telemetry'>, asset: string | null, base: Where, raw: unknown, text: string, j: Judge): Decoded {
  const whole = (): string => text;
  switch (kind) {
    case 'event': {
      const c = check(EventSchema, raw, j, whole, true);
      return c.ok ? { kind: 'event', ...base, tsMs: c.tsMs, event: c.value } : { kind: 'rejected', rejections: [c.rejection] };
    }
    case 'asset': {
      // registry records are kept whatever their age (retention does not delete them)
      const c = check(AssetSchema, raw, j, whole, false);
      if (!c.ok) return { kind: 'rejected', rejections: [c.rejection] };
      if (c.value.id !== asset) {
        return reject('schema', `id ${c.value.id} does not match the subject's asset ${asset ?? ''}`, text);
      }
      return { kind: 'asset', ...base, asset: c.value.id, tsMs: c.tsMs, record: c.value };
    }
    case 'inspection': {
      const c = check(InspectionSchema, raw, j, whole, true);
      return c.ok ? { kind: 'inspection', ...base, tsMs: c.tsMs, inspection: c.value } : { kind: 'rejected', rejections: [c.rejection] };
    }
  }
}

function decodeTelemetry(asset: string, base: Where, raw: unknown, text: string, shape: JsonShape, j: Judge): Decoded {
  const isArray = Array.isArray(raw);
  const items: unknown[] = isArray ? raw : [raw];
  if (isArray && items.length === 0) return reject('empty_batch', 'an array of readings must not be empty', text);
  if (items.length > MAX_READINGS_PER_MESSAGE) {
    return reject('too_many_readings', `${items.length} readings > ${MAX_READINGS_PER_MESSAGE}`, text);
  }
  // the scan and the parse see the same elements of text that parses; anything else is not trusted
  if (isArray && shape.starts.length !== items.length) return reject('too_deep', 'the array could not be measured element by element', text);
  const readings: DecodedReading[] = [];
  const rejections: Rejection[] = [];
  for (let i = 0; i < items.length; i++) {
    const own = (): string => (isArray ? text.slice(shape.starts[i], shape.ends[i]) : text);
    if (isArray && (shape.depths[i] ?? 0) > MAX_DEPTH - 1) {
      rejections.push({ reason: 'too_deep', detail: `element ${i} nests deeper than ${MAX_DEPTH - 1} levels`, payload: own() });
      continue;
    }
    const c = check(ReadingSchema, items[i], j, own, true);
    if (!c.ok) {
      rejections.push(c.rejection);
      continue;
    }
    const r = c.value;
    readings.push({ id: r.id, tsMs: c.tsMs, metric: r.metric, value: r.value, unit: r.unit ?? null, quality: r.quality ?? 'good' });
  }
  return { kind: 'telemetry', ...base, asset, readings, rejections };
}
