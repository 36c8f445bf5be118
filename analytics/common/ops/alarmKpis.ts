import { PRIORITIES, type Priority } from './alarmTransition.js';
import type { ControlRoomState } from './controlRoomState.js';
import type { AlarmView, OpsSnapshot } from './controlRoomViews.js';
import { floodAt } from './floods.js';
import { alarmCounts } from './alarmRows.js';

/** The alarm system's own health (EEMUA 191 / ISA-18.2 KPIs) over the last day. */
export interface AlarmKpis {
  atMs: number;
  raisedLast10Min: number;
  averagePer10Min: number;
  floodNow: boolean;
  floodSharePct: number;
  chattering: { point: string; transitions: number }[];
  stale: { point: string; sinceMs: number }[];
  top10: { point: string; raised: number }[];
  priorityMix: { priority: Priority; raised: number; pct: number; targetPct: number }[];
  /** Not back to normal and still active, shown or hidden (ISA-18.2 standing alarms). */
  standing: number;
  /** Rows on the alarm lists and the unacknowledged among them: one definition (alarmRows.ts). */
  shown: number;
  unacknowledged: number;
  /** Not back to normal and not annunciated: shelved, suppressed or out of service. */
  hidden: number;
  shelved: number;
  suppressed: number;
  outOfService: number;
}

const DAY_MS = 86_400_000;

/** EEMUA 191's target mix: about 80 % low, 15 % medium, 5 % high; critical counts with high. */
const TARGET_PCT: Record<Priority, number> = { critical: 1, high: 4, medium: 15, low: 80 };

/** The KPIs at `nowMs`; `list` is the state's alarm list at that time when the caller already has it. */
export function alarmKpis(s: ControlRoomState, nowMs: number, list: readonly AlarmView[] = s.alarms(nowMs)): AlarmKpis {
  const day = s.history.filter((t) => t.atMs > nowMs - DAY_MS && t.atMs <= nowMs);
  const raises = day.filter((t) => t.active);
  const floods = s.floods(nowMs);
  let floodMs = 0;
  for (const f of floods) floodMs += Math.max(0, Math.min(f.endMs, nowMs) - Math.max(f.startMs, nowMs - DAY_MS));
  const byPoint = new Map<string, number[]>();
  for (const t of s.history) {
    if (t.atMs <= nowMs - 3_600_000 || t.atMs > nowMs) continue;
    const l = byPoint.get(t.point) ?? [];
    l.push(t.atMs);
    byPoint.set(t.point, l);
  }
  const chattering: AlarmKpis['chattering'] = [];
  for (const [point, times] of byPoint) {
    times.sort((a, b) => a - b);
    let worst = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[i] as number) - (times[j] as number) >= 60_000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    if (worst >= 3) chattering.push({ point, transitions: worst });
  }
  const counts = new Map<string, number>();
  for (const r of raises) counts.set(r.point, (counts.get(r.point) ?? 0) + 1);
  const byPriority = new Map<Priority, number>();
  for (const r of raises) byPriority.set(r.priority, (byPriority.get(r.priority) ?? 0) + 1);
  return {
    atMs: nowMs,
    raisedLast10Min: raises.filter((t) => t.atMs > nowMs - 600_000).length,
    averagePer10Min: Math.round((raises.length / 144) * 100) / 100,
    floodNow: floodAt(floods, nowMs),
    floodSharePct: Math.round((floodMs / DAY_MS) * 10_000) / 100,
    chattering: chattering.sort((a, b) => b.transitions - a.transitions).slice(0, 50),
    stale: list.filter((a) => a.active && a.raisedAtMs < nowMs - DAY_MS).map((a) => ({ point: a.point, sinceMs: a.raisedAtMs })),
    top10: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10).map(([point, raised]) => ({ point, raised })),
    priorityMix: PRIORITIES.map((p) => {
      const n = byPriority.get(p) ?? 0;
      return { priority: p, raised: n, pct: raises.length ? Math.round((n / raises.length) * 1000) / 10 : 0, targetPct: TARGET_PCT[p] };
    }),
    standing: list.filter((a) => a.active).length,
    ...alarmCounts(list),
    shelved: list.filter((a) => a.shelved).length,
    suppressed: list.filter((a) => a.suppressedBy).length,
    outOfService: list.filter((a) => a.outOfService).length,
  };
}

/** The headline figures the `ops` topic carries, taken from the full KPIs so both always agree. */
export function headlineKpis(k: AlarmKpis): OpsSnapshot['kpis'] {
  return { shown: k.shown, unacknowledged: k.unacknowledged, hidden: k.hidden, floodNow: k.floodNow, raisedLast10Min: k.raisedLast10Min };
}
