import { describe, expect, it } from 'vitest';
import type { AlarmView } from '../../../analytics/common/ops/controlRoomViews';
import { AlarmSound, soundingPriority } from './sound';

const alarm = (over: Partial<AlarmView>): AlarmView => ({
  point: 'gas/420302/a#r', occurrence: 'gas/420302/a#r@1', rule: 'r', priority: 'high', domain: 'gas', district: '420302', asset: 'a', metric: 'lel_pct',
  latching: false, state: 'unack', active: true, raisedAtMs: 1, clearedAtMs: null, value: 30, silenced: false, ackedBy: null, shelved: null,
  suppressedBy: null, outOfService: null, annunciated: true, floodCause: null, ...over,
});

describe('alarm sound', () => {
  it('sounds the highest priority among unacknowledged, unsilenced, annunciated alarms only', () => {
    expect(soundingPriority([alarm({ priority: 'medium' }), alarm({ priority: 'critical', silenced: true }), alarm({ priority: 'high', state: 'ack' })])).toBe('medium');
    expect(soundingPriority([alarm({ priority: 'critical', annunciated: false })])).toBeNull();
    expect(soundingPriority([alarm({ priority: 'high', state: 'rtn_unack' }), alarm({ priority: 'critical' })])).toBe('critical');
    expect(soundingPriority([])).toBeNull();
  });

  it('repeats by priority: critical every 2 s, high every 5 s, low never', () => {
    const s = new AlarmSound();
    s.tick([alarm({ priority: 'critical' })], 10_000);
    expect(s.lastPlayed).toBe('critical');
    s.lastPlayed = null;
    s.tick([alarm({ priority: 'critical' })], 11_000);
    expect(s.lastPlayed).toBeNull();
    s.tick([alarm({ priority: 'critical' })], 12_000);
    expect(s.lastPlayed).toBe('critical');
    s.lastPlayed = null;
    s.tick([alarm({ priority: 'low' })], 60_000);
    expect(s.lastPlayed).toBeNull();
  });
});
