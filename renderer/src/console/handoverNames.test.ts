import { describe, expect, it } from 'vitest';
import { keyEventSubject, keyName } from './handoverNames';

const names = (_d: string, _di: string, a: string): string => ({ 'a-1': '东岳路调压站' })[a] ?? a;

describe('handover names', () => {
  it('names districts and assets, never their keys', () => {
    expect(keyName('zh', 'district/420302', names)).toBe('茅箭区');
    expect(keyName('zh', 'gas/420302/a-1', names)).toBe('东岳路调压站');
    expect(keyName('zh', 'gas/420302/a-1#gas.lel.level2', names)).toBe('东岳路调压站');
  });

  it('a key event says its rule and asset, or its case title', () => {
    const rule = (r: string): string => (r === 'gas.lel.level2' ? '可燃气体二级报警' : r);
    expect(keyEventSubject('zh', { atMs: 0, kind: 'critical_alarm', ref: 'gas/420302/a-1#gas.lel.level2', what: 'gas.lel.level2' }, names, rule)).toBe('可燃气体二级报警 · 东岳路调压站');
    expect(keyEventSubject('zh', { atMs: 0, kind: 'hazard_closed', ref: 'hz-1', what: '调压站泄漏' }, names, rule)).toBe('调压站泄漏');
  });
});
