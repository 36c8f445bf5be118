import { describe, expect, it } from 'vitest';
import type { OpsSnapshot } from '../../../../analytics/common/ops/controlRoomViews';
import { assetMarkers, districtRisks, markerLevelsKey } from './definition';

const asset = (id: string): { domain: string; district: string; asset: string; name: string; kind: string; lat: number; lon: number } =>
  ({ domain: 'gas', district: '420302', asset: id, name: id.toUpperCase(), kind: 'regulator', lat: 32.6, lon: 110.8 });

describe('the risk map: districts and markers', () => {
  it('colours all eight districts, those the register does not know yet as none', () => {
    const d = districtRisks([{ district: '420302', colour: 'orange', counts: { red: 0, orange: 2, yellow: 1, blue: 0 } }] as OpsSnapshot['districts']);
    expect(d).toHaveLength(8);
    expect(d.find((x) => x.code === '420302')).toMatchObject({ level: 'orange', detail: '🔴0 🟠2 🟡1 🔵0' });
    expect(d.filter((x) => x.level === 'none')).toHaveLength(7);
  });

  it('colours markers by the register, blue once it speaks, none before the first snapshot, and rings standing alarms', () => {
    expect(assetMarkers([asset('a')], markerLevelsKey(null)).map((m) => m.level)).toEqual(['none']);
    const snap = {
      assetRisk: { 'gas/420302/a': 'red' },
      alarms: [{ domain: 'gas', district: '420302', asset: 'a', active: true, annunciated: true }, { domain: 'gas', district: '420302', asset: 'b', active: true, annunciated: false }],
    } as unknown as OpsSnapshot;
    expect(assetMarkers([asset('a'), asset('b')], markerLevelsKey(snap)).map((m) => [m.key, m.level, m.alarm])).toEqual([
      ['gas/420302/a', 'red', true], ['gas/420302/b', 'blue', false],
    ]);
  });
});
