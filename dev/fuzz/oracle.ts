import { DuckDBInstance } from '@duckdb/node-api';
import { jetstreamManager } from '@nats-io/jetstream';
import { z } from 'zod';
import { DOMAINS } from '../../analytics/common/city.js';
import { AssetSchema, EventSchema, InspectionSchema, PermitsSchema, ReadingSchema, type Permit, type PermitsRecord } from '../../analytics/common/feedSchemas.js';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';

/**
 * An independent reading of the feed contract (docs/feed-contract.md and the decisions of issue 9)
 * to check the engine against. It reuses the payload schemas, the contract's own definition of a
 * well-formed record, but none of the engine's decoding: subjects, timestamps, limits, surrogates,
 * retention and duplicate ids are judged here from the text of the contract.
 */

export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_READINGS = 1000;
export const MAX_FUTURE_MS = 5 * 60_000;
/** The engine's default raw retention (30 days): older readings, events and findings are `expired`. */
export const RETENTION_MS = 30 * 86_400_000;

type Kind = 'telemetry' | 'event' | 'asset' | 'inspection' | 'permit';

interface StoredBase { tsMs: number; tsMaxMs: number; domain: string; district: string; seq: number }
export interface ExpectedReading extends StoredBase { kind: 'reading'; id: string; metric: string; value: number; unit: string | null; quality: string; asset: string }
export interface ExpectedEvent extends StoredBase { kind: 'event'; id: string; severity: string; title: string }
export interface ExpectedAsset extends StoredBase { kind: 'asset'; id: string; name: string }
export interface ExpectedInspection extends StoredBase { kind: 'inspection'; id: string; result: string }
/** A permits record as the schema reads it: its permits with their known fields only. */
export interface ExpectedPermits extends StoredBase { kind: 'permits'; asset: string; use: string | null; permits: Permit[] }
export type ExpectedRow = ExpectedReading | ExpectedEvent | ExpectedAsset | ExpectedInspection | ExpectedPermits;

/** One item that must be in quarantine; `reasons` null means any non-empty reason will do. */
export interface ExpectedRejection { seq: number; subject: string; reasons: readonly string[] | null; why: string }

export interface MessageVerdict {
  seq: number;
  subject: string;
  received: number;
  stored: ExpectedRow[];
  duplicates: number;
  rejections: ExpectedRejection[];
  /**
   * For a message nested deeper than any contract shape: the contract lets the engine refuse the
   * whole message at a depth bound (counted once) instead of judging its elements one by one.
   */
  wholeRefusal?: MessageVerdict;
}

/** Deeper than any payload of the contract (an array of readings is 2 levels, an asset's attrs 2, a permits record's permits 3). */
export const DEEP_NESTING = 32;

/** The deepest nesting of brackets in a JSON text, found by one scan (no recursion). */
export function nestingDepth(text: string): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) { depth++; if (depth > max) max = depth; }
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

const SUBJECT = /^city\.(telemetry|event|asset|inspection|permit)\.([^.]*)\.([^.]*)(?:\.([^.]*))?$/;
const ASSET_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const DOMAIN_SET: ReadonlySet<string> = new Set(DOMAINS);
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The instant a contract timestamp names, as a range (a leap second is one of two instants); null: no real instant. */
export function contractInstant(ts: unknown): { lo: number; hi: number } | null | 'shape' {
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts) || ts < 0 || ts > 8.64e15) return 'shape';
    return { lo: ts, hi: ts };
  }
  if (typeof ts !== 'string') return 'shape';
  const m = RFC3339.exec(ts);
  if (!m) return 'shape';
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined || s === undefined) return null;
  const leapYear = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leapYear ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  if (days === undefined || d < 1 || d > days || h > 23 || mi > 59 || s > 60) return null;
  const offH = m[10] === undefined ? 0 : Number(m[10]);
  const offM = m[11] === undefined ? 0 : Number(m[11]);
  if (offH > 23 || offM > 59) return null;
  const offsetMs = (m[9] === '-' ? -1 : 1) * (offH * 60 + offM) * 60_000;
  const day = new Date(0);
  day.setUTCFullYear(y, mo - 1, d);
  day.setUTCHours(h, mi, Math.min(s, 59), 0);
  const frac = m[7] === undefined ? 0 : Number(`0${m[7]}`) * 1000;
  const lo = day.getTime() + frac - offsetMs;
  if (s === 60) {
    // RFC 3339 allows a leap second only as the last second of a UTC day
    const utc = new Date(lo);
    if (utc.getUTCHours() !== 23 || utc.getUTCMinutes() !== 59) return null;
    return { lo, hi: lo + 1000 };
  }
  return { lo, hi: lo };
}

