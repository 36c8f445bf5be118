import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyStartAtLogin, AUTOSTART_FILE, autostartDir } from './startAtLogin.js';

const home = mkdtempSync(join(tmpdir(), 'cityops-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('start at login', () => {
  it('on Linux writes an XDG autostart entry starting the app, and removes it when turned off', () => {
    const calls: unknown[] = [];
    const dir = autostartDir({}, home);
    expect(dir).toBe(join(home, '.config', 'autostart'));
    const target = { platform: 'linux' as const, exec: '/home/ops/Apps/cityops 0.1.0.AppImage', autostartDir: dir, loginItems: { setLoginItemSettings: (s: unknown) => void calls.push(s) } };
    applyStartAtLogin(true, target);
    const entry = readFileSync(join(dir, AUTOSTART_FILE), 'utf8');
    expect(entry).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(entry).toContain('Exec="/home/ops/Apps/cityops 0.1.0.AppImage"\n');
    applyStartAtLogin(false, target);
    expect(existsSync(join(dir, AUTOSTART_FILE))).toBe(false);
    applyStartAtLogin(false, target);
    expect(calls).toEqual([]);
  });

  it('follows XDG_CONFIG_HOME', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/srv/cfg' }, home)).toBe('/srv/cfg/autostart');
  });

  it('on Windows and macOS asks Electron\'s login items', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const calls: unknown[] = [];
      applyStartAtLogin(true, { platform, exec: 'x', autostartDir: join(home, 'never'), loginItems: { setLoginItemSettings: (s) => void calls.push(s) } });
      expect(calls).toEqual([{ openAtLogin: true }]);
      expect(existsSync(join(home, 'never'))).toBe(false);
    }
  });
});
