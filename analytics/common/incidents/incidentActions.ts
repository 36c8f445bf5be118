import { z } from 'zod';
import { DOMAINS } from '../city.js';
import { ContingencyPlanSchema } from './contingencyPlan.js';

/**
 * The operator actions of an incident (应急处置), members of the OPS stream's actions
 * (opsEvents.ts): open, check a step, notify a party, close with the report's summary.
 */
const Text = (max: number) => z.string().trim().min(1).max(max);
const IncidentId = z.string().regex(/^[A-Za-z0-9_.:-]{3,120}$/);
const Point = z.string().min(3).max(300);
const Lat = z.number().min(-90).max(90);
const Lon = z.number().min(-180).max(180);

export const AffectedPlaceSchema = z.object({
  domain: z.string().max(40), district: z.string().max(12), asset: z.string().max(64), name: z.string().max(200), kind: z.string().max(64),
  category: z.enum(['crowded', 'lifeline']), distanceM: z.number().min(0).max(10_000), lat: Lat, lon: Lon,
  owner: z.string().max(200).nullable(), supervisor: z.string().max(200).nullable(),
});

export const PartyToNotifySchema = z.object({ party: Text(200), why: z.enum(['plan', 'asset', 'place']), about: z.string().max(200).nullable() });

export const INCIDENT_ACTIONS = [
  z.object({
    kind: z.literal('incident.open'), incident: IncidentId, title: Text(300),
    domain: z.enum(DOMAINS), district: z.string().regex(/^[0-9]{6}$/), asset: z.string().max(64).nullable(),
    /** A critical alarm's occurrence, or a red city event: one incident per source. */
    fromAlarm: z.object({ point: Point, raisedAtMs: z.number() }).nullable(),
    fromEvent: z.object({ event: z.string().min(1).max(128) }).nullable(),
    /** Filled in by the engine that opens it (its plans and registry), so every engine applies the same incident. */
    center: z.object({ lat: Lat, lon: Lon }).optional(),
    plan: ContingencyPlanSchema.optional(),
    places: z.array(AffectedPlaceSchema).max(100).optional(),
    notify: z.array(PartyToNotifySchema).max(60).optional(),
  }),
  z.object({ kind: z.literal('incident.step'), incident: IncidentId, step: z.string().regex(/^[a-z0-9_-]{1,40}$/), note: z.string().max(1000).optional() }),
  z.object({ kind: z.literal('incident.notify'), incident: IncidentId, party: Text(200), note: z.string().max(1000).optional() }),
  z.object({ kind: z.literal('incident.close'), incident: IncidentId, summary: Text(4000) }),
] as const;
