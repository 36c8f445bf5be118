import fc from 'fast-check';
import { DOMAINS, SHIYAN_DISTRICTS } from '../../analytics/common/city.js';
import { COMMAND_ARGS, QUERY_NAMES, TOPICS } from '../../analytics/common/engineApi.js';
import { PERMIT_STATUSES, PERMIT_TYPES } from '../../analytics/common/feedSchemas.js';
import { FUZZ_WALL_TOKEN } from './fuzzTarget.js';

/*
 * Generators of hostile and careless input for the three doors of the engine: HTTP request lines
 * and headers, engine-API messages over WebSocket, and feed payloads on NATS. Feed cases are
 * generated as specifications and turned into bytes at run time (`materializeFeed`), because
 * timestamps are relative to the clock and ids must be unique per run.
 */

// ---------------------------------------------------------------- JSON text with raw numbers

/** A piece of JSON text written as is (`1e400`, `-0`, 9,000 levels of nesting). */
export class RawJson {
  constructor(readonly text: string) {}
}
/** An object as ordered entries: `__proto__` and `constructor` stay plain keys. */
export class JsonObj {
  readonly entries: [string, unknown][];
  constructor(...entries: [string, unknown][]) {
    this.entries = entries;
  }
}

/** Writes JSON; the trees it writes are shallow (deep nesting only ever comes as RawJson). */
export function jsonText(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (v instanceof JsonObj) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '1e400' : '-1e400';
  if (v === undefined) return 'null';
  return JSON.stringify(v);
}

const LONE = ['\ud800', '\udbff', '\udc00', '\udfff'] as const;

// ---------------------------------------------------------------- feed specifications

export type TsSpec =
  | { t: 'recent'; agoMs: number; form: 'ms' | 'iso'; offsetMin: number; zone: 'Z' | 'z' | 'num'; sep: 'T' | 't' | ' '; frac: 0 | 3 | 6 | 9 }
  | { t: 'leap'; daysAgo: number; frac: boolean }
  | { t: 'impossible'; which: 'feb30' | 'jun31' | 'apr31' | 'feb29' | 'h24' | 'm60' | 's61' | 'mon13' | 'day00' | 'off24' | 'leapNotEndOfDay' }
  | { t: 'future'; aheadMs: number; form: 'ms' | 'iso' }
  | { t: 'farPast'; which: 'zero' | 'negZero' | 'one' | 'epochIso' | 'year0' | 'y1900' | 'days'; days: number; form: 'ms' | 'iso' }
  | { t: 'raw'; text: string };

export type ValueSpec = { t: 'num'; v: number } | { t: 'raw'; text: string };

export type TextMutation = 'none' | 'lone' | 'pair' | 'atMax' | 'overMax' | 'empty';
export interface TextSpec { base: string; mutation: TextMutation; lone: number }

export type IdKind = 'plain' | 'len128' | 'len129' | 'empty' | 'lone' | 'pair' | 'unicode' | 'number' | 'shared' | 'prefixEvent' | 'prefixInspection' | 'samePrevious';
export interface IdSpec { kind: IdKind; lone: number }

export interface ReadingSpec {
  id: IdSpec;
  ts: TsSpec;
  metric: string;
  value: ValueSpec;
  unit: TextSpec | null;
  quality: string | null;
  extra: 'none' | 'proto' | 'constructor' | 'unknown';
  /** Whether the reading is written as an object at all (a number or null where a reading belongs). */
  shape: 'object' | 'scalar' | 'missingTs' | 'missingValue';
}

export interface SubjectSpec {
  domain: string;
  district: string;
  asset: string;
  shape: 'ok' | 'extraToken' | 'missingToken' | 'badKind' | 'upperKind';
}

export type Hostile = 'deepArray' | 'deepObjectInArray' | 'deepObject' | 'deepAttrs' | 'invalidJson' | 'invalidUtf8' | 'tooLarge' | 'tooMany' | 'emptyArray' | 'scalar'
  | 'sizeEdge' | 'deepInPermits' | 'deepUnknownInPermit';

/** The record kinds of the feed, as their subjects name them. */
export type RecordKind = 'telemetry' | 'event' | 'asset' | 'inspection' | 'permit';

/** A permit's day: a real one, one at the edge of the four-digit years, one that does not exist, or anything else. */
export type DaySpec =
  | { t: 'recent'; daysAgo: number }
  | { t: 'edge'; which: 'y0000' | 'y0001' | 'y0099' | 'y0100' | 'y1900' | 'y9999' | 'leapDay' | 'epoch' }
  | { t: 'impossible'; which: 'feb30' | 'feb29' | 'y1900feb29' | 'apr31' | 'mon13' | 'mon00' | 'day00' | 'day32' }
  | { t: 'raw'; text: string };
/** A permit's last valid day: a day of its own, or so many days after (negative: before) the day it was issued. */
export type ExpiresSpec = { t: 'day'; day: DaySpec } | { t: 'afterIssued'; days: number };
export type PermitNumberSpec =
  | { t: 'text'; text: TextSpec }
  | { t: 'chinese'; length: 'short' | 'atMax' | 'overMax' }
  | { t: 'control'; which: number }
  | { t: 'raw'; text: string };
export interface PermitItemSpec {
  type: string;
  number: PermitNumberSpec;
  department: TextSpec | 'chineseAtMax' | 'chineseOverMax';
  issued: DaySpec;
  expires: ExpiresSpec | null;
  status: string;
  use: string | null;
  /** How the permit is written: as the contract says, without one of its fields, with more, or not as an object at all. */
  shape: 'object' | 'scalar' | 'null' | 'array' | 'missingType' | 'missingNumber' | 'missingDepartment' | 'missingIssued' | 'missingStatus'
    | 'unknown' | 'proto' | 'numberAsNumber';
}
export interface PermitsSpec {
  ts: TsSpec;
  /** The body's asset: the subject's, another valid token, the subject's in another case, not a token, absent, a number. */
  asset: 'subject' | 'other' | 'otherCase' | 'invalid' | 'missing' | 'number';
  use: string | null;
  permits:
    | { t: 'list'; items: PermitItemSpec[] }
    | { t: 'many'; count: number }
    | { t: 'raw'; text: string }
    | { t: 'missing' };
  /** Every permit carries the first one's number. */
  dupNumbers: boolean;
  extra: 'none' | 'unknown' | 'proto' | 'constructor' | 'nonFinite' | 'bigUnknown' | 'nestedUnknown';
}

export interface EventSpec { id: IdSpec; ts: TsSpec; type: TextSpec; severity: string; title: TextSpec; asset: string | null; lat: ValueSpec | null; lon: ValueSpec | null; detail: TextSpec | null }
export interface AssetSpec { idMatches: boolean; ts: TsSpec; name: TextSpec; kind: TextSpec; lat: ValueSpec; lon: ValueSpec; owner: TextSpec; supervisor: TextSpec; approver: TextSpec | null; attrs: [TextSpec, unknown][] | null }
export interface InspectionSpec { id: IdSpec; ts: TsSpec; asset: string; item: TextSpec; result: string; level: string | null; note: TextSpec | null; inspector: TextSpec }

export type FeedSpec =
  | { t: 'telemetry'; subject: SubjectSpec; body: { t: 'one'; r: ReadingSpec } | { t: 'array'; rs: ReadingSpec[] }; copies: number }
  | { t: 'event'; subject: SubjectSpec; ev: EventSpec; copies: number }
  | { t: 'asset'; subject: SubjectSpec; a: AssetSpec; copies: number }
  | { t: 'inspection'; subject: SubjectSpec; i: InspectionSpec; copies: number }
  | { t: 'permit'; subject: SubjectSpec; p: PermitsSpec; copies: number }
  | { t: 'hostile'; kind: RecordKind; subject: SubjectSpec; hostile: Hostile; variant: number; good: ReadingSpec; copies: number };

