import type { AlarmView } from '../../../analytics/common/ops/controlRoomViews';
import { PRIORITIES } from '../../../analytics/common/vocabulary';

export type AlarmSort = 'priority' | 'newest' | 'asset';
export interface AlarmQuery {
  /** Words that must all appear in the row's text (asset name, rule title, district, domain). */
  text: string;
  priority: AlarmView['priority'] | 'all';
  unackedOnly: boolean;
  sort: AlarmSort;
}
export const NO_ALARM_QUERY: AlarmQuery = { text: '', priority: 'all', unackedOnly: false, sort: 'priority' };

/**
 * The table's rows from the ordered alarms: filtered by the search words, the priority and
 * "unacknowledged only", then sorted. "priority" keeps the given order (priority first, flood
 * dependents under their cause); the others sort a copy.
 */
export function filterAlarms(ordered: readonly AlarmView[], q: AlarmQuery, textOf: (a: AlarmView) => string): AlarmView[] {
  const words = q.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const rows = ordered.filter((a) =>
    (q.priority === 'all' || a.priority === q.priority)
    && (!q.unackedOnly || a.state === 'unack' || a.state === 'rtn_unack')
    && (words.length === 0 || words.every((w) => textOf(a).toLowerCase().includes(w))));
  if (q.sort === 'newest') return rows.sort((a, b) => b.raisedAtMs - a.raisedAtMs);
  if (q.sort === 'asset') return rows.sort((a, b) => textOf(a).localeCompare(textOf(b), 'zh-CN') || PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority));
  return rows;
}
