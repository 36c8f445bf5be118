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
    const target = { platform: 'linux' as const, exec: '/home/ops/Apps/cityops 0.1.0.AppImage', args: [], autostartDir: dir, loginItems: { setLoginItemSettings: (s: unknown) => void calls.push(s) } };
    applyStartAtLogin(true, target);
    const entry = readFileSync(join(dir, AUTOSTART_FILE), 'utf8');
    expect(entry).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(entry).toContain('Exec="/home/ops/Apps/cityops 0.1.0.AppImage"\n');
    applyStartAtLogin(false, target);
    expect(existsSync(join(dir, AUTOSTART_FILE))).toBe(false);
    applyStartAtLogin(false, target);
    expect(calls).toEqual([]);
  });

  it('unpackaged (npm start), starts Electron\'s binary with the app\'s folder, not the bare binary', () => {
    const dir = join(home, 'dev', 'autostart');
    const calls: unknown[] = [];
    const loginItems = { setLoginItemSettings: (s: unknown) => void calls.push(s) };
    applyStartAtLogin(true, { platform: 'linux', exec: '/src/cityops/node_modules/electron/dist/electron', args: ['/src/my city/cityops'], autostartDir: dir, loginItems });
    expect(readFileSync(join(dir, AUTOSTART_FILE), 'utf8')).toContain('Exec=/src/cityops/node_modules/electron/dist/electron "/src/my city/cityops"\n');
    applyStartAtLogin(true, { platform: 'win32', exec: 'C:\\dev\\electron.exe', args: ['C:\\dev\\cityops'], autostartDir: dir, loginItems });
    expect(calls).toEqual([{ openAtLogin: true, path: 'C:\\dev\\electron.exe', args: ['C:\\dev\\cityops'] }]);
  });

  it('follows XDG_CONFIG_HOME', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/srv/cfg' }, home)).toBe('/srv/cfg/autostart');
  });

  it('on Windows and macOS asks Electron\'s login items', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const calls: unknown[] = [];
      applyStartAtLogin(true, { platform, exec: 'x', args: [], autostartDir: join(home, 'never'), loginItems: { setLoginItemSettings: (s) => void calls.push(s) } });
      expect(calls).toEqual([{ openAtLogin: true }]);
      expect(existsSync(join(home, 'never'))).toBe(false);
    }
  });
});
