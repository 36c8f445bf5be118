import { z } from 'zod';
import { DOMAINS } from '../city.js';
import { HAZARD_GRADES } from '../vocabulary.js';
import { PERMIT_TYPES } from '../feedSchemas.js';
import { INCIDENT_ACTIONS } from '../incidents/incidentActions.js';

/**
 * Operator actions: every acknowledge, shelve, dispatch, verify, close or comment is one of these
 * events. It is written to the local outbox first, then published on `ops.<kind>` to the OPS
 * JetStream stream with its own id as `Nats-Msg-Id`; every engine builds the same state by
 * applying the stream in order (docs/ops.md).
 */
export const OPS_STREAM = 'OPS';
export const OPS_SUBJECT_ALL = 'ops.>';

export const ROLES = ['wall', 'shift_leader', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The longest an operator may shelve an alarm (ISA-18.2 shelving is always time-limited). */
export const MAX_SHELVE_MS = 8 * 3_600_000;

const Text = (max: number) => z.string().trim().min(1).max(max);
const Point = z.string().min(3).max(300);
const HazardId = z.string().regex(/^[A-Za-z0-9_.:-]{3,120}$/);
const District = z.string().regex(/^[0-9]{6}$/);
/** A city event's id as the feed carries it (feedSchemas.ts). */
const EventId = z.string().min(1).max(128);

export const FiveItemsSchema = z.object({
  measures: Text(2000),
  funds: Text(200),
  deadlineMs: z.number().finite(),
  responsiblePerson: Text(200),
  contingencyPlan: Text(2000),
});

/** What an operator asks for: validated at the engine API, stored in the outbox, published as is. */
export const OpsActionSchema = z.discriminatedUnion('kind', [
  /** Acknowledges the alarm point up to (and including) the occurrence raised at `raisedAtMs`. */
  z.object({ kind: z.literal('alarm.ack'), point: Point, raisedAtMs: z.number() }),
  z.object({ kind: z.literal('alarm.silence'), point: Point, raisedAtMs: z.number() }),
  /** Resets a latched alarm. */
  z.object({ kind: z.literal('alarm.reset'), point: Point, raisedAtMs: z.number() }),
  z.object({ kind: z.literal('alarm.shelve'), point: Point, reason: Text(500), forMs: z.number().int().min(60_000).max(MAX_SHELVE_MS) }),
  z.object({ kind: z.literal('alarm.unshelve'), point: Point }),
  z.object({ kind: z.literal('alarm.out_of_service'), point: Point, record: Text(200) }),
  z.object({ kind: z.literal('alarm.return_to_service'), point: Point }),
  /** Switches a suppression profile (e.g. flood season) on or off. */
  z.object({ kind: z.literal('alarm.profile'), profile: z.string().regex(/^[a-z0-9_-]{1,40}$/), on: z.boolean() }),
  z.object({
    kind: z.literal('hazard.raise'), hazard: HazardId, grade: z.enum(HAZARD_GRADES), title: Text(300),
    domain: z.enum(DOMAINS), district: District, asset: z.string().max(64).nullable(),
    /** Where it came from: an alarm point's occurrence, or by hand. */
    fromAlarm: z.object({ point: Point, raisedAtMs: z.number() }).nullable(),
    /** Or a red or orange city event (which it handles, as `event.ack` does). */
    fromEvent: z.object({ event: EventId }).nullable().optional(),
    /**
     * Or a permit finding (docs/permits.md), whose id is the case's: its kind, the permit and the
     * approving department responsible (谁审批谁负责). The engine builds it from the finding it holds.
     */
    fromPermit: z.object({
      finding: HazardId, kind: z.enum(['missing', 'expired', 'out_of_order', 'use_changed']),
      type: z.enum(PERMIT_TYPES), number: z.string().min(1).max(64).nullable(), department: z.string().min(1).max(200),
    }).optional(),
    /** The asset's three responsible parties, copied from the registry by the engine that raised it. */
    responsible: z.object({ owner: z.string().max(200).nullable(), supervisor: z.string().max(200).nullable(), approver: z.string().max(200).nullable() }),
  }),
  z.object({ kind: z.literal('hazard.dispatch'), hazard: HazardId, assignee: Text(200), deadlineMs: z.number().finite(), fiveItems: FiveItemsSchema.optional() }),
  z.object({ kind: z.literal('hazard.start'), hazard: HazardId }),
  z.object({ kind: z.literal('hazard.report'), hazard: HazardId, note: Text(2000) }),
  z.object({ kind: z.literal('hazard.verify'), hazard: HazardId, passed: z.boolean(), note: Text(2000) }),
  z.object({ kind: z.literal('hazard.regrade'), hazard: HazardId, grade: z.enum(HAZARD_GRADES) }),
  z.object({ kind: z.literal('hazard.comment'), hazard: HazardId, text: Text(2000) }),
  /** A local file attached to the case: its name, size and SHA-256 (the file stays on the workstation's share). */
  z.object({ kind: z.literal('hazard.attach'), hazard: HazardId, name: Text(255), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  /**
   * A red or orange city event (feed `city.event.>`) handled at a console: the walls release their
   * takeover of it. The first acknowledgement counts; a second is refused.
   */
  z.object({ kind: z.literal('event.ack'), event: EventId }),
  /** A shift handover signature (outgoing or incoming leader). */
  z.object({ kind: z.literal('handover.sign'), shiftStartMs: z.number(), shiftEndMs: z.number(), as: z.enum(['outgoing', 'incoming']), name: Text(100), reportSha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  /** 应急处置: an incident with its contingency plan (analytics/common/incidents/, docs/incidents.md). */
  ...INCIDENT_ACTIONS,
]);
export type OpsAction = z.infer<typeof OpsActionSchema>;
export type OpsKind = OpsAction['kind'];

/** The event as published: the action, who did it from which device, when, and its id. */
export const OpsEventSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  ts: z.number().int().min(0),
  device: z.string().min(1).max(100),
  role: z.enum(ROLES),
  action: OpsActionSchema,
});
export type OpsEvent = z.infer<typeof OpsEventSchema>;

export function opsSubject(kind: OpsKind): string {
  return `ops.${kind}`;
}

/** Which roles may do what. Enforced by the engine API; the UI only mirrors it. */
export const ACTION_ROLES: Record<OpsKind, readonly Role[]> = {
  'alarm.ack': ['shift_leader', 'admin'],
  'alarm.silence': ['shift_leader', 'admin'],
  'alarm.reset': ['shift_leader', 'admin'],
  'alarm.shelve': ['shift_leader', 'admin'],
  'alarm.unshelve': ['shift_leader', 'admin'],
  'alarm.out_of_service': ['shift_leader', 'admin'],
  'alarm.return_to_service': ['shift_leader', 'admin'],
  'alarm.profile': ['admin'],
  'hazard.raise': ['shift_leader', 'admin'],
  'hazard.dispatch': ['shift_leader', 'admin'],
  'hazard.start': ['shift_leader', 'admin'],
  'hazard.report': ['shift_leader', 'admin'],
  'hazard.verify': ['shift_leader', 'admin'],
  'hazard.regrade': ['shift_leader', 'admin'],
  'hazard.comment': ['shift_leader', 'analyst', 'admin'],
  'hazard.attach': ['shift_leader', 'admin'],
  'handover.sign': ['shift_leader', 'admin'],
  'event.ack': ['shift_leader', 'admin'],
  'incident.open': ['shift_leader', 'admin'],
  'incident.step': ['shift_leader', 'admin'],
  'incident.notify': ['shift_leader', 'admin'],
  'incident.close': ['shift_leader', 'admin'],
};

export function mayDo(role: Role, kind: OpsKind): boolean {
  return ACTION_ROLES[kind].includes(role);
}
