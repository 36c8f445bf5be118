import { readFileSync } from 'node:fs';
import { ChecklistsSchema, type Checklists } from '../../common/checklists.js';
import type { SuppressionProfile } from '../../common/ops/controlRoomState.js';
import { issuesText } from '../../common/vocabulary.js';

/** The inspection checklists per domain (排查清单); a bad file is an error naming the problem. */
export function loadChecklists(path: string): Checklists {
  const r = ChecklistsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!r.success) throw new Error(`checklists ${path}: ${issuesText(r.error)}`);
  return r.data;
}

/** The suppression profiles an administrator may switch on (e.g. flood season). */
export function loadSuppressionProfiles(path: string): SuppressionProfile[] {
  return JSON.parse(readFileSync(path, 'utf8')) as SuppressionProfile[];
}
