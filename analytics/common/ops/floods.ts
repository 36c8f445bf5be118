import type { AlarmTransition } from './alarmTransition.js';
import type { AlarmView } from './controlRoomViews.js';
import { PRIORITIES, type Priority } from '../vocabulary.js';

/** EEMUA 191: more than 10 alarms raised within 10 minutes is a flood. */
const FLOOD_COUNT = 10;
export const FLOOD_WINDOW_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

export interface Flood {
  startMs: number;
  endMs: number;
}

/** Flood intervals of the last day, oldest first, from the raises in `history`. */
export function floods(history: readonly AlarmTransition[], nowMs: number): Flood[] {
  const raises = history.filter((t) => t.active && t.atMs > nowMs - DAY_MS - FLOOD_WINDOW_MS).map((t) => t.atMs).sort((a, b) => a - b);
  const out: Flood[] = [];
  for (let i = FLOOD_COUNT; i < raises.length; i++) {
    const first = raises[i - FLOOD_COUNT] as number;
    const at = raises[i] as number;
    if (at - first >= FLOOD_WINDOW_MS) continue;
    const start = at;
    const end = first + FLOOD_WINDOW_MS;
    const last = out[out.length - 1];
    if (last && start <= last.endMs) last.endMs = Math.max(last.endMs, end);
    else out.push({ startMs: start, endMs: end });
  }
  return out;
}

export function floodAt(list: readonly Flood[], nowMs: number): boolean {
  return list.some((f) => f.startMs <= nowMs && nowMs < f.endMs);
}

/** 0 for critical … 3 for low: a smaller rank is more urgent. */
export const priorityRank = (p: Priority): number => PRIORITIES.indexOf(p);

/**
 * First-out grouping while a flood lasts: an alarm raised during the flood in the same system
 * (domain) and district as an earlier one of that flood is shown under that first one (the likely
 * cause). Priority comes before grouping, so a group never hides what matters more:
 * - only annunciated alarms group or are grouped: a shelved, suppressed or out-of-service parent is
 *   not on the screen, and what sat under it would be lost from view;
 * - an alarm is grouped only under a parent of the same or higher priority; one more urgent than the
 *   group's parent stays on top and becomes the parent of what follows.
 */
export function groupUnderFirstOut(list: AlarmView[], floodList: readonly Flood[]): void {
  if (floodList.length === 0) return;
  const byTime = list.filter((a) => a.annunciated).sort((a, b) => a.raisedAtMs - b.raisedAtMs || priorityRank(a.priority) - priorityRank(b.priority) || a.point.localeCompare(b.point));
  // a parent in one flood stays on top in the next (two floods' windows can overlap)
  const onTop = new Set<AlarmView>();
  for (const f of floodList) {
    // the flood includes the ten alarms that made it one
    const from = f.startMs - FLOOD_WINDOW_MS;
    const parents = new Map<string, AlarmView>();
    for (const a of byTime) {
      if (a.raisedAtMs < from || a.raisedAtMs > f.endMs || a.floodCause !== null || onTop.has(a)) continue;
      const key = `${a.domain}|${a.district}`;
      const parent = parents.get(key);
      if (parent === undefined || priorityRank(a.priority) < priorityRank(parent.priority)) {
        parents.set(key, a);
        onTop.add(a);
      }
      else if (a.point !== parent.point) a.floodCause = parent.point;
    }
  }
}
