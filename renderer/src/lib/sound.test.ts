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

describe('alarm sound preferences', () => {
  const memory = (): { getItem(k: string): string | null; setItem(k: string, v: string): void; data: Map<string, string> } => {
    const data = new Map<string, string>();
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
  };

  it('remembers the volume across pages, within 0..1', () => {
    const prefs = memory();
    new AlarmSound(prefs).setVolume(0.8);
    expect(new AlarmSound(prefs).volume).toBe(0.8);
    new AlarmSound(prefs).setVolume(7);
    expect(new AlarmSound(prefs).volume).toBe(1);
  });

  it('is not audible before it was started, and a page that did not want sound does not start it', () => {
    const prefs = memory();
    const s = new AlarmSound(prefs);
    s.resumeIfWanted();
    expect(s.audible).toBe(false);
    expect(prefs.data.get('cityops.sound')).toBeUndefined();
  });
});
