import { z } from 'zod';
import { COLOURS, HAZARD_GRADES } from './vocabulary.js';

/**
 * The payload schemas of feed contract v1. This is the only definition: the decoder validates with
 * it and `cityops schemas` writes docs/schemas/*.json from it.
 */

/** RFC 3339 with a mandatory offset (Z or ±hh:mm), fractional seconds allowed. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export const Timestamp = z.union([
  z.string().regex(RFC3339, 'RFC 3339 timestamp with offset'),
  z.number().min(0).max(8.64e15).describe('epoch milliseconds'),
]);

export const Quality = z.enum(['good', 'suspect', 'bad']);
export const Severity = z.enum(COLOURS);
const Id = z.string().min(1).max(128);
const AssetId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const Lat = z.number().min(-90).max(90);
const Lon = z.number().min(-180).max(180);

export const ReadingSchema = z.object({
  id: Id,
  ts: Timestamp,
  metric: z.string().regex(/^[a-z0-9_]{1,64}$/),
  value: z.number(),
  unit: z.string().max(16).optional(),
  quality: Quality.optional(),
}).meta({ title: 'Reading', description: 'One sensor reading on city.telemetry.<domain>.<district>.<asset>' });

export const MAX_READINGS_PER_MESSAGE = 1000;

export const TelemetryPayloadSchema = z.union([
  ReadingSchema,
  z.array(ReadingSchema).min(1).max(MAX_READINGS_PER_MESSAGE),
]).meta({ title: 'Telemetry payload', description: 'One reading or an array of 1 to 1000 readings' });

export const EventSchema = z.object({
  id: Id,
  ts: Timestamp,
  type: z.string().min(1).max(64),
  severity: Severity,
  title: z.string().min(1).max(200),
  asset: AssetId.optional(),
  lat: Lat.optional(),
  lon: Lon.optional(),
  detail: z.string().max(4000).optional(),
}).meta({ title: 'Event', description: 'An incident, citizen report or source-system alarm on city.event.<domain>.<district>' });

export const AssetSchema = z.object({
  id: AssetId,
  ts: Timestamp,
  name: z.string().min(1).max(200),
  kind: z.string().min(1).max(64),
  lat: Lat,
  lon: Lon,
  owner: z.string().min(1).max(200),
  supervisor: z.string().min(1).max(200),
  approver: z.string().min(1).max(200).optional(),
  attrs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
}).meta({ title: 'Asset', description: 'Registry record on city.asset.<domain>.<district>.<asset>; the newest ts wins' });

export const InspectionSchema = z.object({
  id: Id,
  ts: Timestamp,
  asset: AssetId,
  item: z.string().min(1).max(200),
  result: z.enum(['pass', 'fail']),
  level: z.enum(HAZARD_GRADES).optional(),
  note: z.string().max(4000).optional(),
  inspector: z.string().min(1).max(200),
}).meta({ title: 'Inspection', description: 'One inspection finding on city.inspection.<domain>.<district>' });

/** The six administrative permits of the permit chain (立项、用地、规划、施工、消防、特种行业), in the order they are issued. */
export const PERMIT_TYPES = ['project', 'land', 'planning', 'construction', 'fire', 'special_trade'] as const;
export const PERMIT_STATUSES = ['valid', 'expired', 'revoked', 'suspended'] as const;
/** A calendar day in the city's own time (UTC+8): `2026-06-13`. */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'calendar day YYYY-MM-DD');
/** A building's use: `residential`, `commercial`, `hotel`, `catering`... (docs/permits.md). */
const Use = z.string().regex(/^[a-z_]{1,32}$/);

export const PermitSchema = z.object({
  type: z.enum(PERMIT_TYPES),
  number: z.string().min(1).max(64),
  /** The department that issued it (谁审批谁负责). */
  department: z.string().min(1).max(200),
  issued: Day,
  /** The last day it is valid; absent: no end. */
  expires: Day.optional(),
  status: z.enum(PERMIT_STATUSES),
  /** The use it was issued for. */
  use: Use.optional(),
});

export const PermitsSchema = z.object({
  ts: Timestamp,
  asset: AssetId,
  /** The building's use now. */
  use: Use.optional(),
  permits: z.array(PermitSchema).max(24),
}).meta({ title: 'Permits', description: "An asset's administrative permits on city.permit.<domain>.<district>.<asset>; the newest ts wins" });

export type Reading = z.infer<typeof ReadingSchema>;
export type CityEvent = z.infer<typeof EventSchema>;
export type AssetRecord = z.infer<typeof AssetSchema>;
export type Inspection = z.infer<typeof InspectionSchema>;
export type Permit = z.infer<typeof PermitSchema>;
export type PermitsRecord = z.infer<typeof PermitsSchema>;
export type PermitType = (typeof PERMIT_TYPES)[number];

export const PAYLOAD_SCHEMAS = {
  reading: ReadingSchema,
  telemetry: TelemetryPayloadSchema,
  event: EventSchema,
  asset: AssetSchema,
  inspection: InspectionSchema,
  permits: PermitsSchema,
} as const;

/** JSON Schema documents generated from the schemas above (for docs/schemas and integrators). */
export function payloadJsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(PAYLOAD_SCHEMAS)) {
    out[name] = z.toJSONSchema(schema, { target: 'draft-2020-12' });
  }
  return out;
}
