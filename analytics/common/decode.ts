import type { z } from 'zod';
import type { Domain, FeedKind } from './city.js';
import {
  AssetSchema, EventSchema, InspectionSchema, MAX_READINGS_PER_MESSAGE, ReadingSchema,
  type AssetRecord, type CityEvent, type Inspection,
} from './feedSchemas.js';
import { parseSubject } from './subjects.js';

export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_FUTURE_MS = 5 * 60 * 1000;

/** Why a message or a reading went to quarantine. Stable codes: analysts filter on them. */
export const QUARANTINE_REASONS = [
  'too_large', 'invalid_utf8', 'invalid_json', 'bad_subject', 'unknown_domain', 'schema',
  'non_finite', 'bad_timestamp', 'future_ts', 'too_many_readings', 'empty_batch',
] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

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
  return typeof ts === 'number' ? ts : Date.parse(ts);
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

function check<T extends { ts: string | number }>(
  schema: z.ZodType<T>, raw: unknown, nowMs: number, payloadText: () => string,
): Checked<T> {
  const nf = firstNonFinite(raw);
  if (nf !== null) return { ok: false, rejection: { reason: 'non_finite', detail: `${nf} is not a finite number`, payload: payloadText() } };
  const r = schema.safeParse(raw);
  if (!r.success) return { ok: false, rejection: { reason: 'schema', detail: issueText(r.error), payload: payloadText() } };
  const tsMs = timestampMs(r.data.ts);
  if (!Number.isFinite(tsMs)) return { ok: false, rejection: { reason: 'bad_timestamp', detail: `ts ${String(r.data.ts)} is not a valid instant`, payload: payloadText() } };
  if (tsMs > nowMs + MAX_FUTURE_MS) {
    return { ok: false, rejection: { reason: 'future_ts', detail: `ts is ${Math.round((tsMs - nowMs) / 1000)} s in the future`, payload: payloadText() } };
  }
  return { ok: true, value: r.data, tsMs };
}

/**
 * Turns one NATS message into what ingest stores or quarantines. Never throws: every failure is a
 * rejection with a reason code, and an array of readings is judged element by element.
 */
export function decodeMessage(subject: string, data: Uint8Array, nowMs: number): Decoded {
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
  return decodeKind(where.kind, where.asset, base, raw, text, nowMs);
}

function decodeKind(kind: FeedKind, asset: string | null, base: Where, raw: unknown, text: string, nowMs: number): Decoded {
  const whole = (): string => text;
  switch (kind) {
    case 'telemetry': return decodeTelemetry(asset ?? '', base, raw, text, nowMs);
    case 'event': {
      const c = check(EventSchema, raw, nowMs, whole);
      return c.ok ? { kind: 'event', ...base, tsMs: c.tsMs, event: c.value } : { kind: 'rejected', rejections: [c.rejection] };
    }
    case 'asset': {
      const c = check(AssetSchema, raw, nowMs, whole);
      if (!c.ok) return { kind: 'rejected', rejections: [c.rejection] };
      if (c.value.id !== asset) {
        return reject('schema', `id ${c.value.id} does not match the subject's asset ${asset ?? ''}`, text);
      }
      return { kind: 'asset', ...base, asset: c.value.id, tsMs: c.tsMs, record: c.value };
    }
    case 'inspection': {
      const c = check(InspectionSchema, raw, nowMs, whole);
      return c.ok ? { kind: 'inspection', ...base, tsMs: c.tsMs, inspection: c.value } : { kind: 'rejected', rejections: [c.rejection] };
    }
  }
}

function decodeTelemetry(asset: string, base: Where, raw: unknown, text: string, nowMs: number): Decoded {
  const isArray = Array.isArray(raw);
  const items: unknown[] = isArray ? raw : [raw];
  if (isArray && items.length === 0) return reject('empty_batch', 'an array of readings must not be empty', text);
  if (items.length > MAX_READINGS_PER_MESSAGE) {
    return reject('too_many_readings', `${items.length} readings > ${MAX_READINGS_PER_MESSAGE}`, text);
  }
  const readings: DecodedReading[] = [];
  const rejections: Rejection[] = [];
  for (const item of items) {
    const c = check(ReadingSchema, item, nowMs, () => (isArray ? JSON.stringify(item) : text));
    if (!c.ok) {
      rejections.push(c.rejection);
      continue;
    }
    const r = c.value;
    readings.push({ id: r.id, tsMs: c.tsMs, metric: r.metric, value: r.value, unit: r.unit ?? null, quality: r.quality ?? 'good' });
  }
  return { kind: 'telemetry', ...base, asset, readings, rejections };
}