/** Any key or text of a record as its schema read it (nested objects and lists included: the schema bounds their depth). */
function hasLoneSurrogate(o: object): boolean {
  for (const [k, v] of Object.entries(o)) {
    if (LONE_SURROGATE.test(k)) return true;
    if (typeof v === 'string' && LONE_SURROGATE.test(v)) return true;
    if (typeof v === 'object' && v !== null && hasLoneSurrogate(v as object)) return true;
  }
  return false;
}

/** A permit day names a real day when, as the start of that day in UTC, it names a real instant. */
export function realDay(day: string): boolean {
  const i = contractInstant(`${day}T00:00:00Z`);
  return i !== null && i !== 'shape';
}

/**
 * The faults of a permits record that its schema lets through and the contract's text names: a day
 * that does not exist (`bad_timestamp`), and a body naming another asset than its subject (`schema`).
 */
function permitsFaults(r: PermitsRecord, subjectAsset: string | undefined): string[] {
  const faults: string[] = [];
  if (r.permits.some((p) => !realDay(p.issued) || (p.expires !== undefined && !realDay(p.expires)))) faults.push('bad_timestamp');
  if (r.asset !== subjectAsset) faults.push('schema');
  return faults;
}

/** Top-level numbers that are not finite (JSON.parse turns 1e400 into Infinity). */
function withoutNonFinite(o: unknown): { found: boolean; rest: unknown } {
  // a body that is itself 1e400 is both: not finite, and not the record its schema wants
  if (typeof o === 'number' && !Number.isFinite(o)) return { found: true, rest: 0 };
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { found: false, rest: o };
  let found = false;
  // a copy with the same own keys: built from entries, a `__proto__` key stays a key (assigned, it would
  // become the copy's prototype and lend the schema fields the record does not have)
  const rest = Object.fromEntries(Object.entries(o).map(([k, v]) => {
    if (typeof v !== 'number' || Number.isFinite(v)) return [k, v];
    found = true;
    return [k, 0];
  }));
  return { found, rest };
}

type Judged<T> = { ok: true; value: T; lo: number; hi: number } | { ok: false; reasons: readonly string[] | null; why: string };

/**
 * The faults of one record; more than one fault means the contract does not say which reason
 * wins, so any reason is accepted.
 */
function judgeRecord<T extends { ts: unknown }>(schema: z.ZodType<T>, raw: unknown, receivedMs: number, expires: boolean, more?: (value: T) => string[]): Judged<T> {
  const faults: string[] = [];
  const nf = withoutNonFinite(raw);
  if (nf.found) faults.push('non_finite');
  const parsed = schema.safeParse(nf.rest);
  if (!parsed.success) {
    faults.push('schema');
    return { ok: false, reasons: faults.length === 1 ? faults : null, why: faults.join('+') };
  }
  const instant = contractInstant(parsed.data.ts);
  if (instant === 'shape') faults.push('schema');
  else if (instant === null) faults.push('bad_timestamp');
  else {
    if (instant.lo > receivedMs + MAX_FUTURE_MS) faults.push('future_ts');
    if (expires && instant.hi < receivedMs - RETENTION_MS) faults.push('expired');
  }
  if (hasLoneSurrogate(parsed.data as object)) faults.push('invalid_unicode');
  if (more) faults.push(...more(parsed.data));
  if (faults.length > 0 || instant === null || instant === 'shape') {
    return { ok: false, reasons: faults.length === 1 ? faults : null, why: faults.join('+') };
  }
  return { ok: true, value: parsed.data, lo: instant.lo, hi: instant.hi };
}

