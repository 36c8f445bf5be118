import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeedFreshness, FreshnessState } from '../../common/engineApi.js';
import { DEFAULT_FRESHNESS, FreshnessTracker, freshnessState, type FreshnessPolicy } from './freshness.js';

const T0 = 1_781_300_000_000;
const S = 1_000;
const RANK: Record<FreshnessState, number> = { fresh: 0, late: 1, silent: 2 };

/** The one feed a test speaks about. */
function only(t: FreshnessTracker, nowMs: number): FeedFreshness {
  const all = t.snapshot(nowMs);
  expect(all).toHaveLength(1);
  return all[0] as FeedFreshness;
}

/** A gas telemetry feed of district 420303 arriving at these instants (data time = arrival). */
function arrivals(t: FreshnessTracker, at: number[]): void {
  for (const ms of at) t.seen('telemetry', 'gas', '420303', ms, ms);
}

describe('the freshness policy', () => {
  it('is fresh up to lateFactor × the interval, late up to silentFactor ×, silent beyond (both bounds inclusive)', () => {
    const i = 10 * S;
    expect(freshnessState(0, i, DEFAULT_FRESHNESS)).toBe('fresh');
    expect(freshnessState(30 * S, i, DEFAULT_FRESHNESS)).toBe('fresh');
    expect(freshnessState(30 * S + 1, i, DEFAULT_FRESHNESS)).toBe('late');
    expect(freshnessState(100 * S, i, DEFAULT_FRESHNESS)).toBe('late');
    expect(freshnessState(100 * S + 1, i, DEFAULT_FRESHNESS)).toBe('silent');
  });

  it('takes its factors from the policy, not from the defaults', () => {
    const strict: FreshnessPolicy = { defaultIntervalMs: 5 * S, lateFactor: 1.5, silentFactor: 4 };
    expect(freshnessState(15 * S, 10 * S, strict)).toBe('fresh');
    expect(freshnessState(15 * S + 1, 10 * S, strict)).toBe('late');
    expect(freshnessState(40 * S, 10 * S, strict)).toBe('late');
    expect(freshnessState(40 * S + 1, 10 * S, strict)).toBe('silent');
  });

  it('never gets better as data grows older', () => {
    const policy = fc.record({ lateFactor: fc.integer({ min: 1, max: 20 }) }).chain(({ lateFactor }) =>
      fc.record({ defaultIntervalMs: fc.constant(10 * S), lateFactor: fc.constant(lateFactor), silentFactor: fc.integer({ min: lateFactor, max: 100 }) }));
    fc.assert(fc.property(policy, fc.integer({ min: 1_000, max: 6 * 3_600_000 }), fc.nat(10 ** 9), fc.nat(10 ** 9), (p, interval, a, b) => {
      const [younger, older] = a <= b ? [a, b] : [b, a];
      expect(RANK[freshnessState(older, interval, p)]).toBeGreaterThanOrEqual(RANK[freshnessState(younger, interval, p)]);
      expect(freshnessState(younger, interval, p) === 'fresh').toBe(younger <= interval * p.lateFactor);
    }), { seed: 20261127, numRuns: 2000 });
  });
});

