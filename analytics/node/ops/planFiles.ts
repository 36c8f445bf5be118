import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContingencyPlanSchema, type ContingencyPlan } from '../../common/incidents/contingencyPlan.js';
import { issuesText } from '../../common/vocabulary.js';

/**
 * The contingency plans (`data/plans/*.json`), one file per type of incident, in file-name order.
 * A file that is not JSON, breaks the schema or repeats another's id stops the start with an error
 * naming the file and the problem: a broken plan is found before any incident needs it.
 */
export function loadPlans(dir: string): ContingencyPlan[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const plans: ContingencyPlan[] = [];
  for (const f of files) {
    const path = join(dir, f);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`contingency plan ${path}: not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const r = ContingencyPlanSchema.safeParse(json);
    if (!r.success) throw new Error(`contingency plan ${path}: ${issuesText(r.error)}`);
    if (plans.some((p) => p.id === r.data.id)) throw new Error(`contingency plan ${path}: the id ${r.data.id} is used by another plan`);
    plans.push(r.data);
  }
  return plans;
}
