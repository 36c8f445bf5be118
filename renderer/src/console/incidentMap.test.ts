import { describe, expect, it } from 'vitest';
import { incidentMapPoints } from './incidentMap';

describe('the affected area as a plan view', () => {
  it('puts a place north of the centre above it and one at the radius on the ring', () => {
    const north = { asset: 'n', name: 'n', category: 'crowded' as const, lat: 32.6 + 800 / 111_195, lon: 110.8 };
    const east = { asset: 'e', name: 'e', category: 'lifeline' as const, lat: 32.6, lon: 110.8 + 400 / (111_195 * Math.cos((32.6 * Math.PI) / 180)) };
    const m = incidentMapPoints({ lat: 32.6, lon: 110.8 }, [north, east], 800, 232);
    expect(m).toMatchObject({ c: 116, r: 100 });
    expect(m.points[0]).toMatchObject({ x: 116, y: 16 });
    expect(m.points[1]).toMatchObject({ x: 166, y: 116 });
  });

  it('draws nothing but the rings when nothing lies inside', () => {
    expect(incidentMapPoints({ lat: 0, lon: 0 }, [], 500, 200).points).toEqual([]);
  });
});