/** Judges every message of a stream in order, remembering stored ids per kind (a repeated id is a duplicate). */
export class ContractJudge {
  private readonly seen = { reading: new Set<string>(), event: new Set<string>(), inspection: new Set<string>() };

  judge(subject: string, data: Uint8Array, receivedMs: number, seq: number): MessageVerdict {
    const v: MessageVerdict = { seq, subject, received: 0, stored: [], duplicates: 0, rejections: [] };
    const rejectWhole = (reasons: readonly string[] | null, why: string): MessageVerdict => {
      v.received = 1;
      v.rejections.push({ seq, subject, reasons, why });
      return v;
    };
    const sm = SUBJECT.exec(subject);
    const kind = sm?.[1] as Kind | undefined;
    const withAsset = kind === 'telemetry' || kind === 'asset' || kind === 'permit';
    // a subject may break the grammar and name an unknown domain at once: then either reason will do
    const subjectFaults: string[] = [];
    if (!sm || kind === undefined
      || (withAsset ? sm[4] === undefined || !ASSET_TOKEN.test(sm[4]) : sm[4] !== undefined) || !/^[0-9]{6}$/.test(sm[3] ?? '') || !/^[a-z0-9_-]+$/.test(sm[2] ?? '')) {
      subjectFaults.push('bad_subject');
    }
    if (sm && /^[a-z0-9_-]+$/.test(sm[2] ?? '') && !DOMAIN_SET.has(sm[2] ?? '')) subjectFaults.push('unknown_domain');
    const faults: string[] = [];
    if (data.byteLength > MAX_MESSAGE_BYTES) faults.push('too_large');
    let text: string | null = null;
    try {
      text = utf8.decode(data);
    } catch {
      faults.push('invalid_utf8');
    }
    faults.push(...subjectFaults);
    let raw: unknown;
    if (text !== null && faults.length === 0) {
      try {
        raw = JSON.parse(text);
      } catch {
        faults.push('invalid_json');
      }
    }
    if (faults.length > 0 || !sm || kind === undefined) {
      // a message too large is refused before anything else is looked at
      return rejectWhole(faults.length === 1 || faults[0] === 'too_large' ? [faults[0] ?? 'bad_subject'] : null, faults.join('+'));
    }
    const domain = sm[2] ?? '';
    const district = sm[3] ?? '';
    if (text !== null && nestingDepth(text) > DEEP_NESTING) {
      v.wholeRefusal = { seq, subject, received: 1, stored: [], duplicates: 0, rejections: [{ seq, subject, reasons: null, why: 'nesting too deep' }] };
    }
    const base = { domain, district, seq };
    switch (kind) {
      case 'telemetry': {
        const asset = sm[4] ?? '';
        if (Array.isArray(raw) && raw.length === 0) return rejectWhole(['empty_batch'], 'empty array');
        if (Array.isArray(raw) && raw.length > MAX_READINGS) return rejectWhole(['too_many_readings'], `${raw.length} readings`);
        for (const item of Array.isArray(raw) ? raw : [raw]) {
          v.received++;
          const j = judgeRecord(ReadingSchema, item, receivedMs, true);
          if (!j.ok) {
            v.rejections.push({ seq, subject, reasons: j.reasons, why: j.why });
            continue;
          }
          if (this.seen.reading.has(j.value.id)) {
            v.duplicates++;
            continue;
          }
          this.seen.reading.add(j.value.id);
          const r = j.value;
          v.stored.push({ kind: 'reading', ...base, asset, id: r.id, tsMs: j.lo, tsMaxMs: j.hi, metric: r.metric, value: r.value, unit: r.unit ?? null, quality: r.quality ?? 'good' });
        }
        return v;
      }
      case 'event': {
        v.received = 1;
        const j = judgeRecord(EventSchema, raw, receivedMs, true);
        if (!j.ok) return rejectWhole(j.reasons, j.why);
        if (this.seen.event.has(j.value.id)) v.duplicates = 1;
        else {
          this.seen.event.add(j.value.id);
          v.stored.push({ kind: 'event', ...base, id: j.value.id, tsMs: j.lo, tsMaxMs: j.hi, severity: j.value.severity, title: j.value.title });
        }
        return v;
      }
      case 'asset': {
        v.received = 1;
        const j = judgeRecord(AssetSchema, raw, receivedMs, false);
        if (!j.ok) return rejectWhole(j.reasons, j.why);
        // the contract: an attrs key `__proto__` cannot be stored as data and refuses the record
        const attrs = typeof raw === 'object' && raw !== null ? (raw as { attrs?: unknown }).attrs : undefined;
        const protoKey = typeof attrs === 'object' && attrs !== null && Object.hasOwn(attrs, '__proto__');
        if (j.value.id !== sm[4] || protoKey) return rejectWhole(['schema'], protoKey ? 'attrs key __proto__' : 'asset id differs from the subject');
        // every version of an asset record is kept
        v.stored.push({ kind: 'asset', ...base, id: j.value.id, tsMs: j.lo, tsMaxMs: j.hi, name: j.value.name });
        return v;
      }
      case 'inspection': {
        v.received = 1;
        const j = judgeRecord(InspectionSchema, raw, receivedMs, true);
        if (!j.ok) return rejectWhole(j.reasons, j.why);
        if (this.seen.inspection.has(j.value.id)) v.duplicates = 1;
        else {
          this.seen.inspection.add(j.value.id);
          v.stored.push({ kind: 'inspection', ...base, id: j.value.id, tsMs: j.lo, tsMaxMs: j.hi, result: j.value.result });
        }
        return v;
      }
      case 'permit': {
        v.received = 1;
        // kept whatever their age, like registry records; the schema is the contract's own
        const j = judgeRecord(PermitsSchema, raw, receivedMs, false, (r) => permitsFaults(r, sm[4]));
        if (!j.ok) return rejectWhole(j.reasons, j.why);
        // every version is kept: a repeated record is stored again, not a duplicate
        v.stored.push({ kind: 'permits', ...base, asset: j.value.asset, tsMs: j.lo, tsMaxMs: j.hi, use: j.value.use ?? null, permits: j.value.permits });
        return v;
      }
    }
  }
}

