import { describe, expect, it } from 'vitest';
import { advance, clampToWindow, followView, fractionOf, instantAt, SPEEDS, speedText, speedToFinish, stepSpeed } from './playback';

const w = { fromMs: 1_000_000, toMs: 1_000_000 + 3_600_000 };

describe('replay playback arithmetic', () => {
  it('offers 0.1× to 3600×', () => {
    expect(SPEEDS[0]).toBe(0.1);
    expect(SPEEDS[SPEEDS.length - 1]).toBe(3600);
  });

  it('steps speeds up and down the list and stops at its ends', () => {
    expect(stepSpeed(1, 1)).toBe(2);
    expect(stepSpeed(60, -1)).toBe(30);
    expect(stepSpeed(3600, 1)).toBe(3600);
    expect(stepSpeed(0.1, -1)).toBe(0.1);
    // a speed off the list (play the window in N minutes) steps to its neighbours
    expect(stepSpeed(45, 1)).toBe(60);
    expect(stepSpeed(45, -1)).toBe(30);
  });

  it('moves the cursor by real time × speed and stops at the window end', () => {
    expect(advance(w.fromMs, 60, 1000, w)).toEqual({ atMs: w.fromMs + 60_000, ended: false });
    expect(advance(w.toMs - 1000, 3600, 1000, w)).toEqual({ atMs: w.toMs, ended: true });
    expect(advance(w.fromMs, 60, -50, w)).toEqual({ atMs: w.fromMs, ended: false });
  });

  it('plays what is left of the window in N minutes', () => {
    expect(speedToFinish(w.fromMs, w, 1)).toBe(60);
    expect(speedToFinish(w.fromMs + 1_800_000, w, 1)).toBe(30);
    expect(speedToFinish(w.toMs, w, 5)).toBe(1);
    expect(speedToFinish(w.toMs - 1, w, 60)).toBe(0.1);
  });

  it('keeps instants within the window and maps places on the bar to whole seconds', () => {
    expect(clampToWindow(0, w)).toBe(w.fromMs);
    expect(clampToWindow(w.toMs + 5, w)).toBe(w.toMs);
    expect(instantAt(0.5, w)).toBe(w.fromMs + 1_800_000);
    expect(instantAt(-1, w)).toBe(w.fromMs);
    expect(instantAt(2, w)).toBe(w.toMs);
    expect(instantAt(0.3333, w) % 1000).toBe(0);
    expect(fractionOf(w.fromMs + 900_000, w)).toBe(0.25);
    expect(fractionOf(5, { fromMs: 5, toMs: 5 })).toBe(1);
  });

  it('says speeds as the bar shows them', () => {
    expect(speedText(0.1)).toBe('0.1×');
    expect(speedText(60)).toBe('60×');
    expect(speedText(37.4)).toBe('37×');
  });

  it('shows the whole window, or a span of it around the cursor that stays put while the cursor moves within it', () => {
    const day = { fromMs: 0, toMs: 86_400_000 };
    const hour = 3_600_000;
    expect(followView(null, day, 43_200_000, null)).toEqual(day);
    expect(followView(null, day, 43_200_000, 2 * day.toMs)).toEqual(day);
    const v = followView(null, day, 43_200_000, hour);
    expect(v).toEqual({ fromMs: 43_200_000 - hour / 2, toMs: 43_200_000 + hour / 2 });
    // a drag within the view leaves it where it is
    expect(followView(v, day, v.fromMs + 1000, hour)).toBe(v);
    // past its end the page turns, centred on the cursor
    expect(followView(v, day, v.toMs + 60_000, hour)).toEqual({ fromMs: v.toMs + 60_000 - hour / 2, toMs: v.toMs + 60_000 + hour / 2 });
    // near the window's edges the view stays inside the window
    expect(followView(null, day, 1000, hour)).toEqual({ fromMs: 0, toMs: hour });
    expect(followView(null, day, day.toMs, hour)).toEqual({ fromMs: day.toMs - hour, toMs: day.toMs });
    // another span: centred again
    expect(followView(v, day, v.fromMs + 1000, 10 * 60_000).toMs - followView(v, day, v.fromMs + 1000, 10 * 60_000).fromMs).toBe(600_000);
  });
});
