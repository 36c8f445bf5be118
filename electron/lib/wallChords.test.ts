import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handleWallChords, oneWindow, trayIconPath, wallChord, type KeyInput, type WallAction } from './wallChords.js';

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ type: 'keyDown', key: k, control: true, alt: true, shift: true, meta: false, ...mods });

describe('the key chords of a wall window', () => {
  it('Ctrl+Alt+Shift+S, C and Q: settings, console, quit; nothing else', () => {
    expect([wallChord(key('S')), wallChord(key('c')), wallChord(key('Q'))]).toEqual(['settings', 'console', 'quit']);
    expect(wallChord(key('S', { shift: false }))).toBeNull();
    expect(wallChord(key('S', { alt: false }))).toBeNull();
    expect(wallChord(key('S', { meta: true }))).toBeNull();
    expect(wallChord(key('S', { type: 'keyUp' }))).toBeNull();
    expect(wallChord(key('I'))).toBeNull();
  });

  it('acts on the chord and keeps it from the page; lets every other key through', () => {
    const wc = new EventEmitter();
    const acted: WallAction[] = [];
    handleWallChords(wc, (a) => acted.push(a));
    const press = (input: KeyInput): boolean => {
      let prevented = false;
      wc.emit('before-input-event', { preventDefault: () => void (prevented = true) }, input);
      return prevented;
    };
    expect(press(key('S'))).toBe(true);
    expect(press(key('a'))).toBe(false);
    expect(press(key('F5', { control: false, alt: false, shift: false }))).toBe(false);
    expect(acted).toEqual(['settings']);
  });
});

describe('the tray icon', () => {
  it('comes from the packed resources in a packaged app, from build/ otherwise', () => {
    expect(trayIconPath(true, '/opt/cityops/resources', '/x', join)).toBe('/opt/cityops/resources/icons/icon.png');
    expect(trayIconPath(false, '/ignored', '/work/main', join)).toBe('/work/main/build/icons/icon.png');
  });
});

describe('a window opened from a chord or the tray', () => {
  it('is brought to the front when open (pressing the chord twice opens one), opened again once closed', () => {
    const made: { destroyed: boolean; focused: number; isDestroyed(): boolean; focus(): void }[] = [];
    const open = oneWindow(() => {
      const w = { destroyed: false, focused: 0, isDestroyed(): boolean { return this.destroyed; }, focus(): void { this.focused++; } };
      made.push(w);
      return w;
    });
    open();
    open();
    expect(made).toHaveLength(1);
    expect(made[0]?.focused).toBe(1);
    (made[0] as { destroyed: boolean }).destroyed = true;
    open();
    expect(made).toHaveLength(2);
  });
});