/** Sums of verdicts, as health counts them. */
export function verdictCounts(vs: readonly MessageVerdict[]): { received: number; stored: number; quarantined: number; duplicates: number } {
  let received = 0, stored = 0, quarantined = 0, duplicates = 0;
  for (const v of vs) {
    received += v.received;
    stored += v.stored.length;
    quarantined += v.rejections.length;
    duplicates += v.duplicates;
  }
  return { received, stored, quarantined, duplicates };
}

export interface StreamMessage { seq: number; subject: string; data: Uint8Array; timeMs: number }

/** Re-reads a whole stream from its first message by direct sequence lookups (no consumer of the engine's). */
export async function readWholeStream(natsUrl: string, stream: string): Promise<StreamMessage[]> {
  const nc = await connectNats({ url: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream);
    const out: StreamMessage[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (m === null) continue;
      out.push({ seq: m.seq, subject: m.subject, data: m.data, timeMs: m.time.getTime() });
    }
    return out;
  } finally {
    await nc.close();
  }
}

export interface StoredRows {
  readings: { msg_id: string; ts_ms: number; value: number; metric: string; unit: string | null; quality: string; domain: string; district: string; asset: string; seq: number | null }[];
  events: { msg_id: string; ts_ms: number; severity: string; title: string; domain: string; district: string; seq: number | null }[];
  assets: { asset: string; ts_ms: number; name: string; domain: string; district: string; seq: number | null }[];
  inspections: { msg_id: string; ts_ms: number; result: string; domain: string; district: string; seq: number | null }[];
  permits: { asset: string; ts_ms: number; use: string | null; permits: string; domain: string; district: string; seq: number | null }[];
  quarantine: { subject: string; reason: string; detail: string; seq: number | null }[];
  totals: { received: number; stored: number; quarantined: number; duplicates: number } | null;
}

