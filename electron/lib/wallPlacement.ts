/**
 * Putting each wall window on its own display, on Linux too. Since Electron 38 a Wayland session
 * runs Electron as a Wayland client, and Wayland ignores window positions: every window opens on
 * the active screen (electron#48833, #48749, #40886). A wall therefore runs on X11 (XWayland under a
 * Wayland session) — `--ozone-platform=x11` from the launcher, or a relaunch with it when the wall
 * mode comes from the settings — and each window is made at its display's bounds, then on
 * 'ready-to-show' placed again, shown, and put in kiosk (fullscreen applies to whichever display the
 * window is on, and `fullscreen` at construction with `show: false` is unreliable). Whether it
 * landed is checked and logged.
 */
import type { Clock } from './clock.js';

export const OZONE_X11 = '--ozone-platform=x11';
/** How long after showing a window its position is checked (kiosk is applied asynchronously by the window manager). */
export const LANDING_CHECK_MS = 2_000;

type Env = Record<string, string | undefined>;

/** Whether this Linux session would make Electron a Wayland client (the Electron 38+ rule). */
export function waylandSession(env: Env): boolean {
  return env['XDG_SESSION_TYPE'] === 'wayland' || (env['XDG_SESSION_TYPE'] === undefined && Boolean(env['WAYLAND_DISPLAY']));
}

/** The Electron arguments the launcher passes: a wall on Linux runs on X11. */
export function electronArgs(platform: NodeJS.Platform, args: readonly string[]): string[] {
  const wall = args.includes('--wall');
  return platform === 'linux' && wall && !args.some((a) => a.startsWith('--ozone-platform')) ? [OZONE_X11, ...args] : [...args];
}

/**
 * A wall (from the settings, started by the .desktop entry) in a Wayland session without the X11
 * switch: the arguments to relaunch with (the switch must be on the command line: the platform is
 * chosen before any of the app's code runs). Null: run as is — not Linux, not a wall, already on
 * X11, or no X server (XWayland) to run on, which `warn` reports.
 */
export function x11Relaunch(platform: NodeJS.Platform, wall: boolean, execPath: string, argv: readonly string[], env: Env, warn: (line: string) => void = console.error): { execPath: string; args: string[] } | null {
  if (platform !== 'linux' || !wall || argv.some((a) => a.startsWith('--ozone-platform')) || !waylandSession(env)) return null;
  if (!env['DISPLAY']) {
    warn('cityops: a Wayland session without XWayland (no DISPLAY): wall windows may all open on one display');
    return null;
  }
  // from an AppImage, the AppImage itself: the executable's mount goes away with this process
  return { execPath: env['APPIMAGE'] || execPath, args: [...argv, OZONE_X11] };
}

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The part of Electron's `BrowserWindow` the placement uses. */
export interface PlaceableWindow {
  once(event: 'ready-to-show', listener: () => void): unknown;
  setBounds(bounds: Bounds): void;
  getBounds(): Bounds;
  show(): void;
  setKiosk(flag: boolean): void;
  isDestroyed(): boolean;
}

/** The window covers its display: its centre lies inside the display's bounds. */
export function landedOn(actual: Bounds, display: Bounds): boolean {
  const cx = actual.x + actual.width / 2;
  const cy = actual.y + actual.height / 2;
  return cx >= display.x && cx < display.x + display.width && cy >= display.y && cy < display.y + display.height;
}

/** On 'ready-to-show': bounds, show, kiosk, in that order; then the landing checked and logged when wrong. */
export function placeOnDisplay(w: PlaceableWindow, display: Bounds, what: string, clock: Clock, log: (line: string) => void): { cancel(): void } {
  let check: { cancel(): void } | null = null;
  w.once('ready-to-show', () => {
    if (w.isDestroyed()) return;
    w.setBounds(display);
    w.show();
    w.setKiosk(true);
    check = clock.later(() => {
      check = null;
      if (w.isDestroyed()) return;
      const b = w.getBounds();
      if (!landedOn(b, display)) {
        log(`cityops: wall window ${what} is at ${b.x},${b.y} ${b.width}x${b.height}, not on its display at ${display.x},${display.y} ${display.width}x${display.height} (a Wayland session? run the wall with ${OZONE_X11})`);
      }
    }, LANDING_CHECK_MS);
  });
  return { cancel: () => check?.cancel() };
}
