/**
 * Every window of the app, created one way: isolated, sandboxed, without Node, loading the app's
 * own page and recovering from crashes. Electron's `BrowserWindow` comes in as an argument so a
 * test sees the options each window is made with; the preferences stay a literal at the
 * `new BrowserWindow` call, where the electronegativity scan reads them.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { recoverCrashes, type RecoverableContents } from './crashRecovery.js';
import { appPage } from './securityPolicy.js';

/** The part of Electron's `BrowserWindow` used here. */
export interface AppWindowLike {
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  loadURL(url: string): Promise<void>;
  webContents: RecoverableContents;
}

export interface AppWindowOptions {
  preload: string;
  /** The renderer's query string: `?view=console`, `?wall=2x2&display=1`. */
  query: string;
  bounds: { x?: number; y?: number; width: number; height: number };
  /** A wall display: fullscreen kiosk. */
  kiosk: boolean;
}

export function openAppWindow<W extends AppWindowLike>(BrowserWindow: new (options: BrowserWindowConstructorOptions) => W, o: AppWindowOptions, recover = recoverCrashes): W {
  const w = new BrowserWindow({
    ...o.bounds, show: false, backgroundColor: '#040d1a', fullscreen: o.kiosk, kiosk: o.kiosk, autoHideMenuBar: true,
    webPreferences: {
      preload: o.preload, contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false,
      webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false,
      // a wall is never in the foreground of anything: its timers must not be throttled
      backgroundThrottling: false, spellcheck: false,
      // a middle click must not open anything either (window.open is denied by guardContents)
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const url = appPage(o.query);
  w.once('ready-to-show', () => w.show());
  void w.loadURL(url);
  recover(w.webContents, () => void w.loadURL(url));
  return w;
}
