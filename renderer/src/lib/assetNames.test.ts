import { describe, expect, it } from 'vitest';
import { AssetNames, unregisteredAssetName } from './cityState.svelte';
import { ruleTitleOf, unknownRuleTitle } from './controlRoomClient.svelte';
import type { AlarmRule } from '../../../analytics/common/alarms/alarmRules';

describe('asset names never show an id', () => {
  it('names an asset the registry does not hold by its domain and district', () => {
    expect(unregisteredAssetName('zh', 'gas', '420303')).toBe('燃气设施（张湾区）');
    expect(unregisteredAssetName('en', 'gas', '420303')).toBe('Gas asset (Zhangwan)');
    expect(unregisteredAssetName('zh', 'tunnel', '420302')).toBe('综合管廊设施（茅箭区）');
    // an unknown district code or domain is a key too: left out, not shown
    expect(unregisteredAssetName('zh', 'gas', '999999')).toBe('燃气设施');
    expect(unregisteredAssetName('zh', 'martian', '420302')).toBe('设施（茅箭区）');
    expect(unregisteredAssetName('en', 'martian', 'x')).toBe('Asset');
  });

  it('gives the registry’s name when it has one, a readable name when not, and 「…」 while it loads', () => {
    const loaded = new AssetNames([['gas/420303/gas-7', '东岳路调压站']], true, () => 'zh');
    expect(loaded.get('gas/420303/gas-7')).toBe('东岳路调压站');
    expect(loaded.get('gas/420303/gas-q1')).toBe('燃气设施（张湾区）');
    expect(loaded.nameOf('tunnel/420302/tunnel-1', 'en')).toBe('Utility tunnels asset (Maojian)');
    const loading = new AssetNames([], false, () => 'zh');
    expect(loading.get('gas/420303/gas-q1')).toBe('…');
    for (const s of [loaded.get('gas/420303/gas-q1'), loaded.nameOf('tunnel/420302/tunnel-1', 'en'), loading.get('gas/420303/gas-q1')]) {
      expect(s).not.toMatch(/gas-q1|tunnel-1/);
    }
  });
});

describe('rule titles never show an id', () => {
  const rule = { id: 'gas.lel.l2', title: { zh: '可燃气体浓度二级报警', en: 'Combustible gas level 2' } } as AlarmRule;
  const rules = new Map([[rule.id, rule]]);

  it('gives the rule’s title, 「…」 before the rules arrive, and the domain’s alarm for a rule not in force', () => {
    expect(ruleTitleOf(rules, true, 'gas.lel.l2', 'zh')).toBe('可燃气体浓度二级报警');
    expect(ruleTitleOf(new Map(), false, 'gas.lel.l2', 'zh')).toBe('…');
    expect(ruleTitleOf(rules, true, 'tunnel.h2s.high', 'zh')).toBe('综合管廊报警');
    expect(ruleTitleOf(rules, true, 'tunnel.h2s.high', 'en')).toBe('Utility tunnels alarm');
    expect(unknownRuleTitle('zh', 'x-custom')).toBe('报警');
  });
});