const DAY = 86_400_000;
/** The contract's limit of a message's size (64 KiB). */
const MAX_FEED_BYTES = 64 * 1024;
const safeText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }) },
  { weight: 1, arbitrary: fc.constantFrom('张湾区燃气调压站1号', '十堰市燃气有限公司', 'a', 'é\u0301', '😀', '\u0000', '"\\', '</script>') },
);
const textSpec: fc.Arbitrary<TextSpec> = fc.record({
  base: safeText,
  mutation: fc.oneof({ weight: 10, arbitrary: fc.constant<TextMutation>('none') }, { weight: 4, arbitrary: fc.constantFrom<TextMutation>('lone', 'pair', 'atMax', 'overMax', 'empty') }),
  lone: fc.nat(LONE.length - 1),
});

const recentTs: fc.Arbitrary<TsSpec> = fc.record({
  t: fc.constant('recent' as const), agoMs: fc.integer({ min: 1_000, max: 20 * DAY }), form: fc.constantFrom('ms' as const, 'iso' as const),
  offsetMin: fc.constantFrom(0, 480, -300, 330, 345, -720, 840), zone: fc.constantFrom('Z' as const, 'z' as const, 'num' as const),
  sep: fc.constantFrom('T' as const, 't' as const, ' ' as const), frac: fc.constantFrom(0 as const, 3 as const, 6 as const, 9 as const),
});
export const tsSpec: fc.Arbitrary<TsSpec> = fc.oneof(
  { weight: 12, arbitrary: recentTs },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('leap' as const), daysAgo: fc.integer({ min: 2, max: 25 }), frac: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('impossible' as const), which: fc.constantFrom('feb30' as const, 'jun31' as const, 'apr31' as const, 'feb29' as const, 'h24' as const, 'm60' as const, 's61' as const, 'mon13' as const, 'day00' as const, 'off24' as const, 'leapNotEndOfDay' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('future' as const), aheadMs: fc.integer({ min: 10 * 60_000, max: 3650 * DAY }), form: fc.constantFrom('ms' as const, 'iso' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('farPast' as const), which: fc.constantFrom('zero' as const, 'negZero' as const, 'one' as const, 'epochIso' as const, 'year0' as const, 'y1900' as const, 'days' as const), days: fc.integer({ min: 31, max: 20_000 }), form: fc.constantFrom('ms' as const, 'iso' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('raw' as const), text: fc.constantFrom('null', 'true', '"yesterday"', '"2026-06-13"', '[]', '{}', '"NaN"', '1e19', '1e400', '-1', '8640000000000001', '"9999-12-31T23:59:59Z"', '"275760-09-13T00:00:00Z"', '"2026-06-13T10:00:00Z\\ud800"', '"2026-06-13T10:00:00.1234567891Z"', '"2026-06-13T10:00:00"') }) },
);

const EXTREME_NUMBERS = ['1e19', '-1e19', '1.7976931348623157e308', '5e-324', '-5e-324', '-0', '1e400', '-1e400', '9007199254740993', '18446744073709551616', '9223372036854775807', '0.1', '"12"', 'null', 'true', '[]', '{}', '"NaN"', '1E+2', '-0.0'];
export const valueSpec: fc.Arbitrary<ValueSpec> = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => ({ t: 'num' as const, v })) },
  { weight: 3, arbitrary: fc.constantFrom(...EXTREME_NUMBERS).map((text) => ({ t: 'raw' as const, text })) },
  { weight: 1, arbitrary: fc.double().map((v) => ({ t: 'num' as const, v })) },
);

const idSpec: fc.Arbitrary<IdSpec> = fc.record({
  kind: fc.oneof(
    { weight: 12, arbitrary: fc.constant<IdKind>('plain') },
    { weight: 6, arbitrary: fc.constantFrom<IdKind>('len128', 'len129', 'empty', 'lone', 'pair', 'unicode', 'number', 'shared', 'prefixEvent', 'prefixInspection', 'samePrevious') },
  ),
  lone: fc.nat(LONE.length - 1),
});

const metric = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('lel_pct', 'level_m', 'pressure_kpa', 'flow_m3h', 'temp_c') },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9_]{1,64}$/) },
  { weight: 2, arbitrary: fc.constantFrom('LEL', '', 'a'.repeat(65), 'a-b', 'lel\ud800', 'toString', '__proto__') },
);

export const readingSpec: fc.Arbitrary<ReadingSpec> = fc.record({
  id: idSpec,
  ts: tsSpec,
  metric,
  value: valueSpec,
  unit: fc.option(textSpec, { nil: null }),
  quality: fc.option(fc.constantFrom('good', 'suspect', 'bad', 'excellent', 'GOOD'), { nil: null }),
  extra: fc.oneof({ weight: 8, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom('proto' as const, 'constructor' as const, 'unknown' as const) }),
  shape: fc.oneof({ weight: 20, arbitrary: fc.constant('object' as const) }, { weight: 1, arbitrary: fc.constantFrom('scalar' as const, 'missingTs' as const, 'missingValue' as const) }),
});

const assetToken = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('st-1', 'gw7', 'pump_03', 'B-12') },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(65), 'a+b', 'x~y') },
);
const districtToken = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...SHIYAN_DISTRICTS.map((d) => d.code), '110101') },
  { weight: 1, arbitrary: fc.constantFrom('4203', 'abcdef', '4203031') },
);
export const subjectSpec: fc.Arbitrary<SubjectSpec> = fc.record({
  domain: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...DOMAINS) }, { weight: 1, arbitrary: fc.constantFrom('unknown', 'GAS', 'gas_') }),
  district: districtToken,
  asset: assetToken,
  shape: fc.oneof({ weight: 20, arbitrary: fc.constant('ok' as const) }, { weight: 1, arbitrary: fc.constantFrom('extraToken' as const, 'missingToken' as const, 'badKind' as const, 'upperKind' as const) }),
});
/** Permits come from the building and construction registries mostly, but any domain may send one. */
const permitSubjectSpec: fc.Arbitrary<SubjectSpec> = fc.record({
  domain: fc.oneof({ weight: 16, arbitrary: fc.constantFrom('building', 'construction') }, { weight: 6, arbitrary: fc.constantFrom(...DOMAINS) }, { weight: 1, arbitrary: fc.constantFrom('unknown', 'BUILDING', 'building_') }),
  district: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SHIYAN_DISTRICTS.map((d) => d.code)) }, { weight: 1, arbitrary: districtToken }),
  asset: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('st-1', 'gw7', 'pump_03', 'B-12', 'old-building-0001', 'a'.repeat(64)) }, { weight: 1, arbitrary: assetToken }),
  shape: fc.oneof({ weight: 40, arbitrary: fc.constant('ok' as const) }, { weight: 1, arbitrary: fc.constantFrom('extraToken' as const, 'missingToken' as const, 'badKind' as const, 'upperKind' as const) }),
});

