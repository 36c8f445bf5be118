import { describe, expect, it } from 'vitest';
import { readReplayKey, type ReplayKeyPress } from './replayKeys';

const press = (key: string, extra: Partial<ReplayKeyPress> = {}): ReplayKeyPress => ({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, isComposing: false, ...extra });

describe('replay keys', () => {
  it('opens the replay with B where it may be opened, in either case', () => {
    expect(readReplayKey(press('b'), false, true)).toEqual({ kind: 'enter' });
    expect(readReplayKey(press('B', { shiftKey: true }), false, true)).toEqual({ kind: 'enter' });
    expect(readReplayKey(press('b'), false, false)).toBeNull();
  });

  it('reads no replay key but B while the replay is closed', () => {
    for (const k of [' ', 'ArrowLeft', 'n', 'l', '+']) expect(readReplayKey(press(k), false, true)).toBeNull();
  });

  it('plays, steps a second or a minute, jumps between alarms, changes speed and returns to live', () => {
    expect(readReplayKey(press(' '), true, true)).toEqual({ kind: 'play' });
    expect(readReplayKey(press('ArrowLeft'), true, true)).toEqual({ kind: 'step', ms: -1000 });
    expect(readReplayKey(press('ArrowRight', { shiftKey: true }), true, true)).toEqual({ kind: 'step', ms: 60_000 });
    expect(readReplayKey(press('ArrowLeft', { shiftKey: true }), true, true)).toEqual({ kind: 'step', ms: -60_000 });
    expect(readReplayKey(press('N', { shiftKey: true }), true, true)).toEqual({ kind: 'jump', dir: 1 });
    expect(readReplayKey(press('p'), true, true)).toEqual({ kind: 'jump', dir: -1 });
    expect(readReplayKey(press('+', { shiftKey: true }), true, true)).toEqual({ kind: 'speed', dir: 1 });
    expect(readReplayKey(press('-'), true, true)).toEqual({ kind: 'speed', dir: -1 });
    expect(readReplayKey(press('L'), true, true)).toEqual({ kind: 'live' });
    expect(readReplayKey(press('Home'), true, true)).toEqual({ kind: 'edge', to: 'start' });
    expect(readReplayKey(press('End'), true, true)).toEqual({ kind: 'edge', to: 'end' });
  });

  it('leaves browser shortcuts and a composing input method alone', () => {
    expect(readReplayKey(press('l', { ctrlKey: true }), true, true)).toBeNull();
    expect(readReplayKey(press('b', { metaKey: true }), false, true)).toBeNull();
    expect(readReplayKey(press('n', { isComposing: true }), true, true)).toBeNull();
  });
});
