import { describe, expect, it } from 'vitest';
import type { Submitted } from '../lib/controlRoomClient.svelte';
import { ACTION_HOLD_MS, actionPending } from './actionGuard';

const rec = (state: Submitted['state'], atMs: number): Submitted => ({ id: null, kind: 'alarm.ack', label: '', atMs, state, reason: null });

describe('action guard', () => {
  it('holds while an action is sending or pending, releases when it is done or refused', () => {
    expect(actionPending([rec('sending', 1000)], 1000)).toBe(true);
    expect(actionPending([rec('pending', 1000)], 1500)).toBe(true);
    expect(actionPending([rec('done', 1000), rec('refused', 900)], 1500)).toBe(false);
    expect(actionPending([], 0)).toBe(false);
  });

  it('an action never answered stops holding the console', () => {
    expect(actionPending([rec('pending', 1000)], 1000 + ACTION_HOLD_MS)).toBe(false);
  });
});
