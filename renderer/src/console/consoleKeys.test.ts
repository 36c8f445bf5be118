import { describe, expect, it } from 'vitest';
import { readKey, type KeyPress } from './consoleKeys';

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({ key, keyCode: 0, isComposing: false, ctrlKey: false, metaKey: false, altKey: false, ...over });

describe('console keys', () => {
  it('reads letters in either case: Shift+A and Caps Lock acknowledge like a', () => {
    expect(readKey(press('a'))).toEqual({ kind: 'command', command: 'ack' });
    expect(readKey(press('A'))).toEqual({ kind: 'command', command: 'ack' });
    expect(readKey(press('S'))).toEqual({ kind: 'command', command: 'shelve' });
    expect(readKey(press('ArrowDown'))).toEqual({ kind: 'command', command: 'down' });
    expect(readKey(press('Enter'))).toEqual({ kind: 'command', command: 'asset' });
  });

  it('a key composed by an input method is named, not taken as a command', () => {
    expect(readKey(press('Process', { keyCode: 229 }))).toEqual({ kind: 'ime' });
    expect(readKey(press('a', { isComposing: true }))).toEqual({ kind: 'ime' });
    expect(readKey(press('a', { keyCode: 229 }))).toEqual({ kind: 'ime' });
  });

  it('leaves browser shortcuts and other keys alone', () => {
    expect(readKey(press('a', { ctrlKey: true }))).toEqual({ kind: 'none' });
    expect(readKey(press('r', { metaKey: true }))).toEqual({ kind: 'none' });
    expect(readKey(press('q'))).toEqual({ kind: 'none' });
    expect(readKey(press('Shift'))).toEqual({ kind: 'none' });
  });
});
