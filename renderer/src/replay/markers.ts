import type { TimelineMarker } from '../../../analytics/common/engineApi';
import type { ReplayWindow } from './playback';

/** How grave a marker's level is, 0 the gravest: alarm priorities, event severities and hazard grades on one scale. */
const RANK: Record<string, number> = {
  critical: 0, red: 0, major: 0,
  high: 1, orange: 1,
  medium: 2, yellow: 2, general: 2,
  low: 3, blue: 3,
};
/** The four colours of the bar, gravest first (the wall's risk colours). */
export const LEVEL_COLOURS = ['#e8262d', '#ff8c1a', '#f2d31b', '#1f6fe0'] as const;

export function levelRank(level: string): number {
  return RANK[level] ?? 3;
}

export function levelColour(level: string): string {
  return LEVEL_COLOURS[levelRank(level)] ?? LEVEL_COLOURS[3];
}

/** Markers of one column of the bar: where, how many, the gravest of them. */
export interface MarkerColumn {
  index: number;
  /** The column's place along the window, 0 to 1 (its middle). */
  fraction: number;
  count: number;
  rank: number;
  colour: string;
  /** The gravest marker (the earliest among equals): what the column's tooltip names. */
  first: TimelineMarker;
}

/**
 * The markers folded into `columns` columns along the window, gravest level per column: the bar
 * draws at most `columns` marks however many thousand markers the engine sends.
 */
export function markerColumns(markers: readonly TimelineMarker[], w: ReplayWindow, columns: number): MarkerColumn[] {
  const span = w.toMs - w.fromMs;
  const n = Math.max(1, Math.floor(columns));
  const out = new Map<number, MarkerColumn>();
  for (const m of markers) {
    if (m.atMs < w.fromMs || m.atMs > w.toMs) continue;
    const index = span <= 0 ? n - 1 : Math.min(n - 1, Math.floor(((m.atMs - w.fromMs) / span) * n));
    const rank = levelRank(m.level);
    const c = out.get(index);
    if (!c) out.set(index, { index, fraction: (index + 0.5) / n, count: 1, rank, colour: levelColour(m.level), first: m });
    else {
      c.count++;
      if (rank < c.rank || (rank === c.rank && m.atMs < c.first.atMs)) Object.assign(c, { rank, colour: levelColour(m.level), first: m });
    }
  }
  return [...out.values()].sort((a, b) => a.index - b.index);
}

/**
 * The next (`dir` 1) or previous (-1) alarm marker strictly after or before `atMs` (a marker within
 * half a second counts as where the cursor stands, so jumping twice moves on). Null when none.
 */
export function jumpToAlarm(markers: readonly TimelineMarker[], atMs: number, dir: 1 | -1): TimelineMarker | null {
  let best: TimelineMarker | null = null;
  for (const m of markers) {
    if (m.kind !== 'alarm') continue;
    if (dir > 0 ? m.atMs <= atMs + 500 : m.atMs >= atMs - 500) continue;
    if (!best || (dir > 0 ? m.atMs < best.atMs : m.atMs > best.atMs)) best = m;
  }
  return best;
}
