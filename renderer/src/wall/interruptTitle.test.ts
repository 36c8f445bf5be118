import { describe, expect, it } from 'vitest';
import { interruptTitle } from './interruptTitle';
import type { Interrupt } from './playlist';

const base: Interrupt = { id: 'gas/420303/st-1#gas.lel.level2@1700000000000', kind: 'alarm', title: 'gas.lel.level2 · st-1', severity: 'red', asset: 'st-1', domain: 'gas', district: '420303', atMs: 0 };

describe('the takeover title', () => {
  it('says an alarm by its rule title and asset name as they are now, not as they were when it arrived', () => {
    const titles: Record<string, string> = { 'gas.lel.level2': '可燃气体二级报警' };
    expect(interruptTitle(base, (r) => titles[r] ?? r, () => '张湾区燃气调压站')).toBe('可燃气体二级报警 · 张湾区燃气调压站');
  });

  it('keeps an event’s own title', () => {
    expect(interruptTitle({ ...base, id: 'ev-1', kind: 'event', title: '桥梁挠度超限，建议封闭交通' }, () => 'x', () => 'y')).toBe('桥梁挠度超限，建议封闭交通');
  });
});
