import type { HazardView } from '../../../analytics/common/ops/controlRoomViews';
import { HAZARD_GRADES, HAZARD_STAGES } from '../../../analytics/common/vocabulary';

export type HazardSort = 'deadline' | 'newest' | 'grade';
export interface HazardQuery {
  /** Words that must all appear in the case's text (title, parties, asset, district). */
  text: string;
  stage: HazardView['stage'] | 'open' | 'all';
  grade: HazardView['grade'] | 'all';
  sort: HazardSort;
}
export const NO_HAZARD_QUERY: HazardQuery = { text: '', stage: 'all', grade: 'all', sort: 'deadline' };

const GRADE_ORDER: readonly string[] = HAZARD_GRADES;
/** No deadline sorts after every deadline. */
const deadlineOf = (h: HazardView): number => h.deadlineMs ?? Number.MAX_SAFE_INTEGER;

/**
 * The hazard queue's rows: filtered by words, stage ("open" is every stage but closed) and grade,
 * then sorted — by deadline (the most urgent first, closed cases last), newest first, or major
 * before general. The input is not changed.
 */
export function filterHazards<H extends HazardView>(list: readonly H[], q: HazardQuery, textOf: (h: H) => string): H[] {
  const words = q.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const rows = list.filter((h) =>
    (q.stage === 'all' || (q.stage === 'open' ? h.stage !== 'closed' : h.stage === q.stage))
    && (q.grade === 'all' || h.grade === q.grade)
    && (words.length === 0 || words.every((w) => textOf(h).toLowerCase().includes(w))));
  const closedLast = (a: H, b: H): number => Number(a.stage === 'closed') - Number(b.stage === 'closed');
  if (q.sort === 'newest') return rows.sort((a, b) => b.createdAtMs - a.createdAtMs);
  if (q.sort === 'grade') return rows.sort((a, b) => closedLast(a, b) || GRADE_ORDER.indexOf(a.grade) - GRADE_ORDER.indexOf(b.grade) || deadlineOf(a) - deadlineOf(b));
  return rows.sort((a, b) => closedLast(a, b) || deadlineOf(a) - deadlineOf(b) || b.createdAtMs - a.createdAtMs);
}

export const STAGE_FILTERS: readonly HazardQuery['stage'][] = ['all', 'open', ...HAZARD_STAGES];
