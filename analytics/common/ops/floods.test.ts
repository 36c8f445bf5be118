import { describe, expect, it } from 'vitest';
import { alarmKpis } from './alarmKpis.js';
import { ControlRoomState } from './controlRoomState.js';
import { tr } from './testing/controlRoomFixtures.js';

describe('alarm floods', () => {
  it('a flood (more than 10 alarms in 10 minutes) groups alarms under the first-out one of their district', () => {
    const s = new ControlRoomState();
    for (let i = 0; i < 12; i++) s.transition(tr(true, 1_000_000 + i * 10_000, `gas/42030${i % 2 + 2}/g${i}#gas.lel.level2`, `42030${i % 2 + 2}`));
    const now = 1_200_000;
    expect(alarmKpis(s, now).floodNow).toBe(true);
    const list = s.alarms(now);
    expect(list.filter((a) => a.floodCause === null).map((a) => a.point).sort()).toEqual(['gas/420302/g0#gas.lel.level2', 'gas/420303/g1#gas.lel.level2']);
    expect(list.find((a) => a.point === 'gas/420302/g4#gas.lel.level2')?.floodCause).toBe('gas/420302/g0#gas.lel.level2');
    expect(alarmKpis(s, now + 3_600_000).floodNow).toBe(false);
  });
});
