import type { z } from 'zod';
import type { Domain, FeedKind } from './city.js';
import {
  AssetSchema, EventSchema, InspectionSchema, MAX_READINGS_PER_MESSAGE, PermitsSchema, ReadingSchema,
  type AssetRecord, type CityEvent, type Inspection, type PermitsRecord, type Reading,
} from './feedSchemas.js';
import { permitsRefusal } from './permitsCheck.js';
import { scanJson, type JsonShape } from './jsonScan.js';
import { READING_FAST_PATH } from './readingFastPath.js';
import { rfc3339Ms } from './rfc3339.js';
import { parseSubject } from './subjects.js';

export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_FUTURE_MS = 5 * 60 * 1000;
/** Deepest nesting of arrays and objects a message may have (contract payloads need 3: a permits record's permits). */
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
  /**
   * Readings are validated by the hand-written fast path (readingFastPath.ts) first and by zod only
   * when it is not sure (default true; the verdicts, values and refusals are the same). false: zod
   * alone, the reference the fast path is property-tested and benchmarked against.
   */
  readingFastPath?: boolean;
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
  | ({ kind: 'inspection'; tsMs: number; inspection: Inspection } & Where)
  | ({ kind: 'permit'; asset: string; tsMs: number; permits: PermitsRecord } & Where);

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
  /** The fast path of a reading's validation, when it is on. */
  fastReading: ((raw: unknown) => Reading | undefined) | undefined;
}

const fastReading = READING_FAST_PATH.enabled ? READING_FAST_PATH.parse : undefined;

function refused<T>(reason: QuarantineReason, detail: string, payloadText: () => string): Checked<T> {
  return { ok: false, rejection: { reason, detail, payload: payloadText() } };
}

function check<T extends { ts: string | number }>(
  schema: z.ZodType<T>, raw: unknown, j: Judge, payloadText: () => string, expires: boolean,
  fast?: (raw: unknown) => T | undefined,
): Checked<T> {
  const nf = firstNonFinite(raw);
  if (nf !== null) return refused('non_finite', `${nf} is not a finite number`, payloadText);
  // the fast path gives zod's own value or is not sure; zod judges whatever it is not sure of
  const f = fast?.(raw);
  const r = f !== undefined ? { success: true as const, data: f } : schema.safeParse(raw);
  if (!r.success) return refused('schema', issueText(r.error), payloadText);
  if (j.unicode) {
    const field = illFormedField(r.data);
    if (field !== null) return refused('invalid_unicode', `${field} holds an unpaired surrogate (text that is not valid Unicode)`, payloadText);
  }
  const tsMs = timestampMs(r.data.ts);
  if (!Number.isFinite(tsMs)) return refused('bad_timestamp', `ts ${String(r.data.ts)} is not a valid instant`, payloadText);
  if (tsMs > j.nowMs + MAX_FUTURE_MS) return refused('future_ts', `ts is ${Math.round((tsMs - j.nowMs) / 1000)} s in the future`, payloadText);
  if (expires && tsMs < j.oldestMs) return refused('expired', `ts is ${Math.round((j.oldestMs - tsMs) / 3_600_000)} h older than the retention keeps`, payloadText);
  return { ok: true, value: r.data, tsMs };
}

/** A `\u` escape of a surrogate code unit: the only way JSON text read as UTF-8 can carry an unpaired one. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * The text's shape, measured once and only when a record is refused: a refused record is kept as
 * its own slice of the text, and its nesting decides whether the reason is `too_deep`.
 */
class Shape {
  private shape: JsonShape | null = null;
  constructor(private readonly text: string) {}

  get(): JsonShape {
    this.shape ??= scanJson(this.text);
    return this.shape;
  }

  /** A refused whole message: too_deep when it nests deeper than the limit, else the refusal as it is. */
  judge(r: Rejection): Rejection {
    return this.get().depth > MAX_DEPTH ? { reason: 'too_deep', detail: `nesting deeper than ${MAX_DEPTH} levels`, payload: r.payload } : r;
  }
}

