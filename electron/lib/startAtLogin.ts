/**
 * Start at login, on every platform the app ships for. Electron's `setLoginItemSettings` works on
 * macOS and Windows only; on Linux the desktop starts what `~/.config/autostart/*.desktop` names
 * (the XDG autostart specification). Applied when the settings are saved, not at the next start.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LoginItems {
  /** Electron's: `path` and `args` are heeded on Windows (an unpackaged app is Electron's binary started with the app's folder). */
  setLoginItemSettings(settings: { openAtLogin: boolean; path?: string; args?: string[] }): void;
}

export interface StartAtLoginTarget {
  platform: NodeJS.Platform;
  /** The program to start: the AppImage's own path ($APPIMAGE) when run from one, else the executable. */
  exec: string;
  /**
   * What the program needs after it: nothing for a packaged app; the app's folder when it runs
   * unpackaged (`npm start`), where the program is Electron's own binary, which alone would start
   * Electron's default app, not this one.
   */
  args: readonly string[];
  /** `$XDG_CONFIG_HOME/autostart`, by default `~/.config/autostart`. */
  autostartDir: string;
  loginItems: LoginItems;
}

export const AUTOSTART_FILE = 'cityops.desktop';

/** A .desktop Exec argument, quoted as the specification asks. */
function quoteExec(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(exec: string, args: readonly string[] = []): string {
  const command = [exec, ...args].map(quoteExec).join(' ');
  return ['[Desktop Entry]', 'Type=Application', 'Name=cityops', 'Comment=City operations (starts at login)', `Exec=${command}`, 'Terminal=false', 'X-GNOME-Autostart-enabled=true', ''].join('\n');
}

export function applyStartAtLogin(enabled: boolean, t: StartAtLoginTarget): void {
  if (t.platform !== 'linux') {
    t.loginItems.setLoginItemSettings(t.args.length === 0 ? { openAtLogin: enabled } : { openAtLogin: enabled, path: t.exec, args: [...t.args] });
    return;
  }
  const file = join(t.autostartDir, AUTOSTART_FILE);
  if (!enabled) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(t.autostartDir, { recursive: true });
  writeFileSync(file, autostartEntry(t.exec, t.args), { mode: 0o644 });
}

/** Where Linux autostart entries go, from the environment. */
export function autostartDir(env: Record<string, string | undefined>, home: string): string {
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'autostart');
}
