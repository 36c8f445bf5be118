import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeMessage, MAX_FUTURE_MS, type Decoded } from './decode.js';
import { MAX_READINGS_PER_MESSAGE, ReadingSchema, TelemetryPayloadSchema } from './feedSchemas.js';
import { compileReadingFastPath, READING_FAST_PATH, READING_KEYS } from './readingFastPath.js';

/**
 * The fast path against zod, its only definition. RUNS (default 20,000) and SEED set the property
 * runs: `READING_FASTPATH_RUNS=500000 npx vitest run analytics/common/readingFastPath.test.ts`.
 */
/** The environment, read without Node's types (analytics/common is also type-checked as browser code). */
const ENV: Record<string, string | undefined> = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const RUNS = Number(ENV['READING_FASTPATH_RUNS'] ?? 20_000);
/** The harness's limit for a property of RUNS cases (a long run by hand takes minutes); never a limit on the code tested. */
const RUN_TIMEOUT_MS = Math.max(120_000, RUNS * 10);
const SEED = Number(ENV['READING_FASTPATH_SEED'] ?? 20261127);
const NOW = Date.parse('2026-06-13T06:45:00+08:00');
const DAY = 86_400_000;
const enc = new TextEncoder();
const TEL = 'city.telemetry.gas.420303.gw7';

// ---- JSON text with what JSON.stringify cannot write: duplicate and __proto__ keys, number tokens as written

/** A number token written as is (`-0`, `1e400`, `1E3`, `5e-324`). */
class Token {
  constructor(readonly text: string) {}
}
/** An object as its entries, in order, repeats allowed. */
class Entries {
  constructor(readonly entries: readonly (readonly [string, Json])[]) {}
}
type Json = null | boolean | number | string | Token | Entries | Json[];