const latLon = (max: number): fc.Arbitrary<ValueSpec> => fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -max, max, noNaN: true }).map((v) => ({ t: 'num' as const, v })) },
  { weight: 1, arbitrary: fc.constantFrom(String(max + 1), String(-max - 1), '1e400', '"32"', 'null', '-0').map((text) => ({ t: 'raw' as const, text })) },
);
const attrValue = fc.oneof(
  { weight: 4, arbitrary: textSpec },
  { weight: 3, arbitrary: valueSpec },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(true, false, null, new RawJson('{"nested":1}'), new RawJson('[1,2]')) },
);
const attrKey: fc.Arbitrary<TextSpec> = fc.oneof(
  { weight: 6, arbitrary: textSpec },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString').map((base) => ({ base, mutation: 'none' as const, lone: 0 })) },
);

// ---------------------------------------------------------------- permits records

const hanzi = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c));
/** Text as a municipal system writes it: departments and numbers in Chinese, or anything else. */
const permitText: fc.Arbitrary<TextSpec> = fc.record({
  base: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('十堰市自然资源和规划局', '十堰市住房和城乡建设局', '十堰市公安局茅箭区分局', '张湾区消防救援大队', '十堰市发展和改革委员会', '建字第4203022013001') },
    { weight: 2, arbitrary: fc.string({ unit: hanzi, minLength: 1, maxLength: 40 }) },
    { weight: 2, arbitrary: safeText },
  ),
  mutation: fc.oneof({ weight: 10, arbitrary: fc.constant<TextMutation>('none') }, { weight: 3, arbitrary: fc.constantFrom<TextMutation>('lone', 'pair', 'atMax', 'overMax', 'empty') }),
  lone: fc.nat(LONE.length - 1),
});

/** Text within the contract's limits (characters beyond the BMP and text at its maximum length included). */
const legalText: fc.Arbitrary<TextSpec> = permitText.map((x) => ({ ...x, mutation: x.mutation === 'pair' || x.mutation === 'atMax' ? x.mutation : 'none' }));

/** A real day from ten years ahead to forty years back. */
const recentDay: fc.Arbitrary<DaySpec> = fc.record({ t: fc.constant('recent' as const), daysAgo: fc.integer({ min: -3650, max: 40 * 365 }) });
/** Real days at the edges of the four-digit years and of the calendar. */
const edgeDay: fc.Arbitrary<DaySpec> = fc.record({ t: fc.constant('edge' as const), which: fc.constantFrom('y0000' as const, 'y0001' as const, 'y0099' as const, 'y0100' as const, 'y1900' as const, 'y9999' as const, 'leapDay' as const, 'epoch' as const) });
export const daySpec: fc.Arbitrary<DaySpec> = fc.oneof(
  { weight: 12, arbitrary: recentDay },
  { weight: 2, arbitrary: edgeDay },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('impossible' as const), which: fc.constantFrom('feb30' as const, 'feb29' as const, 'y1900feb29' as const, 'apr31' as const, 'mon13' as const, 'mon00' as const, 'day00' as const, 'day32' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('raw' as const), text: fc.constantFrom(
    '"2026/06/13"', '"2026-6-1"', '"20260613"', '"2026-06-13T00:00:00Z"', '"2026-06-13 "', '" 2026-06-13"', '"2026-06-13\\n"', '"\uff12\uff10\uff12\uff16-06-13"',
    '"2026-06-13\\u0000"', '"-2026-06-13"', '"+02026-06-13"', '"12026-06-13"', '""', 'null', '20260613', '1781300000000', '[]', '{}', 'true', '"2026-06-13\\ud800"', '1e400',
  ) }) },
);
const expiresSpec: fc.Arbitrary<ExpiresSpec> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('day' as const), day: daySpec }) },
  // negative: it ends before it was issued; 0: valid for its one day
  { weight: 3, arbitrary: fc.record({ t: fc.constant('afterIssued' as const), days: fc.integer({ min: -4000, max: 8000 }) }) },
);
/** Control characters a careless export leaves in a permit number (NUL, tabs, line ends, DEL, BOM, zero-width space, line separator). */
export const CONTROL_NUMBERS = ['F\u0000001', '\u0000', 'F\t001', 'F001\r\n', '\u0001\u001f', 'F\u007f', '\ufeffF001', 'F\u200b001', 'F\u2028001', '\u0085', '\\', '"', '</script>'] as const;
const permitNumber: fc.Arbitrary<PermitNumberSpec> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('text' as const), text: permitText }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('chinese' as const), length: fc.constantFrom('short' as const, 'atMax' as const, 'overMax' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('control' as const), which: fc.nat(CONTROL_NUMBERS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('raw' as const), text: fc.constantFrom('42', 'null', '""', '[]', '{}', '1e400', 'true', '"x"') }) },
);
const USES = ['residential', 'commercial', 'catering', 'hotel', 'office', 'industrial', 'warehouse', 'public', 'pawn', 'second_hand'];
const permitUse = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...USES) },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(32), 'a'.repeat(33), '住宅', 'Residential', 'home-office', '', 'hotel\u0000', '__proto__', 'toString') },
);
/** A permit as the contract allows it: every type and status, optional fields present or absent, text at its limits, control characters. */
const cleanPermitItem: fc.Arbitrary<PermitItemSpec> = fc.record({
  type: fc.constantFrom(...PERMIT_TYPES),
  number: fc.oneof(
    { weight: 6, arbitrary: fc.record({ t: fc.constant('text' as const), text: legalText }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('chinese' as const), length: fc.constantFrom('short' as const, 'atMax' as const) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('control' as const), which: fc.nat(CONTROL_NUMBERS.length - 1) }) },
  ),
  department: fc.oneof(
    { weight: 8, arbitrary: legalText },
    { weight: 1, arbitrary: fc.constant('chineseAtMax' as const) },
  ),
  issued: fc.oneof({ weight: 8, arbitrary: recentDay }, { weight: 1, arbitrary: edgeDay }),
  expires: fc.option(fc.oneof(
    { weight: 3, arbitrary: fc.record({ t: fc.constant('afterIssued' as const), days: fc.integer({ min: -4000, max: 8000 }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('day' as const), day: fc.oneof({ weight: 4, arbitrary: recentDay }, { weight: 1, arbitrary: edgeDay }) }) },
  ), { nil: null, freq: 2 }),
  status: fc.constantFrom(...PERMIT_STATUSES),
  use: fc.option(fc.constantFrom(...USES, 'a'.repeat(32)), { nil: null, freq: 2 }),
  shape: fc.oneof({ weight: 12, arbitrary: fc.constant('object' as const) }, { weight: 1, arbitrary: fc.constantFrom('unknown' as const, 'proto' as const) }),
});
/** Anything a buggy municipal system may send where a permit belongs. */
const hostilePermitItem: fc.Arbitrary<PermitItemSpec> = fc.record({
  type: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...PERMIT_TYPES) }, { weight: 1, arbitrary: fc.constantFrom('Fire', 'FIRE', 'demolition', '', '消防', 'toString', '__proto__', 'special-trade') }),
  number: permitNumber,
  department: fc.oneof({ weight: 10, arbitrary: permitText }, { weight: 1, arbitrary: fc.constantFrom('chineseAtMax' as const, 'chineseOverMax' as const) }),
  issued: daySpec,
  expires: fc.option(expiresSpec, { nil: null, freq: 2 }),
  status: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...PERMIT_STATUSES) }, { weight: 1, arbitrary: fc.constantFrom('lapsed', 'VALID', '', 'valid ', 'revoked\u0000') }),
  use: fc.option(permitUse, { nil: null, freq: 2 }),
  shape: fc.oneof(
    { weight: 30, arbitrary: fc.constant('object' as const) },
    { weight: 1, arbitrary: fc.constantFrom('scalar' as const, 'null' as const, 'array' as const, 'missingType' as const, 'missingNumber' as const, 'missingDepartment' as const,
      'missingIssued' as const, 'missingStatus' as const, 'unknown' as const, 'proto' as const, 'numberAsNumber' as const) },
  ),
});
export const permitItemSpec: fc.Arbitrary<PermitItemSpec> = fc.oneof({ weight: 8, arbitrary: cleanPermitItem }, { weight: 1, arbitrary: hostilePermitItem });
export const permitsSpec: fc.Arbitrary<PermitsSpec> = fc.record({
  // a permits record is republished now and then: mostly recent, sometimes anything a timestamp can be
  ts: fc.oneof({ weight: 2, arbitrary: recentTs }, { weight: 1, arbitrary: tsSpec }),
  asset: fc.oneof({ weight: 16, arbitrary: fc.constant('subject' as const) }, { weight: 1, arbitrary: fc.constantFrom('other' as const, 'otherCase' as const, 'invalid' as const, 'missing' as const, 'number' as const) }),
  use: fc.option(permitUse, { nil: null, freq: 4 }),
  permits: fc.oneof(
    { weight: 12, arbitrary: fc.record({ t: fc.constant('list' as const), items: fc.array(permitItemSpec, { maxLength: 8 }) }) },
    // at the limit of 24, one over, and arrays far over it (the largest beyond 64 KiB)
    { weight: 1, arbitrary: fc.record({ t: fc.constant('many' as const), count: fc.constantFrom(24, 25, 100, 700, 5000) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('raw' as const), text: fc.constantFrom('null', '{}', '"none"', '42', 'true', '[null]', '[[]]', '[1,2,3]', `[${'0,'.repeat(20_000)}0]`, '{"0":{"type":"fire"}}', '1e400') }) },
    { weight: 1, arbitrary: fc.constant({ t: 'missing' as const }) },
  ),
  dupNumbers: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  extra: fc.oneof({ weight: 12, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom('unknown' as const, 'proto' as const, 'constructor' as const, 'nonFinite' as const, 'bigUnknown' as const, 'nestedUnknown' as const) }),
});

