import { describe, expect, it } from 'vitest';
import { AlarmRulesSchema } from '../../../../analytics/common/alarms/alarmRules';
import type { AlarmView } from '../../../../analytics/common/ops/controlRoomViews';
import { assetReadings, assetRecord, guidanceRules, limitFor } from './assetView';

const rules = AlarmRulesSchema.parse([
  { id: 'gas.lel.level1', domain: 'gas', metric: 'lel_pct', kind: 'high', setpoint: 25, priority: 'high', title: { zh: '可燃气体一级报警', en: 'L1' }, source: 's', guidance: { zh: '核实', en: 'check' } },
  { id: 'gas.lel.level2', domain: 'gas', metric: 'lel_pct', kind: 'high', setpoint: 50, priority: 'critical', title: { zh: '可燃气体二级报警', en: 'L2' }, source: 's', guidance: { zh: '关阀', en: 'close' } },
  { id: 'gas.pressure.low', domain: 'gas', metric: 'pressure_kpa', kind: 'low', setpoint: 2, priority: 'medium', title: { zh: '压力偏低', en: 'low' }, source: 's' },
]);
const key = { domain: 'gas', district: '420302', asset: 'st-1' };
const alarm = (rule: string, priority: AlarmView['priority'], metric = 'lel_pct'): AlarmView => ({ ...key, domain: 'gas', rule, priority, metric, active: true, point: `gas/420302/st-1#${rule}`, raisedAtMs: 1, value: 58 } as unknown as AlarmView);

describe('the asset view', () => {
  it('reads the three parties and their contacts from the registry record and its attrs', () => {
    const r = assetRecord({ asset: ['st-1'], name: ['调压站'], kind: ['regulator_station'], lat: [32.6], lon: [110.8], owner: ['燃气公司'], supervisor: ['住建局'], approver: [null], attrs: [JSON.stringify({ owner_contact: '0719-8100001', supervisor_contact: '0719-8100002' })] });
    expect(r?.parties).toEqual([
      { role: 'owner', name: '燃气公司', contact: '0719-8100001' },
      { role: 'supervisor', name: '住建局', contact: '0719-8100002' },
      { role: 'approver', name: null, contact: null },
    ]);
    expect(assetRecord({ asset: [] })).toBeNull();
    expect(assetRecord({ asset: ['x'], attrs: ['not json'], owner: ['o'] })?.parties[0]).toEqual({ role: 'owner', name: 'o', contact: null });
  });

  it('holds a value against the standing alarm’s limit, else against the first limit it would cross', () => {
    expect(limitFor(rules, 'gas', 'lel_pct', 'gas.lel.level2')?.value).toBe(50);
    expect(limitFor(rules, 'gas', 'lel_pct', null)?.value).toBe(25);
    expect(limitFor(rules, 'gas', 'pressure_kpa', null)).toMatchObject({ value: 2, direction: 'low' });
    expect(limitFor(rules, 'gas', 'flow', null)).toBeNull();
  });

  it('puts the alarmed measure first, with its unit, and says it is over the limit', () => {
    const latest = { asset: ['st-1', 'st-1', 'other'], district: ['420302', '420302', '420302'], metric: ['pressure_kpa', 'lel_pct', 'lel_pct'], value: [2.4, 58.5, 99], ts: [10, 11, 12] };
    const rs = assetReadings(latest, key, rules, [alarm('gas.lel.level2', 'critical')]);
    expect(rs.map((r) => [r.metric, r.value, r.unit, r.limit?.value, r.over, r.alarmed, r.alarmValue])).toEqual([
      ['lel_pct', 58.5, '%LEL', 50, true, true, 58],
      ['pressure_kpa', 2.4, 'kPa', 2, false, false, null],
    ]);
    expect(assetReadings(undefined, key, rules, [])).toEqual([]);
  });

  it('gives the standing alarms’ guidance first, else the guidance of the rules watching the asset', () => {
    expect(guidanceRules(rules, 'gas', ['lel_pct'], [alarm('gas.lel.level2', 'critical')]).map((r) => r.id)).toEqual(['gas.lel.level2']);
    expect(guidanceRules(rules, 'gas', ['lel_pct'], []).map((r) => r.id)).toEqual(['gas.lel.level2', 'gas.lel.level1']);
  });
});