/** Opens the engine's DuckDB file read-only (after the engine has stopped) and reads what the oracle compares. */
export async function readDatabase(path: string): Promise<StoredRows> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  const rows = async <T>(sql: string): Promise<T[]> => (await conn.runAndReadAll(sql)).getRowObjectsJS() as T[];
  try {
    const seq = 'stream_seq::DOUBLE AS seq';
    const ts = 'epoch_us(ts)::DOUBLE / 1000 AS ts_ms';
    const totals = await rows<{ received: number; stored: number; quarantined: number; duplicates: number }>(
      'SELECT received::DOUBLE AS received, stored::DOUBLE AS stored, quarantined::DOUBLE AS quarantined, duplicates::DOUBLE AS duplicates FROM ingest_totals');
    return {
      readings: await rows(`SELECT msg_id, ${ts}, value, metric, unit, quality, domain, district, asset, ${seq} FROM readings`),
      events: await rows(`SELECT msg_id, ${ts}, severity, title, domain, district, ${seq} FROM events`),
      assets: await rows(`SELECT asset, ${ts}, name, domain, district, ${seq} FROM asset_versions`),
      inspections: await rows(`SELECT msg_id, ${ts}, result, domain, district, ${seq} FROM inspections`),
      permits: await rows(`SELECT asset, ${ts}, use, permits::VARCHAR AS permits, domain, district, ${seq} FROM permit_versions`),
      quarantine: await rows(`SELECT subject, reason, detail, ${seq} FROM quarantine`),
      totals: totals[0] ?? null,
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Permits as text with their fields in one order and absent optional fields left out: two readings of the same permits compare equal. */
function canonicalPermits(ps: readonly Permit[]): string {
  return JSON.stringify(ps.map((p) => [p.type, p.number, p.department, p.issued, p.expires ?? null, p.status, p.use ?? null]));
}

/** The stored JSON of a permits record, in the form of {@link canonicalPermits}; what cannot be read is shown as it is. */
function storedPermits(json: string): string {
  try {
    const parsed = JSON.parse(json) as unknown;
    const asPermits = PermitsSchema.shape.permits.safeParse(parsed);
    return asPermits.success ? canonicalPermits(asPermits.data) : `not permits: ${json}`;
  } catch {
    return `not JSON: ${json}`;
  }
}

const sameNumber = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));
/** Stored instants have microsecond precision; a sub-millisecond fraction may be cut either way. */
const inRange = (tsMs: number, e: { tsMs: number; tsMaxMs: number }): boolean => tsMs >= e.tsMs - 1 && tsMs <= e.tsMaxMs + 1;

/** Reason codes whose meaning leaves no doubt which one a single fault gets. */
const FIXED_REASONS: ReadonlySet<string> = new Set(['invalid_unicode', 'bad_timestamp', 'expired', 'future_ts', 'too_large', 'invalid_utf8', 'empty_batch', 'too_many_readings', 'invalid_json']);

export interface OracleReport {
  messages: number;
  expected: { readings: number; events: number; assets: number; inspections: number; permits: number; quarantined: number; duplicates: number; received: number };
  problems: string[];
}

/**
 * Judges every message of the stream in order and compares with the database row for row: each
 * expected row present exactly once with its fields, no row the contract does not call for, and
 * each rejected item in quarantine under its message's stream sequence with an acceptable reason.
 */
