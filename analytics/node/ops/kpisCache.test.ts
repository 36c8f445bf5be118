import { describe, expect, it } from 'vitest';
import { alarmKpis } from '../../common/ops/alarmKpis.js';
import { ControlRoomState } from '../../common/ops/controlRoomState.js';
import { ev, tr } from '../../common/ops/testing/controlRoomFixtures.js';
import { KpisCache } from './snapshotCache.js';

describe('the alarmKpis answer shared by every client', () => {
  it('is computed once per change of the state and at most a second old; each answer equals a fresh computation at its instant', () => {
    const s = new ControlRoomState([]);
    s.transition(tr(true, 1_000));
    const cache = new KpisCache(s);
    const first = cache.get(2_000);
    expect(first).toEqual(alarmKpis(s, 2_000));
    // a client asking back to back within the second: the same answer, not computed again
    for (let i = 0; i < 100; i++) expect(cache.get(2_000 + i)).toBe(first);
    expect(cache.computed).toBe(1);
    // a second later: computed again
    expect(cache.get(3_000)).toEqual(alarmKpis(s, 3_000));
    expect(cache.computed).toBe(2);
    // the state changes (an operator acknowledges, an alarm rises): the next answer shows it at once
    const before = cache.get(3_001);
    s.apply(ev({ kind: 'alarm.shelve', point: before.top10[0]?.point ?? 'gas/420302/g1#gas.lel.level2', reason: '检修', forMs: 3_600_000 }, 3_002));
    s.transition(tr(true, 3_003, 'gas/420302/g2#gas.lel.level2'));
    const after = cache.get(3_004);
    expect(cache.computed).toBe(3);
    expect(after).toEqual(alarmKpis(s, 3_004));
    expect(after.raisedLast10Min).toBe(before.raisedLast10Min + 1);
    // a clock that went back is not answered from the future
    expect(cache.get(2_500)).toEqual(alarmKpis(s, 2_500));
  });
});