const permitRecordSpec: fc.Arbitrary<FeedSpec> = fc.record({ t: fc.constant('permit' as const), subject: permitSubjectSpec, p: permitsSpec, copies: fc.constantFrom(1, 1, 1, 2) });

const HOSTILE: readonly Hostile[] = ['deepArray', 'deepObjectInArray', 'deepObject', 'deepAttrs', 'invalidJson', 'invalidUtf8', 'tooLarge', 'tooMany', 'emptyArray', 'scalar', 'sizeEdge', 'deepInPermits', 'deepUnknownInPermit'];

function hostileSpec(...kinds: RecordKind[]): fc.Arbitrary<FeedSpec> {
  return fc.record({
    t: fc.constant('hostile' as const), kind: fc.constantFrom(...kinds), subject: subjectSpec.map((s) => ({ ...s, shape: 'ok' as const })),
    hostile: fc.constantFrom(...HOSTILE), variant: fc.nat(7), good: readingSpec, copies: fc.constant(1),
  });
}

export const feedSpec: fc.Arbitrary<FeedSpec> = fc.oneof(
  { weight: 10, arbitrary: fc.record({
    t: fc.constant('telemetry' as const), subject: subjectSpec,
    body: fc.oneof(fc.record({ t: fc.constant('one' as const), r: readingSpec }), fc.record({ t: fc.constant('array' as const), rs: fc.array(readingSpec, { minLength: 1, maxLength: 8 }) })),
    copies: fc.constantFrom(1, 1, 1, 2),
  }) },
  { weight: 3, arbitrary: fc.record({
    t: fc.constant('event' as const), subject: subjectSpec, copies: fc.constantFrom(1, 1, 1, 2),
    ev: fc.record({
      id: idSpec, ts: tsSpec, type: textSpec, severity: fc.constantFrom('red', 'orange', 'yellow', 'blue', 'purple', 'RED'), title: textSpec,
      asset: fc.option(assetToken, { nil: null }), lat: fc.option(latLon(90), { nil: null }), lon: fc.option(latLon(180), { nil: null }), detail: fc.option(textSpec, { nil: null }),
    }),
  }) },
  { weight: 2, arbitrary: fc.record({
    t: fc.constant('asset' as const), subject: subjectSpec, copies: fc.constantFrom(1, 1, 2),
    a: fc.record({
      idMatches: fc.oneof({ weight: 10, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      ts: tsSpec, name: textSpec, kind: textSpec, lat: latLon(90), lon: latLon(180), owner: textSpec, supervisor: textSpec,
      approver: fc.option(textSpec, { nil: null }), attrs: fc.option(fc.array(fc.tuple(attrKey, attrValue), { maxLength: 4 }), { nil: null }),
    }),
  }) },
  { weight: 2, arbitrary: fc.record({
    t: fc.constant('inspection' as const), subject: subjectSpec, copies: fc.constantFrom(1, 1, 1, 2),
    i: fc.record({
      id: idSpec, ts: tsSpec, asset: assetToken, item: textSpec, result: fc.constantFrom('pass', 'fail', 'maybe'),
      level: fc.option(fc.constantFrom('major', 'general', 'minor'), { nil: null }), note: fc.option(textSpec, { nil: null }), inspector: textSpec,
    }),
  }) },
  { weight: 3, arbitrary: permitRecordSpec },
  { weight: 2, arbitrary: hostileSpec('telemetry', 'telemetry', 'event', 'asset', 'inspection', 'permit', 'permit') },
);

/** Permits records only, valid and hostile: what the decoder and the contract judge are compared on in-process. */
export const permitFeedSpec: fc.Arbitrary<FeedSpec> = fc.oneof({ weight: 3, arbitrary: permitRecordSpec }, { weight: 1, arbitrary: hostileSpec('permit') });

/** A run: a few feed messages published together, then checked once ingest has caught up. */
export const feedRun: fc.Arbitrary<FeedSpec[]> = fc.array(feedSpec, { minLength: 1, maxLength: 10 });

// ---------------------------------------------------------------- materializing feed cases

export interface FeedMessage { subject: string; data: Uint8Array; label: string }

const enc = new TextEncoder();
const pad2 = (n: number): string => String(n).padStart(2, '0');

function isoOf(ms: number, offsetMin: number, zone: 'Z' | 'z' | 'num', sep: string, frac: number, fracDigits: number): string {
  const local = new Date(ms + offsetMin * 60_000);
  const y = String(local.getUTCFullYear()).padStart(4, '0');
  const f = fracDigits === 0 ? '' : `.${String(frac).padStart(3, '0')}${'7'.repeat(fracDigits - 3)}`;
  const off = offsetMin === 0 && zone !== 'num' ? zone : `${offsetMin < 0 ? '-' : '+'}${pad2(Math.floor(Math.abs(offsetMin) / 60))}:${pad2(Math.abs(offsetMin) % 60)}`;
  return `${y}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}${sep}${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}${f}${off}`;
}

export function tsJson(s: TsSpec, nowMs: number): unknown {
  const day = (msAgo: number): string => new Date(nowMs - msAgo).toISOString().slice(0, 10);
  switch (s.t) {
    case 'recent': {
      const ms = nowMs - s.agoMs;
      return s.form === 'ms' ? ms : isoOf(ms, s.offsetMin, s.zone, s.sep, ms % 1000, s.frac);
    }
    case 'leap': return `${day(s.daysAgo * DAY)}T23:59:60${s.frac ? '.5' : ''}Z`;
    case 'impossible': {
      const y = new Date(nowMs).getUTCFullYear();
      const leapYear = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      const recent = day(3 * DAY);
      const table: Record<typeof s.which, string> = {
        feb30: `${y}-02-30T00:00:00Z`, jun31: `${y}-06-31T08:00:00+08:00`, apr31: `${y}-04-31T12:00:00Z`,
        feb29: `${leapYear ? y - 1 : y}-02-29T00:00:00Z`, h24: `${recent}T24:00:00Z`, m60: `${recent}T12:60:00Z`, s61: `${recent}T12:00:61Z`,
        mon13: `${y}-13-01T00:00:00Z`, day00: `${y}-01-00T00:00:00Z`, off24: `${recent}T10:00:00+24:00`, leapNotEndOfDay: `${recent}T12:30:60Z`,
      };
      return table[s.which];
    }
    case 'future': return s.form === 'ms' ? nowMs + s.aheadMs : new Date(nowMs + s.aheadMs).toISOString();
    case 'farPast': {
      switch (s.which) {
        case 'zero': return 0;
        case 'negZero': return new RawJson('-0');
        case 'one': return 1;
        case 'epochIso': return '1970-01-01T00:00:00Z';
        case 'year0': return '0000-01-01T00:00:00Z';
        case 'y1900': return '1900-02-28T23:59:59+08:00';
        case 'days': return s.form === 'ms' ? nowMs - s.days * DAY : new Date(nowMs - s.days * DAY).toISOString();
      }
      break;
    }
    case 'raw': return new RawJson(s.text);
  }
  return null;
}

const valueJson = (v: ValueSpec): unknown => (v.t === 'num' ? v.v : new RawJson(v.text));

function textOf(t: TextSpec, max: number): string {
  const lone = LONE[t.lone] ?? '\ud800';
  switch (t.mutation) {
    case 'none': return t.base.slice(0, max) || 'x';
    case 'lone': return `${t.base.slice(0, max - 2)}${lone}`.slice(0, max);
    case 'pair': return `${t.base.slice(0, max - 3)}😀`;
    case 'atMax': return t.base.padEnd(max, 'x').slice(0, max);
    case 'overMax': return t.base.padEnd(max + 1, 'x').slice(0, max + 1);
    case 'empty': return '';
  }
}

/** The day `days` after `day` (both `YYYY-MM-DD`; years 0000-9999 written with four digits, clamped to them). */
function shiftedDay(day: string, days: number): string {
  const d = new Date(0);
  d.setUTCFullYear(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)) + days);
  const y = Math.min(9999, Math.max(0, d.getUTCFullYear()));
  return `${String(y).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

function describePermits(p: PermitsSpec): string {
  const permits = p.permits.t === 'list' ? `${p.permits.items.length} permit(s)` : p.permits.t === 'many' ? `${p.permits.count} permits` : p.permits.t === 'raw' ? 'permits not a list' : 'no permits field';
  return [permits, p.asset === 'subject' ? '' : `asset ${p.asset}`, p.dupNumbers ? 'one number' : '', p.extra === 'none' ? '' : `extra ${p.extra}`].filter((x) => x !== '').join(', ');
}

/** Turns the specs of one run into messages; `tag` makes the run's ids unique. */
export class FeedMaterializer {
  private lastReadingId: string | null = null;
  private n = 0;
  constructor(private readonly tag: string, private readonly nowMs: number) {}

  private id(s: IdSpec, kind: string): unknown {
    const plain = `${this.tag}-${kind}${this.n++}`;
    const lone = LONE[s.lone] ?? '\ud800';
    switch (s.kind) {
      case 'plain': return plain;
      case 'len128': return plain.padEnd(128, 'x');
      case 'len129': return plain.padEnd(129, 'x');
      case 'empty': return '';
      case 'lone': return `sur${plain}${lone}`;
      case 'pair': return `${plain}😀`;
      case 'unicode': return `${plain}-燃气-é\u0301`;
      case 'number': return 42;
      case 'shared': return `${this.tag}-shared`;
      case 'prefixEvent': return `event:${this.tag}-shared`;
      case 'prefixInspection': return `inspection:${this.tag}-shared`;
      case 'samePrevious': return kind === 'r' && this.lastReadingId !== null ? this.lastReadingId : plain;
    }
  }

  reading(r: ReadingSpec): unknown {
    if (r.shape === 'scalar') return 42;
    const id = this.id(r.id, 'r');
    if (typeof id === 'string') this.lastReadingId = id;
    const e: [string, unknown][] = [['id', id]];
    if (r.shape !== 'missingTs') e.push(['ts', tsJson(r.ts, this.nowMs)]);
    e.push(['metric', r.metric]);
    if (r.shape !== 'missingValue') e.push(['value', valueJson(r.value)]);
    if (r.unit) e.push(['unit', textOf(r.unit, 16)]);
    if (r.quality !== null) e.push(['quality', r.quality]);
    if (r.extra === 'proto') e.push(['__proto__', new JsonObj(['polluted', true])]);
    if (r.extra === 'constructor') e.push(['constructor', new JsonObj(['prototype', new JsonObj(['polluted', true])])]);
    if (r.extra === 'unknown') e.push(['x_extra', 'ignored']);
    return new JsonObj(...e);
  }

  subject(kind: RecordKind, s: SubjectSpec): string {
    const withAsset = kind === 'telemetry' || kind === 'asset' || kind === 'permit';
    const tokens = ['city', s.shape === 'badKind' ? (kind === 'permit' ? 'permits' : 'telemetrics') : s.shape === 'upperKind' ? kind.toUpperCase() : kind, s.domain, s.district];
    if (withAsset !== (s.shape === 'missingToken')) tokens.push(s.asset);
    if (s.shape === 'extraToken') tokens.push('extra');
    return tokens.join('.');
  }

  messages(spec: FeedSpec): FeedMessage[] {
    const one = this.message(spec);
    return Array.from({ length: spec.copies }, (_, i) => ({ ...one, label: i === 0 ? one.label : `${one.label} (again)` }));
  }

  private message(spec: FeedSpec): FeedMessage {
    const now = this.nowMs;
    const text = (subject: string, body: unknown, label: string): FeedMessage => ({ subject, data: enc.encode(jsonText(body)), label });
    switch (spec.t) {
      case 'telemetry': {
        const subject = this.subject('telemetry', spec.subject);
        const body = spec.body.t === 'one' ? this.reading(spec.body.r) : spec.body.rs.map((r) => this.reading(r));
        return text(subject, body, `telemetry ${spec.body.t === 'one' ? 'reading' : `array of ${spec.body.rs.length}`}`);
      }
      case 'event': {
        const v = spec.ev;
        const e: [string, unknown][] = [['id', this.id(v.id, 'e')], ['ts', tsJson(v.ts, now)], ['type', textOf(v.type, 64)], ['severity', v.severity], ['title', textOf(v.title, 200)]];
        if (v.asset !== null) e.push(['asset', v.asset]);
        if (v.lat !== null) e.push(['lat', valueJson(v.lat)]);
        if (v.lon !== null) e.push(['lon', valueJson(v.lon)]);
        if (v.detail !== null) e.push(['detail', textOf(v.detail, 4000)]);
        return text(this.subject('event', spec.subject), new JsonObj(...e), 'event');
      }
      case 'asset': {
        const a = spec.a;
        const e: [string, unknown][] = [
          ['id', a.idMatches ? spec.subject.asset : `${spec.subject.asset}x`], ['ts', tsJson(a.ts, now)], ['name', textOf(a.name, 200)], ['kind', textOf(a.kind, 64)],
          ['lat', valueJson(a.lat)], ['lon', valueJson(a.lon)], ['owner', textOf(a.owner, 200)], ['supervisor', textOf(a.supervisor, 200)],
        ];
        if (a.approver !== null) e.push(['approver', textOf(a.approver, 200)]);
        if (a.attrs !== null) {
          e.push(['attrs', new JsonObj(...a.attrs.map(([k, v]): [string, unknown] => [
            textOf(k, 40), typeof v === 'object' && v !== null && 'mutation' in v ? textOf(v as TextSpec, 100) : typeof v === 'object' && v !== null && 't' in v ? valueJson(v as ValueSpec) : v,
          ]))]);
        }
        return text(this.subject('asset', spec.subject), new JsonObj(...e), 'asset record');
      }
      case 'inspection': {
        const v = spec.i;
        const e: [string, unknown][] = [['id', this.id(v.id, 'i')], ['ts', tsJson(v.ts, now)], ['asset', v.asset], ['item', textOf(v.item, 200)], ['result', v.result]];
        if (v.level !== null) e.push(['level', v.level]);
        if (v.note !== null) e.push(['note', textOf(v.note, 4000)]);
        e.push(['inspector', textOf(v.inspector, 200)]);
        return text(this.subject('inspection', spec.subject), new JsonObj(...e), 'inspection');
      }
      case 'permit': return text(this.subject('permit', spec.subject), this.permits(spec.p, spec.subject.asset), `permits record (${describePermits(spec.p)})`);
      case 'hostile': return this.hostile(spec);
    }
  }

  /** A permits record's body; `asset` is the subject's asset token. */
  permits(p: PermitsSpec, asset: string): unknown {
    const e: [string, unknown][] = [['ts', tsJson(p.ts, this.nowMs)]];
    const bodyAsset = { subject: asset, other: `${asset.slice(0, 60)}-x`, otherCase: asset.toUpperCase() === asset ? asset.toLowerCase() : asset.toUpperCase(), invalid: `${asset}.1`, missing: undefined, number: 7 }[p.asset];
    if (bodyAsset !== undefined) e.push(['asset', bodyAsset]);
    if (p.use !== null) e.push(['use', p.use]);
    switch (p.permits.t) {
      case 'list': {
        const first = p.permits.items[0];
        const shared = p.dupNumbers && first ? this.permitNumber(first.number) : undefined;
        e.push(['permits', p.permits.items.map((item) => this.permit(item, shared))]);
        break;
      }
      case 'many': {
        const day = (n: number): string => new Date(this.nowMs - (n + 1) * DAY).toISOString().slice(0, 10);
        const count = p.permits.count;
        e.push(['permits', Array.from({ length: count }, (_, i) => new JsonObj(
          ['type', PERMIT_TYPES[i % PERMIT_TYPES.length]], ['number', p.dupNumbers ? 'N-1' : `N-${i}`], ['department', '十堰市住房和城乡建设局'], ['issued', day(i)], ['status', 'valid'],
        ))]);
        break;
      }
      case 'raw': e.push(['permits', new RawJson(p.permits.text)]); break;
      case 'missing': break;
    }
    switch (p.extra) {
      case 'none': break;
      case 'unknown': e.push(['x_source', '区级审批系统']); break;
      case 'proto': e.push(['__proto__', new JsonObj(['asset', 'polluted'], ['permits', []])]); break;
      case 'constructor': e.push(['constructor', new JsonObj(['prototype', new JsonObj(['polluted', true])])]); break;
      case 'nonFinite': e.push(['x_score', new RawJson('1e400')]); break;
      case 'bigUnknown': e.push(['x_scan', 'x'.repeat(20_000)]); break;
      case 'nestedUnknown': e.push(['x_history', new RawJson(`${'{"v":['.repeat(20)}1${']}'.repeat(20)}`)]); break;
    }
    return new JsonObj(...e);
  }

  private permitNumber(n: PermitNumberSpec): unknown {
    switch (n.t) {
      case 'text': return textOf(n.text, 64);
      case 'chinese': {
        const base = '建字第4203022013001号';
        return n.length === 'short' ? base : base.padEnd(n.length === 'atMax' ? 64 : 65, '号');
      }
      case 'control': return CONTROL_NUMBERS[n.which] ?? '\u0000';
      case 'raw': return new RawJson(n.text);
    }
  }

  private permit(p: PermitItemSpec, sharedNumber: unknown): unknown {
    switch (p.shape) {
      case 'scalar': return 42;
      case 'null': return null;
      case 'array': return [p.type, 'N-1'];
      default: break;
    }
    const issued = this.day(p.issued);
    const e: [string, unknown][] = [];
    if (p.shape !== 'missingType') e.push(['type', p.type]);
    if (p.shape !== 'missingNumber') e.push(['number', p.shape === 'numberAsNumber' ? 4203022013001 : sharedNumber ?? this.permitNumber(p.number)]);
    if (p.shape !== 'missingDepartment') {
      const d = p.department;
      e.push(['department', d === 'chineseAtMax' ? '十堰市住房和城乡建设局'.padEnd(200, '局') : d === 'chineseOverMax' ? '十堰市住房和城乡建设局'.padEnd(201, '局') : textOf(d, 200)]);
    }
    if (p.shape !== 'missingIssued') e.push(['issued', issued]);
    if (p.expires !== null) {
      const x = p.expires;
      e.push(['expires', x.t === 'day' ? this.day(x.day) : typeof issued === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(issued)
        ? shiftedDay(issued, x.days) : this.day({ t: 'recent', daysAgo: -x.days })]);
    }
    if (p.shape !== 'missingStatus') e.push(['status', p.status]);
    if (p.use !== null) e.push(['use', p.use]);
    if (p.shape === 'unknown') e.push(['x_scan', 'scan-0001.pdf']);
    if (p.shape === 'proto') e.push(['__proto__', new JsonObj(['status', 'valid'])]);
    return new JsonObj(...e);
  }

  /** A permit day as JSON: `YYYY-MM-DD` text, or anything else a careless sender writes. */
  private day(d: DaySpec): unknown {
    const y = new Date(this.nowMs).getUTCFullYear();
    switch (d.t) {
      case 'recent': return new Date(this.nowMs - d.daysAgo * DAY).toISOString().slice(0, 10);
      case 'edge': return { y0000: '0000-01-01', y0001: '0001-02-28', y0099: '0099-12-31', y0100: '0100-03-01', y1900: '1900-02-28', y9999: '9999-12-31', leapDay: '2024-02-29', epoch: '1970-01-01' }[d.which];
      case 'impossible': return {
        feb30: `${y}-02-30`, feb29: '2023-02-29', y1900feb29: '1900-02-29', apr31: `${y}-04-31`, mon13: `${y}-13-01`, mon00: `${y}-00-10`, day00: `${y}-06-00`, day32: `${y}-01-32`,
      }[d.which];
      case 'raw': return new RawJson(d.text);
    }
  }

  private hostile(spec: Extract<FeedSpec, { t: 'hostile' }>): FeedMessage {
    const subject = this.subject(spec.kind, spec.subject);
    const goodReading = (): string => jsonText(this.reading({ ...spec.good, id: { kind: 'plain', lone: 0 }, ts: { t: 'recent', agoMs: 5_000, form: 'ms', offsetMin: 0, zone: 'Z', sep: 'T', frac: 0 }, value: { t: 'num', v: 1 }, metric: 'level_m', shape: 'object', unit: null, quality: null, extra: 'none' }));
    // on a permit subject the good neighbour is a valid permits record (so a fault beside it is the only fault)
    const good = (): string => (spec.kind === 'permit' ? this.goodPermits(spec.subject.asset) : goodReading());
    const raw = (body: string, label: string): FeedMessage => ({ subject, data: enc.encode(body), label: `${spec.kind} ${label}` });
    switch (spec.hostile) {
      case 'deepArray': return raw(`${'['.repeat(30_000)}${']'.repeat(30_000)}`, '[ x 30000');
      case 'deepObjectInArray': return raw(`[${'{"a":'.repeat(9_000)}1${'}'.repeat(9_000)},${good()}]`, '9000-deep object beside a good reading');
      case 'deepObject': return raw(`${'{"a":'.repeat(9_000)}1${'}'.repeat(9_000)}`, '9000-deep object');
      case 'deepAttrs': return raw(`{"id":"${spec.subject.asset}","ts":${this.nowMs - 1000},"name":"n","kind":"k","lat":1,"lon":1,"owner":"o","supervisor":"s","attrs":{"a":${'['.repeat(9_000)}${']'.repeat(9_000)}}}`, 'asset attrs 9000 deep');
      case 'invalidJson': return raw(['{', '{"id":NaN}', "{'a':1}", '[1,]', '', 'NaN', '{"id":"x","value":Infinity}', `[${good()},]`][spec.variant] ?? '{', 'invalid JSON');
      case 'invalidUtf8': {
        const body = enc.encode(good());
        const at = body.indexOf(0x22, 2) + 1; // inside the first string value
        const bad = [[0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xc3], [0xfe, 0xfe]][spec.variant] ?? [0xff];
        const data = new Uint8Array(body.length + bad.length);
        data.set(body.subarray(0, at), 0);
        data.set(bad, at);
        data.set(body.subarray(at), at + bad.length);
        return { subject, data, label: `${spec.kind} invalid UTF-8 ${bad.map((b) => b.toString(16)).join(' ')}` };
      }
      case 'tooLarge': return raw(`{"id":"${this.tag}-big${this.n++}","ts":${this.nowMs},"metric":"m","value":1,"pad":"${'x'.repeat(64 * 1024 + spec.variant)}"}`, '64 KiB + a few bytes');
      case 'tooMany': return raw(`[${Array.from({ length: 1001 }, (_, i) => `{"id":"${this.tag}-m${i}","ts":${this.nowMs - 1000},"metric":"m","value":${i}}`).join(',')}]`, '1001 readings');
      case 'emptyArray': return raw('[]', 'empty array');
      case 'scalar': return raw(['42', '"x"', 'null', 'true', '-0', '1e400', '[null]', '[[]]'][spec.variant] ?? '42', 'scalar');
      case 'sizeEdge': {
        // a valid record padded by an unknown field to one byte under, exactly at, or one byte over the limit
        const delta = (spec.variant % 3) - 1;
        const body = this.goodBody(spec.kind, spec.subject.asset);
        const fill = MAX_FEED_BYTES + delta - (enc.encode(body).byteLength + '"pad":"",'.length);
        return raw(`{"pad":"${'x'.repeat(fill)}",${body.slice(1)}`, `valid record padded to ${MAX_FEED_BYTES + delta} bytes`);
      }
      case 'deepInPermits': {
        const deep = spec.variant % 2 === 0 ? `${'['.repeat(9_000)}${']'.repeat(9_000)}` : `${'{"type":'.repeat(9_000)}"fire"${'}'.repeat(9_000)}`;
        return raw(`{"ts":${this.nowMs - 1000},"asset":"${spec.subject.asset}","permits":[${deep},${this.goodPermit()}]}`, 'permits with a 9000-deep element beside a good permit');
      }
      case 'deepUnknownInPermit':
        return raw(`{"ts":${this.nowMs - 1000},"asset":"${spec.subject.asset}","permits":[{"type":"fire","number":"F-${this.tag}-${this.n++}","department":"张湾区消防救援大队","issued":"2020-05-01","status":"valid","x":${'['.repeat(9_000)}${']'.repeat(9_000)}}]}`,
          'a valid permit whose unknown field nests 9000 deep');
    }
  }

  private goodPermit(): string {
    return `{"type":"fire","number":"F-${this.tag}-${this.n++}","department":"张湾区消防救援大队","issued":"2020-05-01","expires":"2099-04-30","status":"valid","use":"residential"}`;
  }

  private goodPermits(asset: string): string {
    return `{"ts":${this.nowMs - 1000},"asset":${JSON.stringify(asset)},"use":"residential","permits":[${this.goodPermit()}]}`;
  }

  /** A record of the kind that the contract stores, as JSON object text. */
  private goodBody(kind: RecordKind, asset: string): string {
    const ts = this.nowMs - 1000;
    const id = `${this.tag}-g${this.n++}`;
    switch (kind) {
      case 'telemetry': return `{"id":"${id}","ts":${ts},"metric":"level_m","value":1}`;
      case 'event': return `{"id":"${id}","ts":${ts},"type":"leak","severity":"red","title":"燃气泄漏"}`;
      case 'asset': return `{"id":${JSON.stringify(asset)},"ts":${ts},"name":"调压站","kind":"regulator","lat":32.6,"lon":110.7,"owner":"o","supervisor":"s"}`;
      case 'inspection': return `{"id":"${id}","ts":${ts},"asset":"st-1","item":"阀门","result":"pass","inspector":"张工"}`;
      case 'permit': return this.goodPermits(asset);
    }
  }
}

// ---------------------------------------------------------------- HTTP requests

export interface HttpCase {
  method: string;
  target: string;
  version: string;
  eol: '\r\n' | '\n';
  auth: { t: 'none' } | { t: 'bearer'; scheme: string; token: 'admin' | 'wall' | 'wrong' | 'huge' } | { t: 'other'; value: string };
  tokenParam: 'none' | 'admin' | 'wall' | 'wrong';
  host: 'own' | 'evil' | 'missing' | 'empty' | 'huge';
  origin: 'none' | 'own' | 'allowed' | 'evil' | 'evilMatchingHost' | 'null' | 'huge';
  upgrade: 'none' | 'websocket' | 'noKey' | 'version8' | 'upgradeOnly';
  fill: number;
  manyHeaders: boolean;
}

const anyCase = (word: string): fc.Arbitrary<string> =>
  fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((up) => [...word].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
const EXTREME_MS = ['0', '1e20', '-1e20', '8.64e15', '8640000000000001', '1e300', '-1e300', '-8.64e15', 'NaN', 'Infinity', '1781300000000', '', '0x10', '1e-300', '-0'];

const hostileTarget = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('//', '/%E0%A4%A', '//api/ws', '/api/ws') },
  { weight: 3, arbitrary: fc.constantFrom('/', '/%', '/%zz', '/%00', '/..%2f..%2fetc%2fpasswd', '/api/health?x=%', '/api/ws?token=%E0%A4%A') },
  { weight: 3, arbitrary: fc.constantFrom('/api/alarms', '/api/hazards?limit=1e400', '/api/risks?limit=-1&domain=__proto__', '/api/alarms?__proto__=1&constructor=2', '/api/nothing', '/api/', '/api//health', '/api/alarms?limit=%E0%A4%A') },
  { weight: 2, arbitrary: fc.constantFrom('/index.html', '/assets/%E0%A4%A.js', '*', 'http://evil.example/', '/api/%2e%2e/', '/%2F%2F', '/\u4e2d\u6587', '/a?b=%E0%A4%A', '///x', '/api/ws/') },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...EXTREME_MS), fc.constantFrom(...EXTREME_MS), fc.constantFrom('zh', 'en', '%E0'), fc.boolean())
    .map(([f, t, lang, keep]) => `/api/handover.html?fromMs=${f}&toMs=${t}&lang=${lang}${keep ? '&keep=true' : ''}&token=${FUZZ_WALL_TOKEN}`) },
  { weight: 1, arbitrary: fc.constantFrom(8 * 1024, 20 * 1024, 70 * 1024).map((n) => `/${'a'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.constantFrom(2_000, 12_000).map((n) => `/${'%E0%A4%A'.repeat(n / 9)}`) },
  { weight: 1, arbitrary: fc.webPath({ size: 'small' }).map((p) => `/${p.replace(/^\/+/, '')}`) },
);

const authSpec: fc.Arbitrary<HttpCase['auth']> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ t: 'none' as const }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('bearer' as const), scheme: anyCase('bearer'), token: fc.constantFrom('admin' as const, 'wall' as const, 'wrong' as const, 'huge' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('other' as const), value: fc.constantFrom('Basic Zm9vOmJhcg==', 'Bearer', 'Bearer ', 'Token abc', '\u00ff\u00fe') }) },
);
const originSpec = fc.oneof({ weight: 2, arbitrary: fc.constant('none' as const) }, { weight: 6, arbitrary: fc.constantFrom('own' as const, 'allowed' as const, 'evil' as const, 'evilMatchingHost' as const, 'null' as const, 'huge' as const) });
const tokenParamSpec = fc.constantFrom('none' as const, 'none' as const, 'admin' as const, 'wall' as const, 'wrong' as const);

