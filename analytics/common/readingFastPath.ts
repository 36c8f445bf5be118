import { z } from 'zod';
import { ReadingSchema, type Reading } from './feedSchemas.js';

/**
 * The fast path of a reading's validation. zod stays the one definition of the contract
 * (feedSchemas.ts): the rules below are read from ReadingSchema itself when this module loads, and
 * the hand-written check applies them. It answers either the exact value `ReadingSchema.safeParse`
 * would give (same keys in the same order, same values, absent optional fields left out) or
 * `undefined`, "not sure": the decoder then asks zod, so every refusal keeps zod's own reason and
 * detail. It never accepts what zod refuses (property-tested against zod, readingFastPath.test.ts).
 *
 * Not sure, and left to zod: whatever is not a valid reading (zod then gives the reason and the
 * detail). Every valid reading is accepted here: lengths are counted in code points as zod counts
 * them, regexes are the schema's own objects.
 *
 * The schema must have exactly the shape this check was written for — an object with zod's default
 * unknown-keys policy (strip, no catchall, no refinements) and the keys id, ts, metric, value, unit?,
 * quality?, in that order: strings with lengths and regexes, numbers with bounds, a string-or-number
 * union, a string enum, optional wrappers, nothing that transforms, coerces or refines. Anything
 * else (a new key, a check kind not known here, a default, a transform) disables the fast path:
 * every reading then goes to zod, and a test fails until the check is taught the change.
 */

/** A string field: its length in code points within [min, max], every pattern matching. */
export interface StringRule {
  min: number;
  max: number;
  patterns: readonly RegExp[];
}

/** A number field: finite, within its bounds, each inclusive or not. */
export interface NumberRule {
  min: number;
  minInclusive: boolean;
  max: number;
  maxInclusive: boolean;
}

/** What ReadingSchema allows, field by field, as read from the schema. */
export interface ReadingRules {
  id: StringRule;
  /** A union of a string and a number (their types are disjoint, so its order does not matter). */
  ts: { string: StringRule; number: NumberRule };
  metric: StringRule;
  value: NumberRule;
  /** Optional. */
  unit: StringRule;
  /** Optional: one of these strings. */
  quality: ReadonlySet<string>;
}

/** The fast path compiled from a schema, or why the schema is not one it knows. */
export type ReadingFastPath<T> =
  | { enabled: true; rules: ReadingRules; parse: (raw: unknown) => T | undefined }
  | { enabled: false; reason: string; parse: (raw: unknown) => undefined };

/** The keys, in the order of the schema's shape (zod's output keeps that order). */
export const READING_KEYS = ['id', 'ts', 'metric', 'value', 'unit', 'quality'] as const;

/** A schema's definition and traits, read as plain data. */
interface View {
  type: string;
  def: Readonly<Record<string, unknown>>;
  traits: ReadonlySet<string>;
  checks: readonly { check: string; def: Readonly<Record<string, unknown>> }[];
}

class Unknown extends Error {}

function view(s: unknown, where: string): View {
  const zod = (s as { _zod?: { def?: unknown; traits?: unknown } } | null)?._zod;
  if (typeof zod !== 'object' || zod === null || typeof zod.def !== 'object' || zod.def === null || !(zod.traits instanceof Set)) {
    throw new Unknown(`${where}: not a zod schema`);
  }
  const def = zod.def as Record<string, unknown>;
  const rawChecks = def['checks'] ?? [];
  if (!Array.isArray(rawChecks)) throw new Unknown(`${where}: checks are not a list`);
  const checks = rawChecks.map((c: unknown) => {
    const cd = (c as { _zod?: { def?: Record<string, unknown> } } | null)?._zod?.def;
    if (typeof cd !== 'object' || cd === null || typeof cd['check'] !== 'string') throw new Unknown(`${where}: a check that is not a zod check`);
    return { check: cd['check'], def: cd };
  });
  return { type: String(def['type']), def, traits: zod.traits as ReadonlySet<string>, checks };
}

/** The `when` zod gives its length checks by default: any other `when` is a rule not known here. */
const DEFAULT_LENGTH_WHEN = ((): unknown => {
  const c = view(z.string().min(1), 'reference').checks[0];
  return c?.def['when'];
})();