describe('the freshness tracker', () => {
  it('judges a new feed by the default interval until it learns its own', () => {
    const t = new FreshnessTracker();
    arrivals(t, [T0]);
    expect(only(t, T0)).toMatchObject({ kind: 'telemetry', domain: 'gas', district: '420303', expectedIntervalMs: 10 * S, messages: 1, ageMs: 0, state: 'fresh' });
    expect(only(t, T0 + 30 * S).state).toBe('fresh');
    expect(only(t, T0 + 30 * S + 1).state).toBe('late');
    expect(only(t, T0 + 100 * S + 1).state).toBe('silent');
  });

  it('learns a feed that speaks every minute, so it is not shown late between its messages', () => {
    const t = new FreshnessTracker();
    arrivals(t, [T0, T0 + 60 * S, T0 + 120 * S]);
    expect(only(t, T0 + 120 * S)).toMatchObject({ expectedIntervalMs: 60 * S, messages: 3 });
    expect(only(t, T0 + 120 * S + 170 * S).state).toBe('fresh');
    expect(only(t, T0 + 120 * S + 181 * S).state).toBe('late');
  });

  it('takes the first two gaps as they come: a first gap that is an accident of the start is replaced by the second', () => {
    const t = new FreshnessTracker();
    arrivals(t, [T0, T0 + 10 * S, T0 + 70 * S]);
    expect(only(t, T0 + 70 * S).expectedIntervalMs).toBe(60 * S);
  });

  it('learns the rhythm of a feed whose arrivals carry several messages (several assets of a district at once)', () => {
    const t = new FreshnessTracker();
    const batch = (at: number): void => arrivals(t, [at, at + 5, at + 10]);
    batch(T0);
    batch(T0 + 60 * S);
    expect(only(t, T0 + 60 * S + 10)).toMatchObject({ expectedIntervalMs: 60 * S, messages: 6 });
    // on its rhythm, so fresh until three minutes have passed
    expect(only(t, T0 + 60 * S + 170 * S).state).toBe('fresh');
  });

  it('moves a learned interval a tenth of the way towards a new gap, so one long silence is not taken as the rhythm', () => {
    const t = new FreshnessTracker();
    arrivals(t, [T0, T0 + 10 * S, T0 + 20 * S]);
    expect(only(t, T0 + 20 * S).expectedIntervalMs).toBe(10 * S);
    arrivals(t, [T0 + 120 * S]);
    expect(only(t, T0 + 120 * S).expectedIntervalMs).toBe(Math.round(0.9 * 10 * S + 0.1 * 100 * S));
  });

  it('counts messages closer than 50 ms as one arrival (a batch), without shortening the interval', () => {
    const t = new FreshnessTracker();
    arrivals(t, [T0, T0 + 60 * S, T0 + 60 * S + 10, T0 + 60 * S + 49]);
    const f = only(t, T0 + 60 * S + 49);
    expect(f).toMatchObject({ expectedIntervalMs: 60 * S, messages: 4, lastSeenMs: T0 + 60 * S });
    // 50 ms is an arrival of its own (clamped to the shortest interval)
    arrivals(t, [T0 + 60 * S + 50]);
    expect(only(t, T0 + 60 * S + 50).lastSeenMs).toBe(T0 + 60 * S + 50);
  });

  it('keeps the learned interval between one second and six hours', () => {
    const fast = new FreshnessTracker();
    arrivals(fast, [T0, T0 + 100, T0 + 200]);
    expect(only(fast, T0 + 200).expectedIntervalMs).toBe(1 * S);
    const slow = new FreshnessTracker();
    arrivals(slow, [T0, T0 + 24 * 3_600 * S]);
    expect(only(slow, T0 + 24 * 3_600 * S).expectedIntervalMs).toBe(6 * 3_600 * S);
  });

  it('reports the newest data time, which late data never moves back', () => {
    const t = new FreshnessTracker();
    t.seen('event', 'gas', '420303', T0 - 5 * S, T0);
    t.seen('event', 'gas', '420303', T0 - 60 * S, T0 + 10 * S);
    expect(only(t, T0 + 10 * S)).toMatchObject({ lastTsMs: T0 - 5 * S, lastSeenMs: T0 + 10 * S });
  });

  it('never reports a negative age when the clock is behind the last arrival', () => {
    const t = new FreshnessTracker();
    arrivals(t, [T0]);
    expect(only(t, T0 - 5 * S)).toMatchObject({ ageMs: 0, state: 'fresh' });
  });

  it('keeps one entry per kind, domain and district, sorted, and no more than its cap', () => {
    const t = new FreshnessTracker(DEFAULT_FRESHNESS, 3);
    t.seen('telemetry', 'water', '420302', T0, T0);
    t.seen('event', 'gas', '420303', T0, T0);
    t.seen('telemetry', 'gas', '420303', T0, T0);
    t.seen('telemetry', 'gas', '420303', T0, T0 + 10 * S);
    t.seen('asset', 'bridge', '420301', T0, T0);
    const keys = t.snapshot(T0 + 10 * S).map((f) => `${f.kind}.${f.domain}.${f.district}`);
    // the fourth feed is beyond the cap; the ones already known are still followed
    expect(keys).toEqual(['event.gas.420303', 'telemetry.gas.420303', 'telemetry.water.420302']);
    expect(t.snapshot(T0 + 10 * S).find((f) => f.kind === 'telemetry' && f.domain === 'gas')?.messages).toBe(2);
  });

  it('restores from a snapshot what it knew before a restart: the learned interval, the counts, and so the state', () => {
    const before = new FreshnessTracker();
    arrivals(before, [T0, T0 + 60 * S, T0 + 120 * S]);
    before.seen('event', 'gas', '420303', T0, T0);
    const saved = before.snapshot(T0 + 130 * S);

    const after = new FreshnessTracker();
    after.restore(saved);
    const now = T0 + 400 * S;
    expect(after.snapshot(now)).toEqual(before.snapshot(now));
    // the minute feed is still judged by its minute (late, not silent, 280 s after its last message); the event feed by 10 s
    expect(after.snapshot(now).map((f) => [f.kind, f.state])).toEqual([['event', 'silent'], ['telemetry', 'late']]);
    // learning goes on from where it stopped: the restored count means the next gap is averaged in, not taken as is
    arrivals(after, [T0 + 180 * S]);
    expect(after.snapshot(T0 + 180 * S).find((f) => f.kind === 'telemetry')).toMatchObject({ expectedIntervalMs: 60 * S, messages: 4 });
    arrivals(after, [T0 + 200 * S]);
    expect(after.snapshot(T0 + 200 * S).find((f) => f.kind === 'telemetry')?.expectedIntervalMs).toBe(Math.round(0.9 * 60 * S + 0.1 * 20 * S));
  });
});
