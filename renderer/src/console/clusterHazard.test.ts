import { describe, expect, it } from 'vitest';
import type { CorrelationCluster } from '../../../analytics/common/analysis';
import { OpsActionSchema } from '../../../analytics/common/ops/opsEvents';
import { clusterHazardId, hazardFromCluster } from './clusterHazard';

const T = Date.UTC(2026, 10, 27, 3, 0);
const c: CorrelationCluster = {
  id: 'event:sim-burst-1', domains: ['water', 'road', 'gas'], districts: ['420302'], assets: ['w1', 'r1', 'g1'], firstMs: T, lastMs: T + 900_000,
  pairs: 3, expectedPairs: 0.02, pValue: 1e-6, centroid: { lat: 32.6, lon: 110.8 },
  members: [
    { kind: 'event', id: 'e2', tsMs: T + 600_000, domain: 'road', district: '420302', asset: 'r1', lat: 32.6, lon: 110.8, level: 'orange', what: '路面沉降' },
    { kind: 'event', id: 'sim-burst-1', tsMs: T, domain: 'water', district: '420302', asset: 'w1', lat: 32.6, lon: 110.8, level: 'red', what: '供水主管爆管' },
    { kind: 'alarm', id: 'gas/420302/g1#gas.lel.level1', tsMs: T + 900_000, domain: 'gas', district: '420302', asset: 'g1', lat: 32.6, lon: 110.8, level: 'high', what: 'gas.lel.level1' },
  ],
};

describe('one hazard case for a cluster of correlated incidents', () => {
  it('is placed at the member that started it, major when a red event is among them, and lists every member', () => {
    const h = hazardFromCluster(c, 'zh', (r) => (r === 'gas.lel.level1' ? '可燃气体一级报警' : r));
    if (!h) throw new Error('expected a case');
    expect(OpsActionSchema.safeParse(h.raise).success).toBe(true);
    expect(OpsActionSchema.safeParse(h.comment).success).toBe(true);
    expect(h.raise).toMatchObject({ kind: 'hazard.raise', hazard: clusterHazardId(c.id), grade: 'major', domain: 'water', asset: 'w1', title: '关联事件：供水、道路、燃气（3）' });
    const text = h.comment.kind === 'hazard.comment' ? h.comment.text : '';
    expect(text.split('\n').map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(['供水 供水主管爆管', '道路 路面沉降', '燃气 可燃气体一级报警']);
  });

  it('is general without a red event or critical alarm, and the same case id at every console', () => {
    const calm = { ...c, members: c.members.map((m) => ({ ...m, level: 'orange' })) };
    expect(hazardFromCluster(calm, 'en', (r) => r)?.raise).toMatchObject({ grade: 'general' });
    expect(clusterHazardId('event:x/y')).toBe('cl-event:x_y');
    expect(hazardFromCluster({ ...c, members: [] }, 'zh', (r) => r)).toBeNull();
  });
});
