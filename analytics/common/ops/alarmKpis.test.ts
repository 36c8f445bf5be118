import { describe, expect, it } from 'vitest';
import { alarmKpis } from './alarmKpis.js';
import { ControlRoomState } from './controlRoomState.js';
import { POINT, tr } from './testing/controlRoomFixtures.js';

describe('the alarm system KPIs', () => {
  it('KPIs: chattering, stale, top offenders and the priority mix', () => {
    const s = new ControlRoomState();
    const p = 'gas/420302/g9#gas.lel.level1';
    for (let i = 0; i < 4; i++) s.transition({ ...tr(i % 2 === 0, 5_000_000 + i * 10_000, p), priority: 'high' });
    s.transition(tr(true, 1_000));
    const k = alarmKpis(s, 5_100_000 + 86_400_000 - 4_000_000);
    expect(k.stale.map((x) => x.point)).toEqual([POINT]);
    const k2 = alarmKpis(s, 5_100_000);
    expect(k2.chattering).toEqual([{ point: p, transitions: 4 }]);
    expect(k2.top10[0]).toEqual({ point: p, raised: 2 });
    expect(k2.priorityMix.find((m) => m.priority === 'high')).toMatchObject({ raised: 2, targetPct: 4 });
  });
});
