import type { CorrelationCluster, CorrelationMember, CorrelationResult } from '../../../../analytics/common/analysis';

/** What a member is, as a reader is told: an event by its title, an alarm by its rule's title (never the rule's id). */
export function memberWhat(m: CorrelationMember, ruleTitle: (rule: string) => string): string {
  return m.kind === 'alarm' ? ruleTitle(m.what) : m.what;
}

/**
 * The clusters forming now, for the wall: those whose newest member is within the correlation's
 * time window of `nowMs` (a cluster that may still grow), most unusual first, at most `max`.
 */
export function formingClusters(r: CorrelationResult | null, nowMs: number, max = 3): CorrelationCluster[] {
  if (!r) return [];
  return r.clusters
    .filter((c) => c.lastMs <= nowMs && nowMs - c.lastMs <= r.windowS * 1000)
    .sort((a, b) => a.pValue - b.pValue || b.lastMs - a.lastMs)
    .slice(0, max);
}

/** A cluster's members as map points, and the lines from its centre to each (the wall draws them). */
export function clusterGeometry(clusters: readonly CorrelationCluster[]): { points: { lon: number; lat: number; label: string; domain: string }[]; lines: [number, number][][] } {
  const points = clusters.flatMap((c) => c.members.map((m) => ({ lon: m.lon, lat: m.lat, label: m.what, domain: m.domain })));
  const lines = clusters.flatMap((c) => c.members.map((m): [number, number][] => [[c.centroid.lon, c.centroid.lat], [m.lon, m.lat]]));
  return { points, lines };
}
