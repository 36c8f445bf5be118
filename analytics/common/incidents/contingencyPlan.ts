import { z } from 'zod';
import { DOMAINS } from '../city.js';

/**
 * A contingency plan (应急预案) kept as data (`data/plans/<type>.json`): for one type of incident,
 * the radius to look inside, the steps with who does each, and the departments always notified.
 * Every plan names its source document and clause; a figure it could not cite exactly says so in
 * `source.note`. Validated at load: a broken plan is an error at start, never mid-incident.
 */
const Text = (max: number) => z.string().trim().min(1).max(max);
const Bilingual = z.object({ zh: Text(300), en: Text(300) });

export const PlanStepSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
  text: Bilingual,
  /** Who does it (a department or a role), in both languages. */
  who: Bilingual,
});
export type PlanStep = z.infer<typeof PlanStepSchema>;

export const ContingencyPlanSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
  name: Bilingual,
  /** The domains whose alarms and events this plan answers. */
  domains: z.array(z.enum(DOMAINS)).min(1).max(DOMAINS.length),
  /** The affected radius shown on the map and searched in the registry (m). */
  radiusM: z.number().int().min(10).max(5000),
  /** The inner cordon (警戒区), when the source gives one (m); not larger than the radius. */
  cordonM: z.number().int().min(1).max(5000).nullable(),
  source: z.object({ document: Text(300), clause: Text(300), note: z.string().max(1000).optional() }),
  steps: z.array(PlanStepSchema).min(1).max(30),
  /** Departments notified whatever lies inside the radius. */
  notify: z.array(Text(200)).max(20),
}).refine((p) => p.cordonM === null || p.cordonM <= p.radiusM, { message: 'cordonM must not exceed radiusM' })
  .refine((p) => new Set(p.steps.map((s) => s.id)).size === p.steps.length, { message: 'step ids must be unique' });
export type ContingencyPlan = z.infer<typeof ContingencyPlanSchema>;

/** The plan for a domain: the first that lists it. */
export function planFor(plans: readonly ContingencyPlan[], domain: string): ContingencyPlan | null {
  return plans.find((p) => (p.domains as readonly string[]).includes(domain)) ?? null;
}