/** A plain schema of the type: not a format (z.email(), z.int() are themselves checks), not coerced. */
function plain(v: View, type: string, where: string): void {
  if (v.type !== type) throw new Unknown(`${where}: ${v.type}, not ${type}`);
  if (v.traits.has('$ZodCheck') || v.def['format'] !== undefined || v.def['pattern'] !== undefined) throw new Unknown(`${where}: a ${type} format`);
  if (v.def['coerce'] === true) throw new Unknown(`${where}: coerced`);
}

function noChecks(v: View, where: string): void {
  if (v.checks.length > 0) throw new Unknown(`${where}: ${v.checks.map((c) => c.check).join(', ')} on a ${v.type}`);
}

function stringRule(s: unknown, where: string): StringRule {
  const v = view(s, where);
  plain(v, 'string', where);
  const rule = { min: 0, max: Infinity, patterns: [] as RegExp[] };
  for (const c of v.checks) {
    const when = c.def['when'];
    if (c.check === 'min_length' || c.check === 'max_length') {
      if (when !== undefined && when !== DEFAULT_LENGTH_WHEN) throw new Unknown(`${where}: ${c.check} with a condition`);
      const n = c.def[c.check === 'min_length' ? 'minimum' : 'maximum'];
      if (typeof n !== 'number') throw new Unknown(`${where}: ${c.check} without a number`);
      if (c.check === 'min_length') rule.min = Math.max(rule.min, n);
      else rule.max = Math.min(rule.max, n);
    } else if (c.check === 'string_format' && c.def['format'] === 'regex' && c.def['pattern'] instanceof RegExp && when === undefined) {
      rule.patterns.push(c.def['pattern']);
    } else {
      throw new Unknown(`${where}: ${c.check}${typeof c.def['format'] === 'string' ? ` ${c.def['format']}` : ''} is not a string check known here`);
    }
  }
  return rule;
}

function numberRule(s: unknown, where: string): NumberRule {
  const v = view(s, where);
  plain(v, 'number', where);
  const rule: NumberRule = { min: -Infinity, minInclusive: true, max: Infinity, maxInclusive: true };
  for (const c of v.checks) {
    const value = c.def['value'];
    const inclusive = c.def['inclusive'] === true;
    if (typeof value !== 'number' || c.def['when'] !== undefined) throw new Unknown(`${where}: ${c.check} is not a number check known here`);
    if (c.check === 'greater_than') {
      if (value > rule.min) Object.assign(rule, { min: value, minInclusive: inclusive });
      else if (value === rule.min) rule.minInclusive &&= inclusive;
    } else if (c.check === 'less_than') {
      if (value < rule.max) Object.assign(rule, { max: value, maxInclusive: inclusive });
      else if (value === rule.max) rule.maxInclusive &&= inclusive;
    } else {
      throw new Unknown(`${where}: ${c.check} is not a number check known here`);
    }
  }
  return rule;
}

function optional(s: unknown, where: string): unknown {
  const v = view(s, where);
  if (v.type !== 'optional') throw new Unknown(`${where}: ${v.type}, not optional`);
  noChecks(v, where);
  return v.def['innerType'];
}

function enumRule(s: unknown, where: string): ReadonlySet<string> {
  const v = view(s, where);
  if (v.type !== 'enum') throw new Unknown(`${where}: ${v.type}, not enum`);
  noChecks(v, where);
  const entries = v.def['entries'];
  if (typeof entries !== 'object' || entries === null) throw new Unknown(`${where}: an enum without entries`);
  const values = Object.values(entries);
  if (values.length === 0 || !values.every((x): x is string => typeof x === 'string')) throw new Unknown(`${where}: an enum of other than strings`);
  return new Set(values);
}

function stringOrNumber(s: unknown, where: string): ReadingRules['ts'] {
  const v = view(s, where);
  if (v.type !== 'union') throw new Unknown(`${where}: ${v.type}, not a union`);
  noChecks(v, where);
  const options = v.def['options'];
  if (!Array.isArray(options) || options.length !== 2) throw new Unknown(`${where}: a union of other than two options`);
  const types = options.map((o: unknown) => view(o, where).type);
  const si = types.indexOf('string');
  const ni = types.indexOf('number');
  if (si < 0 || ni < 0) throw new Unknown(`${where}: a union of ${types.join(' and ')}, not string and number`);
  return { string: stringRule(options[si], `${where}.string`), number: numberRule(options[ni], `${where}.number`) };
}

