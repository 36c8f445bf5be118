import { describe, expect, it } from 'vitest';
import { AlarmEvaluator, AlarmRuleSchema, type AlarmRule } from './alarmRules.js';

const rule = (over: Partial<AlarmRule>): AlarmRule => AlarmRuleSchema.parse({
  id: 'gas.lel.l2', domain: 'gas', metric: 'lel_pct', kind: 'high', setpoint: 50, priority: 'critical',
  title: { zh: '可燃气体二级报警', en: 'Combustible gas level 2' }, source: 'GB/T 50493-2019', ...over,
});
const feed = (ev: AlarmEvaluator, values: [number, number][]): string[] =>
  values.flatMap(([t, v]) => ev.reading('gas', '420303', 'st-1', 'lel_pct', t * 1000, v).map((x) => `${t}:${x.active ? 'on' : 'off'}`));

describe('alarm rules', () => {
  it('raises at the setpoint and clears only past the deadband', () => {
    const ev = new AlarmEvaluator([rule({ deadband: 5 })]);
    expect(feed(ev, [[0, 40], [1, 50], [2, 47], [3, 46], [4, 45], [5, 60]])).toEqual(['1:on', '4:off', '5:on']);
  });

  it('waits for the on-delay and the off-delay (by data time)', () => {
    const ev = new AlarmEvaluator([rule({ onDelayS: 10, offDelayS: 5 })]);
    expect(feed(ev, [[0, 55], [5, 40], [6, 55], [15, 56], [16, 60], [20, 10], [24, 10], [25, 10]])).toEqual(['16:on', '25:off']);
  });

  it('raises on a rate of change', () => {
    const ev = new AlarmEvaluator([rule({ id: 'bridge.strain.rate', kind: 'rate', setpoint: 100 })]);
    expect(feed(ev, [[0, 10], [60, 50], [120, 200], [180, 210]])).toEqual(['120:on', '180:off']);
  });

  it('measures a rate over its window, so sample-to-sample noise is not a trend', () => {
    const ev = new AlarmEvaluator([rule({ id: 'bridge.strain.rate', kind: 'rate', setpoint: 200 })]);
    // ±4 every second is 240 per minute from one sample to the next, but no trend
    const noisy: [number, number][] = Array.from({ length: 300 }, (_, i) => [i, 100 + (i % 2 === 0 ? 4 : -4)]);
    expect(feed(ev, noisy)).toEqual([]);
    // a real step of 300 within a minute is
    expect(feed(ev, [[330, 420], [360, 420], [420, 420]])).toEqual(['330:on', '420:off']);
  });

  it('does not call a series silent while its backlog of old data is still arriving', () => {
    const ev = new AlarmEvaluator([rule({ id: 'gas.silent', kind: 'no_data', silentS: 60 })]);
    const now = 10_000_000;
    ev.reading('gas', '420303', 'st-1', 'lel_pct', 0, 1, now); // data from long ago, received now
    expect(ev.tick(now + 30_000)).toEqual([]);
    const [t] = ev.tick(now + 60_000);
    expect(t).toMatchObject({ active: true, atMs: 60_000 }); // stamped by data time: every engine agrees
  });

  it('raises "no data" when a feed goes silent, and clears when it speaks again', () => {
    const ev = new AlarmEvaluator([rule({ id: 'gas.silent', kind: 'no_data', silentS: 60 })]);
    ev.reading('gas', '420303', 'st-1', 'lel_pct', 0, 1);
    expect(ev.tick(59_000)).toEqual([]);
    expect(ev.tick(60_000).map((t) => t.active)).toEqual([true]);
    expect(ev.tick(120_000)).toEqual([]);
    expect(ev.reading('gas', '420303', 'st-1', 'lel_pct', 130_000, 1).map((t) => t.active)).toEqual([false]);
  });

  it('ignores late readings for alarm history, and keeps its state bounded', () => {
    const ev = new AlarmEvaluator([rule({})], 2);
    expect(feed(ev, [[10, 60], [5, 10]])).toEqual(['10:on']);
    ev.reading('gas', '420303', 'a2', 'lel_pct', 0, 1);
    ev.reading('gas', '420303', 'a3', 'lel_pct', 0, 99);
    expect(ev.size).toBe(2);
  });
});
