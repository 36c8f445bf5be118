import { describe, expect, it } from 'vitest';
import type { OpsSnapshot } from '../../../../analytics/common/ops/controlRoomViews';
import { assetMarkers, districtRisks, markerLevelsKey } from './definition';

const asset = (id: string): { domain: string; district: string; asset: string; name: string; kind: string; lat: number; lon: number } =>
  ({ domain: 'gas', district: '420302', asset: id, name: id.toUpperCase(), kind: 'regulator', lat: 32.6, lon: 110.8 });

describe('the risk map: districts and markers', () => {
  it('colours all eight districts, those the register does not know yet as none', () => {
    const d = districtRisks([{ district: '420302', colour: 'orange', counts: { red: 0, orange: 2, yellow: 1, blue: 0 }, worst: 'gas/420302/a' }] as OpsSnapshot['districts'], 'zh', (k) => (k === 'gas/420302/a' ? '茅箭区调压站1号' : k));
    expect(d).toHaveLength(8);
    // the tooltip says what made the colour, in words and names (no emoji the wall's fonts lack, no keys)
    expect(d.find((x) => x.code === '420302')).toMatchObject({ level: 'orange', label: '茅箭区', detail: '设施风险：重大0 较大2 一般1 低0<br/>最高风险设施：茅箭区调压站1号' });
    expect(districtRisks([], 'en').find((x) => x.code === '420303')).toMatchObject({ label: 'Zhangwan', level: 'none' });
    expect(d.filter((x) => x.level === 'none')).toHaveLength(7);
  });

  it('colours markers by the register, blue once it speaks, none before the first snapshot, and rings standing alarms', () => {
    expect(assetMarkers([asset('a')], markerLevelsKey(null)).map((m) => m.level)).toEqual(['none']);
    const snap = {
      assetRisk: { 'gas/420302/a': 'red' },
      alarms: [{ domain: 'gas', district: '420302', asset: 'a', active: true, annunciated: true, priority: 'critical' }, { domain: 'gas', district: '420302', asset: 'b', active: true, annunciated: false, priority: 'critical' },
        { domain: 'gas', district: '420302', asset: 'c', active: true, annunciated: true, priority: 'medium' }],
    } as unknown as OpsSnapshot;
    expect(assetMarkers([asset('a'), asset('b'), asset('c')], markerLevelsKey(snap)).map((m) => [m.key, m.level, m.alarm, m.major])).toEqual([
      ['gas/420302/a', 'red', true, true], ['gas/420302/b', 'blue', false, false], ['gas/420302/c', 'blue', true, false],
    ]);
  });
});
