import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlarmRulesSchema } from '../common/alarms/alarmRules.js';
import { dataPath } from './paths.js';

describe('data/alarm-rules.json', () => {
  it('ships a default rule file that validates, every rule naming its source', () => {
    const rules = AlarmRulesSchema.parse(JSON.parse(readFileSync(dataPath('alarm-rules.json'), 'utf8')));
    expect(rules.length).toBeGreaterThan(10);
    expect(rules.find((r) => r.id === 'gas.lel.level1')).toMatchObject({ setpoint: 25, source: expect.stringContaining('GB/T 50493-2019') });
    expect(rules.find((r) => r.id === 'gas.lel.level2')).toMatchObject({ setpoint: 50 });
    expect(rules.every((r) => r.source.length > 5)).toBe(true);
  });
});
