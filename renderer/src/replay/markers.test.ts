import { describe, expect, it } from 'vitest';
import type { TimelineMarker } from '../../../analytics/common/engineApi';
import { jumpToAlarm, LEVEL_COLOURS, levelColour, markerColumns } from './markers';

const m = (atMs: number, kind: TimelineMarker['kind'], level: string): TimelineMarker => ({ atMs, kind, level, what: 'x', domain: 'gas', district: 'zhangwan', asset: null });
const w = { fromMs: 0, toMs: 1000 };

describe('timeline markers', () => {
  it('colours alarm priorities, event severities and hazard grades on one scale', () => {
    expect(levelColour('critical')).toBe(LEVEL_COLOURS[0]);
    expect(levelColour('red')).toBe(LEVEL_COLOURS[0]);
    expect(levelColour('major')).toBe(LEVEL_COLOURS[0]);
    expect(levelColour('orange')).toBe(LEVEL_COLOURS[1]);
    expect(levelColour('high')).toBe(LEVEL_COLOURS[1]);
    expect(levelColour('medium')).toBe(LEVEL_COLOURS[2]);
    expect(levelColour('low')).toBe(LEVEL_COLOURS[3]);
    expect(levelColour('something new')).toBe(LEVEL_COLOURS[3]);
  });

  it('folds markers into columns, each coloured by its gravest marker', () => {
    const cols = markerColumns([m(10, 'event', 'orange'), m(20, 'alarm', 'critical'), m(15, 'alarm', 'low'), m(990, 'hazard', 'general'), m(5000, 'alarm', 'critical')], w, 10);
    expect(cols.map((c) => c.index)).toEqual([0, 9]);
    expect(cols[0]).toMatchObject({ count: 3, rank: 0, colour: LEVEL_COLOURS[0], fraction: 0.05 });
    expect(cols[0]?.first.atMs).toBe(20);
    expect(cols[1]).toMatchObject({ count: 1, colour: LEVEL_COLOURS[2] });
  });

  it('draws no more columns than asked however many markers there are', () => {
    const many = Array.from({ length: 5000 }, (_, i) => m(i / 5, 'event', 'red'));
    expect(markerColumns(many, w, 300).length).toBeLessThanOrEqual(300);
    expect(markerColumns([], w, 300)).toEqual([]);
  });

  it('jumps to the next and previous alarm, never to an event, and moves on when standing on one', () => {
    const ms = [m(100_000, 'alarm', 'high'), m(200_000, 'event', 'red'), m(300_000, 'alarm', 'critical'), m(400_000, 'hazard', 'major')];
    expect(jumpToAlarm(ms, 0, 1)?.atMs).toBe(100_000);
    expect(jumpToAlarm(ms, 100_000, 1)?.atMs).toBe(300_000);
    expect(jumpToAlarm(ms, 99_800, 1)?.atMs).toBe(300_000);
    expect(jumpToAlarm(ms, 300_000, 1)).toBeNull();
    expect(jumpToAlarm(ms, 1_000_000, -1)?.atMs).toBe(300_000);
    expect(jumpToAlarm(ms, 300_000, -1)?.atMs).toBe(100_000);
    expect(jumpToAlarm(ms, 100_000, -1)).toBeNull();
  });
});
