import { describe, expect, it } from 'vitest';
import { AlarmRulesSchema } from '../../../analytics/common/alarms/alarmRules';
import { thresholdsFromRules } from './metricPanel';

const rules = AlarmRulesSchema.parse([
  { id: 'gas.lel.level2', domain: 'gas', metric: 'lel_pct', kind: 'high', setpoint: 50, priority: 'critical', title: { zh: '可燃气体二级报警', en: 'Combustible gas level 2' }, source: 'GB/T 50493-2019' },
  { id: 'gas.lel.level1', domain: 'gas', metric: 'lel_pct', kind: 'high', setpoint: 25, priority: 'high', title: { zh: '可燃气体一级报警', en: 'Combustible gas level 1' }, source: 'GB/T 50493-2019' },
  { id: 'water.pressure.low', domain: 'water', metric: 'pressure_mpa', kind: 'low', setpoint: 0.14, priority: 'medium', title: { zh: '供水管网压力低于服务压力', en: 'Water pressure below service pressure' }, source: 'CJJ 207-2013' },
  { id: 'water.silent', domain: 'water', metric: 'pressure_mpa', kind: 'no_data', priority: 'low', title: { zh: '供水监测点无数据', en: 'Water monitor silent' }, source: 'ops' },
  { id: 'bridge.strain.rate', domain: 'bridge', metric: 'strain_ue', kind: 'rate', setpoint: 200, priority: 'medium', title: { zh: '桥梁应变突变', en: 'Sudden change of bridge strain' }, source: 'JT/T 1037-2016' },
]);

describe('threshold lines from the alarm rules in force', () => {
  it('draws each level rule of the metric at its setpoint, in its priority colour, titled in the wall language', () => {
    expect(thresholdsFromRules(rules, { domain: 'gas', metric: 'lel_pct' }, 'zh')).toEqual([
      { value: 25, label: '可燃气体一级报警', severity: 'orange' },
      { value: 50, label: '可燃气体二级报警', severity: 'red' },
    ]);
    expect(thresholdsFromRules(rules, { domain: 'water', metric: 'pressure_mpa' }, 'en')).toEqual([
      { value: 0.14, label: 'Water pressure below service pressure', severity: 'yellow' },
    ]);
  });

  it('draws no line for rate rules, for metrics without rules, or before the rules have arrived', () => {
    expect(thresholdsFromRules(rules, { domain: 'bridge', metric: 'strain_ue' }, 'zh')).toEqual([]);
    expect(thresholdsFromRules(rules, { domain: 'heat', metric: 'supply_temp_c' }, 'zh')).toEqual([]);
    expect(thresholdsFromRules([], { domain: 'gas', metric: 'lel_pct' }, 'zh')).toEqual([]);
  });
});
