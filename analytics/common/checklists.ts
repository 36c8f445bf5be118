import { z } from 'zod';
import { DOMAINS } from './city.js';

/**
 * The hazard-investigation checklists (隐患排查清单) per domain, with the items the national
 * deployment names (gas facilities, crowded places, markets, bottled LPG, work on site; cranes,
 * deep pits, high formwork, rail transit; old, low-lying and riverside housing, illegal
 * construction and the permit chain; roads and bridges, pipelines and tunnels, waste, parks).
 * Bundled in data/checklists.json; an inspection finding's `item` is the item's Chinese text.
 */
const Text = z.object({ zh: z.string().min(1), en: z.string().min(1) });
export const ChecklistsSchema = z.array(z.object({
  domain: z.enum(DOMAINS),
  focus: Text,
  items: z.array(z.object({ id: z.string().regex(/^[a-z_]+\.[a-z_]+$/), zh: z.string().min(1), en: z.string().min(1) })).min(1),
})).refine((c) => new Set(c.map((x) => x.domain)).size === c.length, 'one checklist per domain');
export type Checklists = z.infer<typeof ChecklistsSchema>;

/** Progress of one domain in one district over the window. */
export interface ChecklistProgress {
  domain: string;
  district: string;
  assets: number;
  inspectedAssets: number;
  findings: number;
  failed: number;
  openHazards: number;
  overdueHazards: number;
  /** per checklist item: findings and failures in the window */
  items: { id: string; zh: string; en: string; checked: number; failed: number }[];
}
