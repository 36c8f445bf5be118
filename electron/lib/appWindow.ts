/**
 * Every window of the app, created one way: isolated, sandboxed, without Node, loading the app's
 * own page and recovering from crashes. Electron's `BrowserWindow` comes in as an argument so a
 * test sees the options each window is made with; the preferences stay a literal at the
 * `new BrowserWindow` call, where the electronegativity scan reads them.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { systemClock, type Clock } from './clock.js';
import { recoverCrashes, type RecoverableContents, type Recovery } from './crashRecovery.js';
import { appPage } from './securityPolicy.js';
import { placeOnDisplay, type PlaceableWindow } from './wallPlacement.js';

/** A page that failed to load (the engine's protocol not answering yet, a transient error) is tried again after this. */
export const LOAD_RETRY_MS = 5_000;

/** The part of Electron's `BrowserWindow` used here. */
export interface AppWindowLike extends PlaceableWindow {
  once(event: 'ready-to-show', listener: () => void): unknown;
  once(event: 'closed', listener: () => void): unknown;
  loadURL(url: string): Promise<void>;
  webContents: RecoverableContents;
}

export interface AppWindowOptions {
  preload: string;
  /** The renderer's query string: `?view=console`, `?wall=2x2&display=1`. */
  query: string;
  bounds: { x?: number; y?: number; width: number; height: number };
  /** A wall display: made at its bounds, then placed there, shown and put in kiosk once ready. */
  kiosk: boolean;
  /** DevTools (Ctrl+Shift+I) only where the app runs unpackaged (`!app.isPackaged`); never on a packaged wall. */
  devTools?: boolean;
}

export interface AppWindowDeps {
  recover?: (wc: RecoverableContents, reload: () => void, clock: Clock) => Recovery;
  clock?: Clock;
  log?: (line: string) => void;
}

export function openAppWindow<W extends AppWindowLike>(BrowserWindow: new (options: BrowserWindowConstructorOptions) => W, o: AppWindowOptions, deps: AppWindowDeps = {}): W {
  const { recover = recoverCrashes, clock = systemClock, log = console.error } = deps;
  const w = new BrowserWindow({
    // a wall window is fullscreen through kiosk once placed (placeOnDisplay), not at construction
    ...o.bounds, show: false, backgroundColor: '#040d1a', fullscreen: false, kiosk: false, autoHideMenuBar: true,
    webPreferences: {
      preload: o.preload, contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false,
      webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false,
      // a wall is never in the foreground of anything: its timers must not be throttled
      backgroundThrottling: false, spellcheck: false,
      // a middle click must not open anything either (window.open is denied by guardContents)
      disableBlinkFeatures: 'Auxclick',
      devTools: o.devTools === true,
    },
  });
  const url = appPage(o.query);
  let retry: { cancel(): void } | null = null;
  // every (re)load goes through here: never on a destroyed window, a failure logged and tried again
  const load = (): void => {
    if (w.isDestroyed()) return;
    w.loadURL(url).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      log(`cityops: loading ${url} failed: ${message}`);
      // ERR_ABORTED: another load replaced this one, nothing to retry
      if (w.isDestroyed() || /ERR_ABORTED/.test(message)) return;
      retry?.cancel();
      retry = clock.later(() => {
        retry = null;
        load();
      }, LOAD_RETRY_MS);
    });
  };
  const { x, y } = o.bounds;
  let placing: { cancel(): void } | null = null;
  if (o.kiosk && x !== undefined && y !== undefined) placing = placeOnDisplay(w, { x, y, width: o.bounds.width, height: o.bounds.height }, o.query, clock, log);
  else w.once('ready-to-show', () => w.show());
  load();
  const recovery = recover(w.webContents, load, clock);
  w.once('closed', () => {
    recovery.stop();
    placing?.cancel();
    retry?.cancel();
    retry = null;
  });
  return w;
}