/** Writes a string escaping every non-ASCII code unit as `\uXXXX` (pairs then as escaped pairs). */
const asciiString = (s: string): string => JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function write(v: Json, style: { space: string; ascii: boolean }): string {
  if (v instanceof Token) return v.text;
  if (v instanceof Entries) {
    return `{${style.space}${v.entries.map(([k, x]) => `${style.ascii ? asciiString(k) : JSON.stringify(k)}:${style.space}${write(x, style)}`).join(`,${style.space}`)}${style.space}}`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => write(x, style)).join(`,${style.space}`)}]`;
  if (typeof v === 'string' && style.ascii) return asciiString(v);
  return JSON.stringify(v);
}

// ---- near-valid readings, every field mutated

const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const astral = fc.constantFrom('😀', '𝄞', '𠀋', '\u{10ffff}');
const unit = fc.oneof(fc.constantFrom('a', 'Z', '_', '-', ' ', '\n', 'é', '水', '\u0000', '\u2028'), lone, astral);
const anyText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit, maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
);
/** Strings around the length limits, in UTF-16 units and in code points. */
const nearLength = fc.tuple(fc.nat({ max: 140 }), fc.nat({ max: 140 }), fc.constantFrom('a', 'é', '😀', '\ud800')).map(([a, b, c]) => 'x'.repeat(a) + c.repeat(b));
const wrongType: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 5 }),
  fc.constant<Json>([]), fc.constant<Json>([[[[]]]]), fc.constant(new Entries([])),
  fc.jsonValue({ maxDepth: 3 }).map((j) => JSON.parse(JSON.stringify(j)) as Json),
  fc.constant(new Entries([['id', 'x']])),
);
const numberToken = fc.constantFrom('-0', '1e400', '-1e400', '1E3', '5e-324', '1e-400', '0.0', '-0.0', '8.64e15', '8640000000000001', '1.7976931348623157e308');
const anyNumber: fc.Arbitrary<Json> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -1, 0.5, 8.64e15, 8.64e15 + 1, 8.64e15 - 1, Number.MAX_SAFE_INTEGER, 1e308, -1e308, Number.MIN_VALUE),
  numberToken.map((t) => new Token(t)),
);

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const rfc3339 = fc.record({
  ms: fc.integer({ min: NOW - 40 * DAY, max: NOW + DAY }),
  year: fc.constantFrom(null, 0, 1969, 2024, 2026, 9999),
  sep: fc.constantFrom('T', 't', ' ', '_'),
  fraction: fc.constantFrom('', '.', '.5', '.123', '.123456789', '.1234567890'),
  offset: fc.constantFrom('Z', 'z', '+08:00', '-05:30', '+23:59', '+24:00', '+08:60', '+0800', '', 'UTC'),
  field: fc.constantFrom(null, 'month13', 'feb30', 'hour24', 'minute60', 'second60', 'leap', 'short'),
}).map(({ ms, year, sep, fraction, offset, field }) => {
  const d = new Date(ms);
  const y = year ?? d.getUTCFullYear();
  let [mo, da, h, mi, s] = [d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
  if (field === 'month13') mo = 13;
  if (field === 'feb30') [mo, da] = [2, 30];
  if (field === 'hour24') h = 24;
  if (field === 'minute60') mi = 60;
  if (field === 'second60') s = 60;
  if (field === 'leap') [h, mi, s] = [23, 59, 60];
  const text = `${pad(y, 4)}-${pad(mo)}-${pad(da)}${sep}${pad(h)}:${pad(mi)}:${pad(s)}${fraction}${offset}`;
  return field === 'short' ? text.slice(0, -1) : text;
});

const validReading = fc.record({
  id: fc.string({ minLength: 1, maxLength: 24 }),
  ts: fc.oneof(fc.integer({ min: NOW - 10 * DAY, max: NOW }), fc.integer({ min: NOW - 10 * DAY, max: NOW }).map((t) => new Date(t).toISOString())),
  metric: fc.stringMatching(/^[a-z0-9_]{1,64}$/),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  unit: fc.option(fc.string({ maxLength: 16 }), { nil: undefined }),
  quality: fc.option(fc.constantFrom('good', 'suspect', 'bad'), { nil: undefined }),
});

const fieldValue: Record<(typeof READING_KEYS)[number], fc.Arbitrary<Json>> = {
  id: fc.oneof({ weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) }, anyText, nearLength, wrongType, anyNumber),
  ts: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: NOW - 40 * DAY, max: NOW + 2 * MAX_FUTURE_MS }) }, { weight: 3, arbitrary: rfc3339 }, anyNumber, anyText, wrongType),
  metric: fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9_]{1,8}$/) }, fc.stringMatching(/^[a-z0-9_]{60,70}$/), fc.stringMatching(/^[a-zA-Z0-9_. -]{0,6}\n?$/), anyText, wrongType),
  value: fc.oneof({ weight: 4, arbitrary: anyNumber }, anyText.map((s) => s), fc.constantFrom('1', '1e400', 'NaN', 'Infinity'), wrongType),
  unit: fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 18 }) }, nearLength, anyText, fc.nat({ max: 18 }).map((n) => '😀'.repeat(n)), wrongType),
  quality: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('good', 'suspect', 'bad') }, fc.constantFrom('Good', '', ' good', 'bad\u0000', 'suspect '), anyText, wrongType),
};
const extraKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'ID', 'Value', 'extra', ''), fc.string({ maxLength: 6 }));

/** A reading as entries: each field present with a fair or mutated value, or absent; extra, repeated and `__proto__` keys. */
const nearReading: fc.Arbitrary<Entries> = fc.record({
  fields: fc.tuple(...READING_KEYS.map((k) => fc.oneof(
    { weight: 12, arbitrary: fc.constant('fair' as const) },
    { weight: 3, arbitrary: fieldValue[k] },
    { weight: 1, arbitrary: fc.constant('absent' as const) },
  ))),
  fair: validReading,
  extras: fc.array(fc.tuple(extraKey, fc.oneof(wrongType, anyNumber, fieldValue.value)), { maxLength: 3 }),
  repeat: fc.option(fc.tuple(fc.constantFrom(...READING_KEYS), fc.oneof(...READING_KEYS.map((k) => fieldValue[k])))),
  order: fc.boolean(),
}).map(({ fields, fair, extras, repeat, order }) => {
  const entries: [string, Json][] = [];
  READING_KEYS.forEach((k, i) => {
    const f = fields[i];
    if (f === 'absent') return;
    const v = f === 'fair' ? fair[k] : f;
    if (v !== undefined) entries.push([k, v]);
  });
  if (order) entries.reverse();
  entries.push(...extras.map(([k, v]): [string, Json] => [k, v]));
  if (repeat) entries.splice(Math.floor(entries.length / 2), 0, [repeat[0], repeat[1]]);
  return new Entries(entries);
});

const element: fc.Arbitrary<Json> = fc.oneof({ weight: 8, arbitrary: nearReading }, wrongType, nearReading.map((r) => [r]));
const message: fc.Arbitrary<Json> = fc.oneof(
  { weight: 5, arbitrary: nearReading },
  { weight: 4, arbitrary: fc.array(element, { minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.oneof(wrongType, fc.constant<Json>([]), fc.tuple(nearReading, fc.constantFrom(MAX_READINGS_PER_MESSAGE, MAX_READINGS_PER_MESSAGE + 1)).map(([r, n]): Json => Array.from({ length: n }, () => r))) },
);
const style = fc.record({ space: fc.constantFrom('', ' ', '\n\t'), ascii: fc.boolean() });
const oldest = fc.constantFrom(undefined, NOW - 30 * DAY, NOW + DAY);

// ---- byte-exact comparison: key order, -0, lone surrogates (JSON.stringify escapes them)

const canon = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && Object.is(x, -0) ? '<-0>' : x));

/** The value as JSON.parse makes it from the text. */
const parsed = (m: Json, s: { space: string; ascii: boolean }): unknown => JSON.parse(write(m, s));

describe('the reading fast path knows the schema it was written for', () => {
  it('is compiled from the contract\'s ReadingSchema (a change it does not know disables it, and this fails)', () => {
    expect(READING_FAST_PATH.enabled ? 'enabled' : READING_FAST_PATH.reason).toBe('enabled');
    if (!READING_FAST_PATH.enabled) return;
    const r = READING_FAST_PATH.rules;
    // the constants are zod's own, read from the schema
    expect(r.ts.string.patterns).toHaveLength(1);
    expect(r.metric.patterns).toHaveLength(1);
    expect([...r.quality]).toEqual(ReadingSchema.shape.quality.unwrap().options);
    expect(Object.keys(ReadingSchema.shape)).toEqual([...READING_KEYS]);
  });

  it('the decoder judges a telemetry payload as TelemetryPayloadSchema says: one reading, or an array of them within its length', () => {
    const options = TelemetryPayloadSchema.def.options;
    expect(options).toHaveLength(2);
    expect(options[0]).toBe(ReadingSchema);
    const arr = options[1];
    if (!(arr instanceof z.ZodArray)) throw new Error('the second option is not an array');
    expect(arr.element).toBe(ReadingSchema);
    expect(arr.safeParse(Array.from({ length: MAX_READINGS_PER_MESSAGE }, () => ({ id: 'a', ts: 0, metric: 'm', value: 0 }))).success).toBe(true);
    expect(arr.safeParse(Array.from({ length: MAX_READINGS_PER_MESSAGE + 1 }, () => ({ id: 'a', ts: 0, metric: 'm', value: 0 }))).success).toBe(false);
    expect(arr.safeParse([]).success).toBe(false);
  });

  it('disables itself on every schema change it does not know', () => {
    // a length check that runs only when its condition says so (zod's API sets no condition on min; a def can)
    const conditional = z.string().min(1);
    const minCheck = conditional._zod.def.checks?.[0];
    if (minCheck) minCheck._zod.def.when = () => true;
    const variants: [string, z.ZodType][] = [
      ['a new key', ReadingSchema.extend({ site: z.string().optional() })],
      ['a key less', ReadingSchema.omit({ quality: true })],
      ['keys reordered', z.object({ ts: ReadingSchema.shape.ts, id: ReadingSchema.shape.id, metric: ReadingSchema.shape.metric, value: ReadingSchema.shape.value, unit: ReadingSchema.shape.unit, quality: ReadingSchema.shape.quality })],
      ['strict', ReadingSchema.strict()],
      ['loose', ReadingSchema.loose()],
      ['catchall', ReadingSchema.catchall(z.string())],
      ['a refinement', ReadingSchema.refine((r) => r.value > 0)],
      ['a transform', ReadingSchema.transform((r) => ({ ...r, value: r.value * 2 }))],
      ['readonly', ReadingSchema.readonly()],
      ['an email id', ReadingSchema.extend({ id: z.email() })],
      ['a trimmed unit', ReadingSchema.extend({ unit: z.string().trim().max(16).optional() })],
      ['a lowercase metric', ReadingSchema.extend({ metric: z.string().lowercase() })],
      ['an integer value', ReadingSchema.extend({ value: z.number().int() })],
      ['a value multiple of', ReadingSchema.extend({ value: z.number().multipleOf(0.5) })],
      ['a coerced value', ReadingSchema.extend({ value: z.coerce.number() })],
      ['a refined value', ReadingSchema.extend({ value: z.number().refine((v) => v !== 3) })],
      ['a default quality', ReadingSchema.extend({ quality: z.enum(['good', 'bad']).default('good') })],
      ['a required unit', ReadingSchema.extend({ unit: z.string() })],
      ['an optional id', ReadingSchema.extend({ id: z.string().optional() })],
      ['a nullable unit', ReadingSchema.extend({ unit: z.string().nullable().optional() })],
      ['a ts of three options', ReadingSchema.extend({ ts: z.union([z.string(), z.number(), z.date()]) })],
      ['a ts of two strings', ReadingSchema.extend({ ts: z.union([z.string(), z.string()]) })],
      ['a refined ts union', ReadingSchema.extend({ ts: z.union([z.string(), z.number()]).refine(() => true) })],
      ['a numeric enum', ReadingSchema.extend({ quality: z.enum({ good: 1, bad: 2 }).optional() })],
      ['a literal quality', ReadingSchema.extend({ quality: z.literal('good').optional() })],
      ['a startsWith id', ReadingSchema.extend({ id: z.string().startsWith('a') })],
      ['a length with a condition', ReadingSchema.extend({ id: conditional })],
      ['a pipe', ReadingSchema.extend({ metric: z.string().pipe(z.string().max(3)) })],
    ];
    for (const [name, schema] of variants) {
      const f = compileReadingFastPath(schema);
      expect(f.enabled, name).toBe(false);
      expect(f.parse({ id: 'a', ts: 0, metric: 'm', value: 1, unit: 'u', quality: 'good' }), name).toBeUndefined();
    }
  });

  it('takes its constants from the schema: a variant with other limits is judged by them, as zod judges it', () => {
    const variant = ReadingSchema.extend({
      id: z.string().min(3).max(5).regex(/^[a-z]+$/),
      ts: z.union([z.number().gt(NOW - DAY).lt(NOW), z.string().regex(/^\d{4}$/)]),
      metric: z.string().regex(/^m/).regex(/x$/),
      value: z.number().min(-1).max(1).lt(1),
      unit: z.string().min(2).max(3).optional(),
      quality: z.enum(['ok', 'ko']).optional(),
    });
    const fast = compileReadingFastPath(variant);
    expect(fast.enabled).toBe(true);
    const arbitrary = fc.record({
      id: fc.oneof({ weight: 5, arbitrary: fc.stringMatching(/^[a-z]{3,5}$/) }, fc.stringMatching(/^[a-z]{2,6}$/), nearLength, anyText),
      ts: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(NOW - DAY, NOW - DAY + 1, NOW - 1, NOW, -0) }, fc.integer({ min: NOW - 2 * DAY, max: NOW + 1 }), fc.stringMatching(/^\d{3,5}$/)),
      metric: fc.oneof({ weight: 5, arbitrary: fc.stringMatching(/^m[a-z]{0,3}x$/) }, fc.stringMatching(/^m[a-z]{0,3}x?$/), anyText),
      value: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(-1, 1, -0, 0.9999999999999999, -1.0000000000000002) }, fc.double({ min: -2, max: 2, noNaN: true })),
      unit: fc.oneof(fc.string({ maxLength: 4 }), fc.nat({ max: 4 }).map((n) => '😀'.repeat(n)), nearLength),
      quality: fc.constantFrom('ok', 'ko', 'good'),
    }, { requiredKeys: ['id', 'ts', 'metric', 'value'] });
    let accepted = 0;
    fc.assert(fc.property(arbitrary, (raw) => {
      const f = fast.parse(raw);
      const r = variant.safeParse(raw);
      expect(f !== undefined, JSON.stringify(raw)).toBe(r.success);
      if (f !== undefined) {
        accepted++;
        expect(canon(f)).toBe(canon(r.data));
      }
    }), { numRuns: Math.min(RUNS, 20_000), seed: SEED });
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('the reading fast path against zod', () => {
  it('gives zod\'s exact value or is not sure, never accepting what zod refuses', () => {
    let fastOk = 0;
    let zodOk = 0;
    fc.assert(fc.property(nearReading, style, (m, s) => {
      const raw = parsed(m, s);
      const f = READING_FAST_PATH.parse(raw);
      const r = ReadingSchema.safeParse(raw);
      if (r.success) zodOk++;
      if (f === undefined) return;
      fastOk++;
      expect(r.success).toBe(true);
      expect(f).toStrictEqual(r.data);
      expect(canon(f)).toBe(canon(r.data));
    }), { numRuns: RUNS, seed: SEED });
    // the corpus is near-valid: zod accepts a fair share of it, and the fast path every one of those itself
    expect(zodOk).toBeGreaterThan(RUNS / 10);
    expect(fastOk).toBe(zodOk);
    if (ENV['READING_FASTPATH_REPORT']) console.log(`fast path: ${RUNS} readings, zod accepted ${zodOk}, the fast path ${fastOk}, left to zod ${zodOk - fastOk}`);
  }, RUN_TIMEOUT_MS);

  it('accepts every ordinary valid reading (ASCII text, within the limits) itself', () => {
    fc.assert(fc.property(validReading, (v) => {
      const raw: unknown = JSON.parse(JSON.stringify(v));
      const f = READING_FAST_PATH.parse(raw);
      expect(f).toBeDefined();
      expect(canon(f)).toBe(canon(ReadingSchema.parse(raw)));
    }), { numRuns: 2000, seed: SEED });
  });

  it('measures lengths in code points as zod does', () => {
    const base = { id: 'a', ts: 0, metric: 'm', value: 1 };
    for (const [unit, ok] of [['😀'.repeat(16), true], ['😀'.repeat(17), false], [`${'x'.repeat(15)}😀`, true], [`${'x'.repeat(16)}😀`, false], ['\ud800'.repeat(16), true], ['\udc00\ud800'.repeat(8), true], ['\ud800'.repeat(17), false]] as const) {
      expect(ReadingSchema.safeParse({ ...base, unit }).success, unit).toBe(ok);
      expect(READING_FAST_PATH.parse({ ...base, unit })?.unit, unit).toBe(ok ? unit : undefined);
    }
  });
});

describe('decodeMessage with and without the reading fast path', () => {
  const decode = (text: string, fastPath: boolean, oldestMs: number | undefined): Decoded =>
    decodeMessage(TEL, enc.encode(text), NOW, { ...(oldestMs === undefined ? {} : { oldestMs }), readingFastPath: fastPath });

  it('gives the same verdicts, values, quarantine reasons, details and payloads, byte for byte', () => {
    fc.assert(fc.property(message, style, oldest, (m, s, o) => {
      const text = write(m, s);
      const withFast = decode(text, true, o);
      const zodOnly = decode(text, false, o);
      expect(canon(withFast)).toBe(canon(zodOnly));
      expect(withFast).toStrictEqual(zodOnly);
    }), { numRuns: RUNS, seed: SEED });
  }, RUN_TIMEOUT_MS);

  it('decodes the same poison and malformed texts the same way', () => {
    const texts = [
      '{"id":"a","ts":1,"metric":"m","value":1e400}', '{"id":"a","ts":1e400,"metric":"m","value":1}', '{"id":"\\ud800","ts":1,"metric":"m","value":1}',
      '[{"id":"a","ts":1,"metric":"m","value":1},{"id":"b","ts":"2026-02-30T00:00:00Z","metric":"m","value":1}]',
      '{"__proto__":{"id":"a"},"ts":1,"metric":"m","value":1}', '{"id":"a","ts":1,"metric":"m","value":1,"__proto__":null}',
      '{"id":"a","ts":-0,"metric":"m","value":-0}', '{"id":"a","ts":1,"metric":"m","value":1,"unit":null}', '{"id":"a","id":"","ts":1,"metric":"m","value":1}',
      `[${'{"id":"a","ts":1,"metric":"m","value":1},'.repeat(999)}[[[1]]]]`,
    ];
    for (const t of texts) for (const o of [undefined, NOW - 30 * DAY]) expect(canon(decode(t, true, o)), t).toBe(canon(decode(t, false, o)));
  });
});
