import type { AlarmTransition } from './alarmTransition.js';
import type { AlarmView } from './controlRoomViews.js';

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

/**
 * First-out grouping while a flood lasts: alarms raised during the flood in the same district as an
 * earlier alarm of that flood are shown under that first one (the likely cause).
 */
export function groupUnderFirstOut(list: AlarmView[], floodList: readonly Flood[]): void {
  if (floodList.length === 0) return;
  const byTime = [...list].sort((a, b) => a.raisedAtMs - b.raisedAtMs);
  for (const f of floodList) {
    // the flood includes the ten alarms that made it one
    const from = f.startMs - FLOOD_WINDOW_MS;
    const firstByDistrict = new Map<string, string>();
    for (const a of byTime) {
      if (a.raisedAtMs < from || a.raisedAtMs > f.endMs) continue;
      const first = firstByDistrict.get(a.district);
      if (first === undefined) firstByDistrict.set(a.district, a.point);
      else if (a.point !== first) a.floodCause = first;
    }
  }
}
