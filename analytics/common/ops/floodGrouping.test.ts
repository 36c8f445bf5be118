import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRIORITIES } from '../vocabulary.js';
import { alarmKpis, headlineKpis } from './alarmKpis.js';
import { alarmCounts, alarmRows } from './alarmRows.js';
import type { AlarmTransition } from './alarmTransition.js';
import { ControlRoomState, type SuppressionProfile } from './controlRoomState.js';
import type { AlarmView } from './controlRoomViews.js';
import { priorityRank } from './floods.js';
import { ev } from './testing/controlRoomFixtures.js';

const DOMAINS = ['gas', 'bridge', 'flood'] as const;
const DISTRICTS = ['420302', '420303'] as const;
const T0 = 1_000_000;
const SUPPRESSION: SuppressionProfile[] = [{ id: 'season', rules: ['suppressed-rule'] }];

/** One raise: which system, district, asset and priority, when, and what the operators did to it. */
const raise = fc.record({
  domain: fc.constantFrom(...DOMAINS),
  district: fc.constantFrom(...DISTRICTS),
  asset: fc.integer({ min: 0, max: 5 }),
  priority: fc.constantFrom(...PRIORITIES),
  dt: fc.integer({ min: 1, max: 40_000 }),
  shelved: fc.boolean(),
  suppressed: fc.boolean(),
  acked: fc.boolean(),
});

type Raise = typeof raise extends fc.Arbitrary<infer T> ? T : never;

function build(raises: Raise[]): { list: AlarmView[]; s: ControlRoomState; now: number } {
  const s = new ControlRoomState(SUPPRESSION);
  s.apply(ev({ kind: 'alarm.profile', profile: 'season', on: true }));
  let t = T0;
  for (const r of raises) {
    t += r.dt;
    // the rule says the priority, so one point keeps one priority
    const rule = r.suppressed ? 'suppressed-rule' : `r${PRIORITIES.indexOf(r.priority)}`;
    const point = `${r.domain}/${r.district}/a${r.asset}#${rule}`;
    const tr: AlarmTransition = { point, rule, priority: r.priority, domain: r.domain, district: r.district, asset: `a${r.asset}`, metric: 'm', latching: false, active: true, atMs: t, value: 1 };
    s.transition(tr);
    if (r.shelved) s.apply(ev({ kind: 'alarm.shelve', point, reason: '检修', forMs: 3_600_000 }, t));
    if (r.acked) s.apply(ev({ kind: 'alarm.ack', point, raisedAtMs: t }, t));
  }
  return { list: s.alarms(t + 1), s, now: t + 1 };
}

describe('flood grouping puts priority first', () => {
  it('never groups an alarm under a less urgent or hidden parent, nor across systems, and the rows show every annunciated alarm once, most urgent first', () => {
    fc.assert(fc.property(fc.array(raise, { minLength: 11, maxLength: 60 }), (raises) => {
      const { list } = build(raises);
      const byPoint = new Map<string, AlarmView[]>();
      for (const a of list) byPoint.set(a.point, [...(byPoint.get(a.point) ?? []), a]);
      for (const a of list) {
        if (a.floodCause === null) continue;
        expect(a.annunciated).toBe(true);
        const parents = (byPoint.get(a.floodCause) ?? []).filter((p) => p.floodCause === null);
        expect(parents.length).toBeGreaterThan(0);
        for (const p of parents) {
          expect(p.annunciated).toBe(true);
          expect(p.domain).toBe(a.domain);
          expect(priorityRank(p.priority)).toBeLessThanOrEqual(priorityRank(a.priority));
        }
      }
      const rows = alarmRows(list);
      expect(rows.map((r) => r.occurrence).sort()).toEqual(list.filter((a) => a.annunciated).map((a) => a.occurrence).sort());
      // top-level rows in priority order; a member right under its parent (or another member of it)
      let lastTop = -1;
      let parent: AlarmView | null = null;
      for (const r of rows) {
        if (r.floodCause === null) {
          expect(priorityRank(r.priority)).toBeGreaterThanOrEqual(lastTop);
          lastTop = priorityRank(r.priority);
          parent = r;
        } else {
          expect(r.floodCause).toBe(parent?.point);
        }
      }
      // the counts are the rows'
      expect(alarmCounts(list).shown).toBe(rows.length);
      expect(alarmCounts(list).unacknowledged).toBe(rows.filter((r) => r.state === 'unack' || r.state === 'rtn_unack').length);
    }), { seed: 20261127, numRuns: 300 });
  });

  it('the snapshot counts what the lists show: shelved alarms are neither rows nor counted as shown', () => {
    const { list, s, now } = build([
      ...Array.from({ length: 11 }, (_, i) => ({ domain: 'gas' as const, district: '420302' as const, asset: i % 6, priority: 'low' as const, dt: 1000, shelved: false, suppressed: false, acked: i % 2 === 0 })),
      { domain: 'bridge', district: '420302', asset: 0, priority: 'medium', dt: 1000, shelved: true, suppressed: false, acked: false },
    ]);
    const k = headlineKpis(alarmKpis(s, now, list));
    expect(k).toMatchObject({ shown: alarmRows(list).length, hidden: 1 });
    expect(k.unacknowledged).toBe(alarmRows(list).filter((r) => r.state === 'unack').length);
  });

  it('an alarm flood: the critical gas alarm is on top, not under the rainstorm raised before it nor under the shelved bridge alarm', () => {
    const { list } = build([
      { domain: 'bridge', district: '420302', asset: 1, priority: 'high', dt: 1000, shelved: true, suppressed: false, acked: false },
      { domain: 'flood', district: '420302', asset: 2, priority: 'medium', dt: 1000, shelved: false, suppressed: false, acked: false },
      ...Array.from({ length: 9 }, (_, i) => ({ domain: 'flood' as const, district: '420302' as const, asset: 3 + (i % 3), priority: 'medium' as const, dt: 1000, shelved: false, suppressed: false, acked: false })),
      { domain: 'flood', district: '420302', asset: 0, priority: 'critical', dt: 1000, shelved: false, suppressed: false, acked: false },
      { domain: 'gas', district: '420302', asset: 0, priority: 'critical', dt: 1000, shelved: false, suppressed: false, acked: false },
    ]);
    const rows = alarmRows(list);
    expect(rows.slice(0, 2).map((r) => [r.point, r.floodCause])).toEqual([['gas/420302/a0#r0', null], ['flood/420302/a0#r0', null]]);
    expect(rows.find((r) => r.point === 'flood/420302/a3#r2')?.floodCause).toBe('flood/420302/a2#r2');
  });
});