/** Anything on the wire: odd methods, targets, versions, line ends and headers. */
const hostileHttpCase: fc.Arbitrary<HttpCase> = fc.record({
  method: fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 2, arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'BREW', 'get', 'CONNECT') }),
  target: hostileTarget,
  version: fc.oneof({ weight: 10, arbitrary: fc.constant('HTTP/1.1') }, { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'XYZ') }),
  eol: fc.oneof({ weight: 6, arbitrary: fc.constant('\r\n' as const) }, { weight: 1, arbitrary: fc.constant('\n' as const) }),
  auth: authSpec,
  tokenParam: tokenParamSpec,
  host: fc.oneof({ weight: 8, arbitrary: fc.constant('own' as const) }, { weight: 2, arbitrary: fc.constantFrom('evil' as const, 'missing' as const, 'empty' as const, 'huge' as const) }),
  origin: originSpec,
  upgrade: fc.oneof({ weight: 4, arbitrary: fc.constant('none' as const) }, { weight: 4, arbitrary: fc.constant('websocket' as const) }, { weight: 1, arbitrary: fc.constantFrom('noKey' as const, 'version8' as const, 'upgradeOnly' as const) }),
  fill: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(4 * 1024, 15 * 1024, 20 * 1024) }),
  manyHeaders: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