/**
 * Turns one NATS message into what ingest stores or quarantines. Never throws: every failure is a
 * rejection with a reason code, and an array of readings is judged element by element.
 *
 * Nothing recursive ever touches the input: JSON.parse is iterative (it survives the deepest
 * nesting 64 KiB can hold), the checks read only the top level and the schema's own fields (a
 * record's unknown fields are never read, whatever their shape), and a refused record is kept as
 * its own slice of the text, never serialised again. Nesting is measured by a non-recursive scan of
 * the text, done only for a refused message (the common, valid message pays nothing for it).
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
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return reject('invalid_json', e instanceof Error ? e.message : 'invalid JSON', text);
  }
  const base = { domain: where.domain, district: where.district };
  const unicode = text.includes('\\u') && SURROGATE_ESCAPE.test(text);
  const judge: Judge = { nowMs, oldestMs: options.oldestMs ?? -Infinity, unicode, fastReading: options.readingFastPath === false ? undefined : fastReading };
  const shape = new Shape(text);
  if (where.kind === 'telemetry') return decodeTelemetry(where.asset ?? '', base, raw, text, shape, judge);
  const d = decodeRecord(where.kind, where.asset, base, raw, text, judge);
  return d.kind === 'rejected' ? { kind: 'rejected', rejections: d.rejections.map((r) => shape.judge(r)) } : d;
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
      // attrs keys are data: a `__proto__` key is taken by the schema as the prototype and vanishes
      // with its value unjudged, so a record that passed otherwise is refused instead of losing it
      const attrs = (raw as { attrs?: unknown }).attrs;
      if (typeof attrs === 'object' && attrs !== null && Object.hasOwn(attrs, '__proto__')) {
        return reject('schema', 'attrs.__proto__: a key that cannot be stored as data', text);
      }
      if (c.value.id !== asset) {
        return reject('schema', `id ${c.value.id} does not match the subject's asset ${asset ?? ''}`, text);
      }
      return { kind: 'asset', ...base, asset: c.value.id, tsMs: c.tsMs, record: c.value };
    }
    case 'inspection': {
      const c = check(InspectionSchema, raw, j, whole, true);
      return c.ok ? { kind: 'inspection', ...base, tsMs: c.tsMs, inspection: c.value } : { kind: 'rejected', rejections: [c.rejection] };
    }
    case 'permit': {
      // like registry records, permits records are kept whatever their age
      const c = check(PermitsSchema, raw, j, whole, false);
      if (!c.ok) return { kind: 'rejected', rejections: [c.rejection] };
      const bad = permitsRefusal(c.value, asset, j.unicode);
      if (bad !== null) return reject(bad.reason, bad.detail, text);
      return { kind: 'permit', ...base, asset: c.value.asset, tsMs: c.tsMs, permits: c.value };
    }
  }
}

/** An array element's payload is its slice of the text, cut only once it is refused. */
const noPayload = (): string => '';

function decodeTelemetry(asset: string, base: Where, raw: unknown, text: string, shape: Shape, j: Judge): Decoded {
  const isArray = Array.isArray(raw);
  if (!isArray) {
    const c = check(ReadingSchema, raw, j, () => text, true, j.fastReading);
    if (!c.ok) return { kind: 'telemetry', ...base, asset, readings: [], rejections: [shape.judge(c.rejection)] };
    return { kind: 'telemetry', ...base, asset, readings: [reading(c.value, c.tsMs)], rejections: [] };
  }
  const items: unknown[] = raw;
  if (items.length === 0) return reject('empty_batch', 'an array of readings must not be empty', text);
  if (items.length > MAX_READINGS_PER_MESSAGE) {
    return reject('too_many_readings', `${items.length} readings > ${MAX_READINGS_PER_MESSAGE}`, text);
  }
  const readings: DecodedReading[] = [];
  const rejections: Rejection[] = [];
  for (let i = 0; i < items.length; i++) {
    const c = check(ReadingSchema, items[i], j, noPayload, true, j.fastReading);
    if (c.ok) {
      readings.push(reading(c.value, c.tsMs));
      continue;
    }
    // the scan and the parse see the same elements of text that parses; anything else is not trusted
    const s = shape.get();
    if (s.starts.length !== items.length) return reject('too_deep', 'the array could not be measured element by element', text);
    const payload = text.slice(s.starts[i], s.ends[i]);
    rejections.push((s.depths[i] ?? 0) > MAX_DEPTH - 1
      ? { reason: 'too_deep', detail: `element ${i} nests deeper than ${MAX_DEPTH - 1} levels`, payload }
      : { ...c.rejection, payload });
  }
  return { kind: 'telemetry', ...base, asset, readings, rejections };
}

function reading(r: Reading, tsMs: number): DecodedReading {
  return { id: r.id, tsMs, metric: r.metric, value: r.value, unit: r.unit ?? null, quality: r.quality ?? 'good' };
}
