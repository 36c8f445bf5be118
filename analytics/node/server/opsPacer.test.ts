import { describe, expect, it } from 'vitest';
import { OPS_BURST, OPS_MIN_INTERVAL_MS, OPS_PUSH_MS, OpsPacer } from './engineSocket.js';

describe('OpsPacer: when the ops topic pushes', () => {
  it('pushes a new alarm at once at four alarms a second, also in the second that holds the push of time passing', () => {
    const p = new OpsPacer();
    let now = 1_000_000;
    for (let i = 0; i < 40; i++) {
      // every 5 s the picture goes out for time passing alone
      if (i % 20 === 10) p.pushed(now - 5, false);
      expect(p.delay(true, now)).toBe(OPS_PUSH_MS);
      p.pushed(now + OPS_PUSH_MS);
      now += 250;
    }
  });

  it('holds new alarms to one push per interval in a storm, and lets them out at once when it has passed', () => {
    const p = new OpsPacer();
    let now = 2_000_000;
    for (let i = 0; i < OPS_BURST; i++) {
      expect(p.delay(true, now)).toBe(OPS_PUSH_MS);
      p.pushed(now + OPS_PUSH_MS);
      now += 50;
    }
    // the storm: a new alarm waits for the interval after the last push
    const last = now - 50 + OPS_PUSH_MS;
    expect(p.delay(true, now)).toBe(last + OPS_MIN_INTERVAL_MS - now);
    // other changes always wait for the interval
    expect(p.delay(false, now)).toBe(last + OPS_MIN_INTERVAL_MS - now);
    // a second later it is calm again
    expect(p.delay(true, now + 1_100)).toBe(OPS_PUSH_MS);
  });
});