/** Well-formed requests at the two doors with a contract answer: the engine API upgrade and the read API. */
const semanticHttpCase: fc.Arbitrary<HttpCase> = fc.record({
  method: fc.constant('GET'), target: fc.constantFrom('/api/ws', '/api/alarms'), version: fc.constant('HTTP/1.1'), eol: fc.constant('\r\n' as const),
  auth: authSpec, tokenParam: tokenParamSpec, host: fc.constant('own' as const), origin: originSpec,
  upgrade: fc.constantFrom('none' as const, 'websocket' as const), fill: fc.constant(0), manyHeaders: fc.constant(false),
});

export const httpCase: fc.Arbitrary<HttpCase> = fc.oneof({ weight: 3, arbitrary: hostileHttpCase }, { weight: 2, arbitrary: semanticHttpCase });

// ---------------------------------------------------------------- engine-API messages

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];
const EXTREME_PARAM = fc.constantFrom<unknown>(1e300, -1e300, 1e20, -1e20, 8.64e15, 8.640000000000001e15, -8.64e15, 0, -0, 1.5, 9007199254740993, Number.MAX_VALUE, 5e-324,
  'NaN', 'Infinity', '1e400', '-Infinity', '', null, true, [], {}, 'x'.repeat(10_000), '__proto__', 'gas', '420303', '1m', 'red');
