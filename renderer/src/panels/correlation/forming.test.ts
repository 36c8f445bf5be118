import { describe, expect, it } from 'vitest';
import type { CorrelationCluster, CorrelationResult } from '../../../../analytics/common/analysis';
import { clusterGeometry, formingClusters } from './forming';

const NOW = Date.UTC(2026, 10, 27, 3, 12);
const cluster = (id: string, lastMs: number, pValue: number): CorrelationCluster => ({
  id, domains: ['water', 'road'], districts: ['420302'], assets: ['w1', 'r1'], firstMs: lastMs - 600_000, lastMs, pairs: 1, expectedPairs: 0.01, pValue,
  centroid: { lat: 32.6, lon: 110.8 },
  members: [
    { kind: 'event', id: `${id}-a`, tsMs: lastMs - 600_000, domain: 'water', district: '420302', asset: 'w1', lat: 32.6, lon: 110.8, level: 'red', what: '爆管' },
    { kind: 'event', id: `${id}-b`, tsMs: lastMs, domain: 'road', district: '420302', asset: 'r1', lat: 32.601, lon: 110.801, level: 'orange', what: '路面沉降' },
  ],
});
const answer = (clusters: CorrelationCluster[]): CorrelationResult => ({ radiusM: 200, windowS: 7200, fromMs: NOW - 86_400_000, toMs: NOW, considered: 10, clusters, elapsedMs: 3 });

describe('the wall\'s correlated incidents', () => {
  it('shows the clusters still forming (newest member within the window), the most unusual first', () => {
    const r = answer([cluster('old', NOW - 7_200_001, 0.0001), cluster('edge', NOW - 7_200_000, 0.2), cluster('new', NOW - 60_000, 0.01), cluster('future', NOW + 1, 0)]);
    expect(formingClusters(r, NOW).map((c) => c.id)).toEqual(['new', 'edge']);
    expect(formingClusters(null, NOW)).toEqual([]);
    expect(formingClusters(r, NOW, 1).map((c) => c.id)).toEqual(['new']);
  });

  it('puts every member on the map, linked to its cluster\'s centre', () => {
    const g = clusterGeometry([cluster('a', NOW, 0.01)]);
    expect(g.points.map((p) => p.label)).toEqual(['爆管', '路面沉降']);
    expect(g.lines).toEqual([[[110.8, 32.6], [110.8, 32.6]], [[110.8, 32.6], [110.801, 32.601]]]);
  });
});
