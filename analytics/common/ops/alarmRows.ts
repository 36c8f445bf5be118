import type { AlarmView } from './controlRoomViews.js';
import { priorityRank } from './floods.js';

/**
 * What an alarm list shows, the same on the wall and the console: its rows and their counts. The
 * counts are defined from the rows, so a screen can never say "9" over 7 rows.
 */

export interface AlarmCounts {
  /** Rows on the screen: annunciated alarms not back to normal. */
  shown: number;
  /** Of those, the ones not yet acknowledged. */
  unacknowledged: number;
  /** Not back to normal but not annunciated: shelved, suppressed by design or out of service. */
  hidden: number;
}

export const isUnacknowledged = (a: AlarmView): boolean => a.state === 'unack' || a.state === 'rtn_unack';

export function alarmCounts(list: readonly AlarmView[]): AlarmCounts {
  let shown = 0;
  let unacknowledged = 0;
  for (const a of list) {
    if (a.state === 'normal' || !a.annunciated) continue;
    shown++;
    if (isUnacknowledged(a)) unacknowledged++;
  }
  return { shown, unacknowledged, hidden: list.filter((a) => a.state !== 'normal' && !a.annunciated).length };
}

const byUrgency = (a: AlarmView, b: AlarmView): number => priorityRank(a.priority) - priorityRank(b.priority) || b.raisedAtMs - a.raisedAtMs || a.point.localeCompare(b.point);

/**
 * The rows: annunciated alarms, most urgent first, each flood group's members right under their
 * parent. The grouping (floods.ts) only puts an alarm under a parent at least as urgent, so the
 * top-level rows are in priority order. A member whose parent is not a row here (the list was cut
 * short) is shown on its own, in its priority's place, never left under the wrong row.
 */
export function alarmRows(list: readonly AlarmView[]): AlarmView[] {
  const shown = list.filter((a) => a.annunciated && a.state !== 'normal').sort(byUrgency);
  const parents = new Set(shown.filter((a) => a.floodCause === null).map((a) => a.point));
  const rows = shown.map((a) => (a.floodCause !== null && !parents.has(a.floodCause) ? { ...a, floodCause: null } : a));
  const out: AlarmView[] = [];
  const expanded = new Set<string>();
  for (const top of rows) {
    if (top.floodCause !== null) continue;
    out.push(top);
    if (expanded.has(top.point)) continue;
    expanded.add(top.point);
    for (const m of rows) if (m.floodCause === top.point) out.push(m);
  }
  return out;
}