const PARAM_KEYS = ['metric', 'domain', 'district', 'asset', 'resolution', 'fromMs', 'toMs', 'limit', 'windowS', 'severity', 'result', 'reason', 'priority', 'state', 'all',
  'stage', 'open', 'overdue', 'colour', 'key', 'days', 'intervalMs', '__proto__', 'constructor', 'toString'];

export type ApiParams = { t: 'none' } | { t: 'entries'; entries: [string, unknown][] } | { t: 'raw'; text: string };
const apiParams: fc.Arbitrary<ApiParams> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ t: 'none' as const }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('entries' as const), entries: fc.array(fc.tuple(fc.constantFrom(...PARAM_KEYS), EXTREME_PARAM), { maxLength: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('raw' as const), text: fc.constantFrom('null', '[]', '"x"', '1e400', '{"__proto__":{"limit":1}}', '{"constructor":{"prototype":{"x":1}}}') }) },
);

export type ApiMessage =
  | { t: 'query'; name: string; params: ApiParams }
  | { t: 'command'; name: string; params: ApiParams }
  | { t: 'subscribe'; name: string; params: ApiParams }
  | { t: 'unsubscribe' }
  | { t: 'raw'; text: string }
  | { t: 'big'; bytes: number }
  | { t: 'burst'; name: 'assets' | 'series' | 'events' | 'latest' | 'handover'; count: number; leave: boolean };