export function compareWithDatabase(msgs: readonly StreamMessage[], db: StoredRows): OracleReport {
  const judge = new ContractJudge();
  const storedSeqs = new Set<number | null>([...db.readings, ...db.events, ...db.assets, ...db.inspections, ...db.permits].map((r) => r.seq));
  const verdicts = msgs.map((m) => {
    const v = judge.judge(m.subject, m.data, m.timeMs, m.seq);
    // a message refused whole at the depth bound: nothing of it stored, one row in quarantine
    const whole = v.wholeRefusal !== undefined && !storedSeqs.has(m.seq) && db.quarantine.filter((r) => r.seq === m.seq).length === 1;
    return whole && v.wholeRefusal ? v.wholeRefusal : v;
  });
  const problems: string[] = [];
  const note = (p: string): void => { if (problems.length < 200) problems.push(p); };
  const show = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

  const byKind = <R extends { seq: number | null }>(rows: readonly R[], key: (r: R) => string): Map<string, R[]> => {
    const m = new Map<string, R[]>();
    for (const r of rows) {
      const k = key(r);
      const list = m.get(k);
      if (list) list.push(r);
      else m.set(k, [r]);
    }
    return m;
  };
  const readings = byKind(db.readings, (r) => r.msg_id);
  const events = byKind(db.events, (r) => r.msg_id);
  const inspections = byKind(db.inspections, (r) => r.msg_id);
  const assets = byKind(db.assets, (r) => `${r.asset}@${String(r.seq)}`);
  const permits = byKind(db.permits, (r) => `${r.asset}@${String(r.seq)}`);
  const expected = { readings: 0, events: 0, assets: 0, inspections: 0, permits: 0, quarantined: 0, duplicates: 0, received: 0 };

  for (const v of verdicts) {
    expected.received += v.received;
    expected.duplicates += v.duplicates;
    for (const e of v.stored) {
      const where = `seq ${v.seq} ${v.subject}`;
      switch (e.kind) {
        case 'reading': {
          expected.readings++;
          const got = readings.get(e.id) ?? [];
          if (got.length !== 1) { note(`reading ${show(e.id)} (${where}) stored ${got.length} times, expected once`); break; }
          const r = got[0];
          if (!r) break;
          if (!inRange(r.ts_ms, e)) note(`reading ${show(e.id)} (${where}) ts ${r.ts_ms}, expected ${e.tsMs}${e.tsMaxMs !== e.tsMs ? `..${e.tsMaxMs}` : ''}`);
          if (!sameNumber(r.value, e.value)) note(`reading ${show(e.id)} (${where}) value ${r.value}, expected ${e.value}`);
          if (r.metric !== e.metric || r.asset !== e.asset || r.domain !== e.domain || r.district !== e.district) note(`reading ${show(e.id)} (${where}) stored under ${r.domain}.${r.district}.${r.asset}.${r.metric}`);
          if (r.unit !== e.unit || r.quality !== e.quality) note(`reading ${show(e.id)} (${where}) unit/quality ${String(r.unit)}/${r.quality}, expected ${String(e.unit)}/${e.quality}`);
          if (r.seq !== v.seq) note(`reading ${show(e.id)} stream_seq ${String(r.seq)}, expected ${v.seq}`);
          break;
        }
        case 'event': {
          expected.events++;
          const got = events.get(e.id) ?? [];
          if (got.length !== 1) { note(`event ${show(e.id)} (${where}) stored ${got.length} times, expected once`); break; }
          const r = got[0];
          if (r && (!inRange(r.ts_ms, e) || r.severity !== e.severity || r.title !== e.title || r.seq !== v.seq)) note(`event ${show(e.id)} (${where}) stored as ${JSON.stringify(r)}`);
          break;
        }
        case 'inspection': {
          expected.inspections++;
          const got = inspections.get(e.id) ?? [];
          if (got.length !== 1) { note(`inspection ${show(e.id)} (${where}) stored ${got.length} times, expected once`); break; }
          const r = got[0];
          if (r && (!inRange(r.ts_ms, e) || r.result !== e.result || r.seq !== v.seq)) note(`inspection ${show(e.id)} (${where}) stored as ${JSON.stringify(r)}`);
          break;
        }
        case 'asset': {
          expected.assets++;
          const got = assets.get(`${e.id}@${v.seq}`) ?? [];
          if (got.length !== 1) { note(`asset record ${show(e.id)} (${where}) stored ${got.length} times, expected once`); break; }
          const r = got[0];
          if (r && (!inRange(r.ts_ms, e) || r.name !== e.name)) note(`asset record ${show(e.id)} (${where}) stored as ${JSON.stringify(r)}`);
          break;
        }
        case 'permits': {
          expected.permits++;
          const got = permits.get(`${e.asset}@${v.seq}`) ?? [];
          if (got.length !== 1) { note(`permits record of ${show(e.asset)} (${where}) stored ${got.length} times, expected once`); break; }
          const r = got[0];
          if (!r) break;
          if (!inRange(r.ts_ms, e) || r.use !== e.use || r.domain !== e.domain || r.district !== e.district) note(`permits record of ${show(e.asset)} (${where}) stored as ${JSON.stringify({ ...r, permits: undefined })}`);
          const want = canonicalPermits(e.permits);
          const have = storedPermits(r.permits);
          if (have !== want) note(`permits record of ${show(e.asset)} (${where}) holds ${show(have)}, expected ${show(want)}`);
          break;
        }
      }
    }
    const q = db.quarantine.filter((r) => r.seq === v.seq);
    expected.quarantined += v.rejections.length;
    if (q.length !== v.rejections.length) {
      note(`seq ${v.seq} ${v.subject}: ${q.length} quarantine rows, expected ${v.rejections.length} (${v.rejections.map((r) => r.why).join(', ') || 'none'}); got ${q.map((r) => `${r.reason}: ${r.detail.slice(0, 100)}`).join(' | ')}`);
    }
    // reasons are asserted where the contract or issue 9 fixes them; elsewhere any non-empty reason will do
    const wanted = v.rejections.map((r) => r.reasons).filter((r): r is readonly string[] => r !== null && r.every((x) => FIXED_REASONS.has(x)));
    for (const row of q) {
      if (row.reason.trim() === '') note(`seq ${v.seq}: a quarantine row without a reason`);
    }
    // each rejection whose reason the contract fixes must find a row with that reason
    const left = q.map((r) => r.reason);
    for (const reasons of wanted) {
      const i = left.findIndex((r) => reasons.includes(r));
      if (i < 0) note(`seq ${v.seq} ${v.subject}: expected a quarantine row with reason ${reasons.join('|')}, got ${q.map((r) => r.reason).join(', ') || 'none'}`);
      else left.splice(i, 1);
    }
  }
  const extra = (what: string, got: number, want: number): void => { if (got !== want) note(`${what}: ${got} rows in the database, ${want} expected`); };
  extra('readings', db.readings.length, expected.readings);
  extra('events', db.events.length, expected.events);
  extra('asset versions', db.assets.length, expected.assets);
  extra('inspections', db.inspections.length, expected.inspections);
  extra('permit versions', db.permits.length, expected.permits);
  extra('quarantine', db.quarantine.length, expected.quarantined);
  const stored = expected.readings + expected.events + expected.assets + expected.inspections + expected.permits;
  if (db.totals && (db.totals.received !== expected.received || db.totals.stored !== stored || db.totals.quarantined !== expected.quarantined || db.totals.duplicates !== expected.duplicates)) {
    note(`ingest_totals ${JSON.stringify(db.totals)}, expected ${JSON.stringify({ received: expected.received, stored, quarantined: expected.quarantined, duplicates: expected.duplicates })}`);
  }
  return { messages: msgs.length, expected, problems };
}