/** Reads the rules from the schema; throws `Unknown` when it is not the shape this check was written for. */
function readRules(schema: z.ZodType): ReadingRules {
  const v = view(schema, '$');
  if (v.type !== 'object') throw new Unknown(`$: ${v.type}, not an object`);
  noChecks(v, '$');
  if (v.def['catchall'] !== undefined) throw new Unknown('$: unknown keys are not stripped (strict, loose or catchall)');
  const shape = v.def['shape'];
  if (typeof shape !== 'object' || shape === null) throw new Unknown('$: an object without a shape');
  const keys = Reflect.ownKeys(shape);
  if (keys.length !== READING_KEYS.length || keys.some((k, i) => k !== READING_KEYS[i])) {
    throw new Unknown(`$: keys ${keys.map(String).join(', ')}, not ${READING_KEYS.join(', ')}`);
  }
  const field = (k: (typeof READING_KEYS)[number]): unknown => (shape as Record<string, unknown>)[k];
  return {
    id: stringRule(field('id'), 'id'),
    ts: stringOrNumber(field('ts'), 'ts'),
    metric: stringRule(field('metric'), 'metric'),
    value: numberRule(field('value'), 'value'),
    unit: stringRule(optional(field('unit'), 'unit'), 'unit'),
    quality: enumRule(optional(field('quality'), 'quality'), 'quality'),
  };
}

/**
 * The string passes zod's checks. zod counts lengths in code points (a surrogate pair is one, a
 * lone surrogate one): it counts them only when the UTF-16 length alone cannot settle the limit,
 * and so does this.
 */
function stringFits(s: string, r: StringRule): boolean {
  const n = s.length;
  if (n < r.min) return false;
  if ((n > r.max || n < 2 * r.min) && !withinCodePoints(s, r)) return false;
  for (let i = 0; i < r.patterns.length; i++) {
    const p = r.patterns[i] as RegExp;
    p.lastIndex = 0;
    if (!p.test(s)) return false;
  }
  return true;
}

function withinCodePoints(s: string, r: StringRule): boolean {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count >= r.min && count <= r.max;
}

function numberFits(x: number, r: NumberRule): boolean {
  return Number.isFinite(x)
    && (r.minInclusive ? x >= r.min : x > r.min)
    && (r.maxInclusive ? x <= r.max : x < r.max);
}

/**
 * Compiles the fast path of a reading schema (ReadingSchema, or a variant of it in tests). The
 * value it returns is built as zod builds its output: a new object with the shape's keys in order,
 * an absent optional key left out, unknown keys dropped; strings and numbers are the input's own.
 */
export function compileReadingFastPath<T>(schema: z.ZodType<T>): ReadingFastPath<T> {
  let rules: ReadingRules;
  try {
    rules = readRules(schema);
  } catch (e) {
    if (!(e instanceof Unknown)) throw e;
    return { enabled: false, reason: e.message, parse: () => undefined };
  }
  const { id: idRule, metric: metricRule, value: valueRule, unit: unitRule, quality: qualities } = rules;
  const tsString = rules.ts.string;
  const tsNumber = rules.ts.number;
  const parse = (raw: unknown): T | undefined => {
    // zod's object test: an object that is neither null nor an array (JSON.parse makes no other kind)
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
    const o = raw as Record<string, unknown>;
    const id = o['id'];
    if (typeof id !== 'string' || !stringFits(id, idRule)) return undefined;
    const ts = o['ts'];
    if (typeof ts === 'string' ? !stringFits(ts, tsString) : typeof ts !== 'number' || !numberFits(ts, tsNumber)) return undefined;
    const metric = o['metric'];
    if (typeof metric !== 'string' || !stringFits(metric, metricRule)) return undefined;
    const value = o['value'];
    if (typeof value !== 'number' || !numberFits(value, valueRule)) return undefined;
    const out: Record<string, unknown> = { id, ts, metric, value };
    // zod's presence test is `key in input`; a present key holding undefined (never from JSON) is zod's to judge
    if ('unit' in o) {
      const unit = o['unit'];
      if (typeof unit !== 'string' || !stringFits(unit, unitRule)) return undefined;
      out['unit'] = unit;
    }
    if ('quality' in o) {
      const quality = o['quality'];
      if (typeof quality !== 'string' || !qualities.has(quality)) return undefined;
      out['quality'] = quality;
    }
    // the rules were read from this very schema, so this is the value zod would give
    return out as T;
  };
  return { enabled: true, rules, parse };
}

/** The fast path of the contract's ReadingSchema, compiled once. */
export const READING_FAST_PATH: ReadingFastPath<Reading> = compileReadingFastPath(ReadingSchema);
