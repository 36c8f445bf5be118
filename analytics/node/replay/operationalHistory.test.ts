import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import type { OpsEvent } from '../../common/ops/opsEvents.js';
import { Database } from '../store/database.js';
import { insertOpsLog } from '../store/opsLog.js';
import { OperationalHistory } from './operationalHistory.js';

const tmp = tempDir('cityops-history-');
afterAll(() => tmp.remove());
const D = '420302';
const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);

/** A day of alarm transitions on a few points, with acknowledgements, shelving and hazard cases, written as the engine writes them. */
async function fill(db: Database, seed: number): Promise<number[]> {
  const rng = fc.sample(fc.integer({ min: 0, max: 1_000_000 }), { numRuns: 3000, seed });
  let k = 0;
  const next = (n: number): number => (rng[k++ % rng.length] as number) % n;
  const open = new Map<string, number>();
  const times: number[] = [];
  const events: OpsEvent[] = [];
  let t = T0;
  const rows: string[] = [];
  for (let i = 0; i < 600; i++) {
    t += 1_000 + next(60_000);
    times.push(t);
    const asset = `a${next(8)}`;
    const point = `gas/${D}/${asset}#gas.lel.level${1 + next(2)}`;
    const rule = point.split('#')[1] as string;
    const raised = open.get(point);
    const what = next(10);
    if (raised === undefined) {
      open.set(point, t);
      rows.push(`(make_timestamptz(${t * 1000}), '${point}', '${rule}', '${rule.endsWith('2') ? 'critical' : 'high'}', 'gas', '${D}', '${asset}', 'lel_pct', ${rule.endsWith('2')}, true, ${40 + next(40)})`);
    } else if (what < 4) {
      open.delete(point);
      rows.push(`(make_timestamptz(${t * 1000}), '${point}', '${rule}', '${rule.endsWith('2') ? 'critical' : 'high'}', 'gas', '${D}', '${asset}', 'lel_pct', ${rule.endsWith('2')}, false, 1)`);
    } else if (what < 7) {
      events.push({ id: `ack-${i}-xxxxxxxx`, ts: t, device: 'console-1', role: 'shift_leader', action: { kind: 'alarm.ack', point, raisedAtMs: raised } });
    } else if (what < 8) {
      events.push({ id: `shelve-${i}-xxxxxx`, ts: t, device: 'console-2', role: 'shift_leader', action: { kind: 'alarm.shelve', point, reason: '检修', forMs: 600_000 } });
    } else {
      events.push({ id: `hz-${i}-xxxxxxxxxx`, ts: t, device: 'console-1', role: 'shift_leader', action: { kind: 'hazard.raise', hazard: `hz-${i}`, grade: 'general', title: '泄漏', domain: 'gas', district: D, asset, fromAlarm: { point, raisedAtMs: raised }, responsible: { owner: null, supervisor: null, approver: null } } });
    }
  }
  await db.writer.run(`INSERT INTO alarm_log VALUES ${rows.join(', ')}`);
  await insertOpsLog(db.writer, events.map((e, i) => ({ event: e, streamSeq: i + 1, applied: { id: e.id, ok: true, reason: null }, appliedAtMs: e.ts })));
  return times;
}

describe('the operational history', () => {
  it('a seek through keyframes, in any order, gives the state a fold from the beginning gives', async () => {
    const db = await Database.open(join(tmp.dir, 'h.duckdb'));
    try {
      const times = await fill(db, 7);
      const end = times[times.length - 1] as number;
      const keyed = new OperationalHistory(db, { profiles: [], keyframeEvery: 25, maxKeyframes: 8 });
      await keyed.loadUpTo(end);
      await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: T0 - 1_000, max: end + 1_000 }), { minLength: 1, maxLength: 12 }), async (seeks) => {
        for (const at of seeks) {
          const fresh = new OperationalHistory(db, { profiles: [], keyframeEvery: 1_000_000 });
          await fresh.loadUpTo(end);
          const want = fresh.stateAt(at);
          const got = keyed.stateAt(at);
          expect(got.alarms(at)).toEqual(want.alarms(at));
          expect(got.hazardList(at)).toEqual(want.hazardList(at));
        }
      }), { numRuns: 25, seed: 3 });
      expect(keyed.size).toBeGreaterThan(500);
      // bounded: thinned out beyond the limit
      expect(keyed.keyframeCount).toBeLessThanOrEqual(8);
      expect(keyed.keyframeCount).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('held to a number of facts, the oldest folded into a base: instants after them are answered as a fold from the beginning answers', async () => {
    const db = await Database.open(join(tmp.dir, 'capped.duckdb'));
    try {
      const times = await fill(db, 5);
      const end = times[times.length - 1] as number;
      const full = new OperationalHistory(db, { profiles: [], keyframeEvery: 1_000_000 });
      await full.loadUpTo(end);
      const capped = new OperationalHistory(db, { profiles: [], keyframeEvery: 25, maxFacts: 120 });
      for (let i = 0; i < times.length; i += 60) await capped.loadUpTo(times[i] as number);
      await capped.loadUpTo(end);
      expect(capped.size).toBeLessThanOrEqual(120);
      expect(capped.exactFromMs).toBeGreaterThan(T0);
      await fc.assert(fc.asyncProperty(fc.integer({ min: Math.ceil(capped.exactFromMs), max: end }), async (at) => {
        expect(capped.stateAt(at).alarms(at)).toEqual(full.stateAt(at).alarms(at));
        expect(capped.stateAt(at).hazardList(at)).toEqual(full.stateAt(at).hazardList(at));
      }), { numRuns: 40, seed: 9 });
    } finally {
      db.close();
    }
  });

  it('loaded in steps (a live engine reading on), it holds the same facts as loaded at once', async () => {
    const db = await Database.open(join(tmp.dir, 'steps.duckdb'));
    try {
      const times = await fill(db, 11);
      const end = times[times.length - 1] as number;
      const once = new OperationalHistory(db, { profiles: [] });
      await once.loadUpTo(end);
      const steps = new OperationalHistory(db, { profiles: [], keyframeEvery: 10 });
      for (let i = 50; i < times.length; i += 97) {
        await steps.loadUpTo(times[i] as number);
        steps.stateAt(times[i] as number);
      }
      await steps.loadUpTo(end);
      expect(steps.size).toBe(once.size);
      expect(steps.stateAt(end).alarms(end)).toEqual(once.stateAt(end).alarms(end));
    } finally {
      db.close();
    }
  });
});