const queryName = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...QUERY_NAMES) }, { weight: 3, arbitrary: fc.constantFrom(...PROTO_NAMES, 'unknown_q', '', 'x'.repeat(64), 'x'.repeat(65), 'Series', 'series ') });
const commandName = fc.constantFrom(...Object.keys(COMMAND_ARGS), ...PROTO_NAMES, 'db.drop', '');
const topicName = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...Object.keys(TOPICS)) }, { weight: 2, arbitrary: fc.constantFrom(...PROTO_NAMES, 'nothing', '') });

export const apiMessage: fc.Arbitrary<ApiMessage> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('query' as const), name: queryName, params: apiParams }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('command' as const), name: commandName, params: apiParams }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('subscribe' as const), name: topicName, params: apiParams }) },
  { weight: 1, arbitrary: fc.constant({ t: 'unsubscribe' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('raw' as const), text: fc.constantFrom('{', 'null', '[]', '"x"', '{"t":"query"}', '{"t":"query","id":-1,"name":"health"}', '{"t":"query","id":1.5,"name":"health"}',
    '{"t":"__proto__","id":1}', '{"t":"query","id":"7","name":"health"}', '{"__proto__":{"t":"query"},"id":3}', `{"t":"query","id":1e400,"name":"health"}`) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('big' as const), bytes: fc.constantFrom(30_000, 64 * 1024 - 200, 64 * 1024 + 1, 200_000) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('burst' as const), name: fc.constantFrom('assets' as const, 'series' as const, 'events' as const, 'latest' as const, 'handover' as const), count: fc.integer({ min: 20, max: 400 }), leave: fc.boolean() }) },
);

export interface ApiCase { role: 'wall' | 'admin'; via: 'header' | 'query'; messages: ApiMessage[] }
export const apiCase: fc.Arbitrary<ApiCase> = fc.record({
  role: fc.constantFrom('wall' as const, 'admin' as const),
  via: fc.constantFrom('header' as const, 'query' as const),
  messages: fc.array(apiMessage, { minLength: 1, maxLength: 12 }),
});
