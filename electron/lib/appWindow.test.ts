import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { openAppWindow } from './appWindow.js';
import type { RecoverableContents } from './crashRecovery.js';

/** Stands in for Electron's BrowserWindow: records how it was made and what it loaded. */
class FakeWindow extends EventEmitter {
  static made: FakeWindow[] = [];
  readonly loaded: string[] = [];
  shown = false;
  readonly webContents = Object.assign(new EventEmitter(), { forcefullyCrashRenderer: () => undefined });
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeWindow.made.push(this);
  }
  show(): void {
    this.shown = true;
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
}

describe('every window of the app', () => {
  it('is isolated and sandboxed, without Node, webviews or insecure content, with the preload given', () => {
    const w = openAppWindow(FakeWindow, { preload: '/app/dist/electron/preload.cjs', query: '?view=console', bounds: { width: 1600, height: 1000 }, kiosk: false });
    expect(w.options.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, disableBlinkFeatures: 'Auxclick',
    });
    expect(w.options).toMatchObject({ width: 1600, height: 1000, show: false, kiosk: false, fullscreen: false });
  });

  it('loads the app\'s own page (never file://) and shows itself once ready', () => {
    const w = openAppWindow(FakeWindow, { preload: 'p', query: '?wall=2x2&display=1', bounds: { x: 1920, y: 0, width: 1920, height: 1080 }, kiosk: true });
    expect(w.loaded).toEqual(['cityops://app/index.html?wall=2x2&display=1']);
    expect(w.options).toMatchObject({ x: 1920, kiosk: true, fullscreen: true });
    expect(w.shown).toBe(false);
    w.emit('ready-to-show');
    expect(w.shown).toBe(true);
  });

  it('hands its contents to crash recovery, which reloads the same page', () => {
    const given: { reload?: () => void } = {};
    const recover = (_wc: RecoverableContents, reload: () => void): void => void (given.reload = reload);
    const w = openAppWindow(FakeWindow, { preload: 'p', query: '?view=settings', bounds: { width: 720, height: 640 }, kiosk: false }, recover);
    given.reload?.();
    expect(w.loaded).toEqual(['cityops://app/index.html?view=settings', 'cityops://app/index.html?view=settings']);
  });
});
