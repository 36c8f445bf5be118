import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { LOAD_RETRY_MS, openAppWindow } from './appWindow.js';
import type { RecoverableContents } from './crashRecovery.js';
import { ManualClock } from './testing/manualClock.js';

/** Stands in for Electron's BrowserWindow: records how it was made and what it loaded. */
class FakeWindow extends EventEmitter {
  static made: FakeWindow[] = [];
  /** What the next loads answer (a rejection: Electron's loadURL rejecting, ERR_FAILED and the like). */
  static failNext: Error[] = [];
  readonly loaded: string[] = [];
  /** What was done to the window, in order. */
  readonly calls: string[] = [];
  shown = false;
  destroyed = false;
  /** Where the window manager put it (a Wayland compositor ignores the position asked). */
  bounds = { x: 0, y: 0, width: 800, height: 600 };
  ignoresPosition = false;
  readonly webContents = Object.assign(new EventEmitter(), {
    forcefullyCrashRenderer: (): void => void this.webContents.emit('render-process-gone', {}, { reason: 'killed' }),
  });
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeWindow.made.push(this);
  }
  show(): void {
    this.shown = true;
    this.calls.push('show');
  }
  setBounds(b: { x: number; y: number; width: number; height: number }): void {
    this.bounds = this.ignoresPosition ? { ...b, x: 0, y: 0 } : { ...b };
    this.calls.push(`setBounds ${b.x},${b.y}`);
  }
  getBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds };
  }
  setKiosk(flag: boolean): void {
    this.calls.push(`setKiosk ${flag}`);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Alt+F4, or destroy(): Electron emits 'closed', and the window is destroyed. */
  close(): void {
    this.destroyed = true;
    this.emit('closed');
  }
  loadURL(url: string): Promise<void> {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
    this.loaded.push(url);
    const failure = FakeWindow.failNext.shift();
    return failure ? Promise.reject(failure) : Promise.resolve();
  }
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('every window of the app', () => {
  it('is isolated and sandboxed, without Node, webviews or insecure content, with the preload given', () => {
    const w = openAppWindow(FakeWindow, { preload: '/app/dist/electron/preload.cjs', query: '?view=console', bounds: { width: 1600, height: 1000 }, kiosk: false });
    expect(w.options.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, disableBlinkFeatures: 'Auxclick',
    });
    expect(w.options).toMatchObject({ width: 1600, height: 1000, show: false, kiosk: false, fullscreen: false });
  });

  it('has no DevTools (Ctrl+Shift+I) unless told it runs unpackaged', () => {
    const open = (devTools?: boolean): FakeWindow => openAppWindow(FakeWindow, { preload: 'p', query: '?wall=1x1&display=0', bounds: { width: 1, height: 1 }, kiosk: true, ...(devTools === undefined ? {} : { devTools }) });
    expect(open().options.webPreferences?.devTools).toBe(false);
    expect(open(false).options.webPreferences?.devTools).toBe(false);
    expect(open(true).options.webPreferences?.devTools).toBe(true);
  });

  it('loads the app\'s own page (never file://) and shows itself once ready', () => {
    const w = openAppWindow(FakeWindow, { preload: 'p', query: '?wall=2x2&display=1', bounds: { x: 1920, y: 0, width: 1920, height: 1080 }, kiosk: true });
    expect(w.loaded).toEqual(['cityops://app/index.html?wall=2x2&display=1']);
    expect(w.shown).toBe(false);
    w.emit('ready-to-show');
    expect(w.shown).toBe(true);
  });

  it('hands its contents to crash recovery, which reloads the same page', () => {
    const given: { reload?: () => void } = {};
    const recover = (_wc: RecoverableContents, reload: () => void): { stop(): void } => {
      given.reload = reload;
      return { stop: () => undefined };
    };
    const w = openAppWindow(FakeWindow, { preload: 'p', query: '?view=settings', bounds: { width: 720, height: 640 }, kiosk: false }, { recover });
    given.reload?.();
    expect(w.loaded).toEqual(['cityops://app/index.html?view=settings', 'cityops://app/index.html?view=settings']);
  });
});

describe('a window\'s timers and loads outliving it', () => {
  it('catches a failed load, logs it and tries again, but not once the window is closed', async () => {
    const clock = new ManualClock();
    const logged: string[] = [];
    FakeWindow.failNext = [new Error('ERR_FAILED (-2) loading cityops://app/index.html'), new Error('ERR_FAILED (-2)')];
    const w = openAppWindow(FakeWindow, { preload: 'p', query: '?wall=2x2&display=0', bounds: { width: 1920, height: 1080 }, kiosk: true }, { clock, log: (l) => logged.push(l) });
    await settle();
    expect(logged).toHaveLength(1);
    clock.advance(LOAD_RETRY_MS);
    await settle();
    expect(w.loaded).toHaveLength(2);
    expect(logged).toHaveLength(2);
    w.close();
    expect(() => clock.advance(LOAD_RETRY_MS * 10)).not.toThrow();
    expect(w.loaded).toHaveLength(2);
    expect(clock.pending()).toBe(0);
  });

  it('does not retry a load another load replaced (ERR_ABORTED)', async () => {
    const clock = new ManualClock();
    FakeWindow.failNext = [new Error('ERR_ABORTED (-3) loading cityops://app/index.html')];
    const w = openAppWindow(FakeWindow, { preload: 'p', query: '?view=console', bounds: { width: 1, height: 1 }, kiosk: false }, { clock, log: () => undefined });
    await settle();
    clock.advance(LOAD_RETRY_MS * 2);
    expect(w.loaded).toHaveLength(1);
  });

  it('a crash reload or hang timer pending when the window goes (a display change) does nothing', () => {
    const clock = new ManualClock();
    const w = openAppWindow(FakeWindow, { preload: 'p', query: '?wall=2x2&display=3', bounds: { width: 1920, height: 1080 }, kiosk: true }, { clock });
    w.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    clock.advance(0);
    w.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    w.webContents.emit('unresponsive');
    w.close();
    expect(() => clock.advance(60_000)).not.toThrow();
    expect(w.loaded).toHaveLength(2);
    expect(clock.pending()).toBe(0);
  });

  it('a hung renderer is crashed and reloaded once', () => {
    const clock = new ManualClock();
    const w = openAppWindow(FakeWindow, { preload: 'p', query: '?wall=2x2&display=2', bounds: { width: 1920, height: 1080 }, kiosk: true }, { clock });
    w.webContents.emit('unresponsive');
    clock.advance(60_000);
    expect(w.loaded).toHaveLength(2);
  });
});

describe('a wall window on its display', () => {
  const display = { x: 1920, y: 1080, width: 1920, height: 1080 };

  it('is made at its display\'s bounds without fullscreen, then once ready placed, shown and put in kiosk, in that order', () => {
    const clock = new ManualClock();
    const logged: string[] = [];
    const w = openAppWindow(FakeWindow, { preload: 'p', query: '?wall=2x2&display=3', bounds: display, kiosk: true }, { clock, log: (l) => logged.push(l) });
    expect(w.options).toMatchObject({ ...display, show: false, fullscreen: false, kiosk: false });
    expect(w.calls).toEqual([]);
    w.emit('ready-to-show');
    expect(w.calls).toEqual(['setBounds 1920,1080', 'show', 'setKiosk true']);
    clock.advance(60_000);
    expect(logged).toEqual([]);
  });

  it('logs a window that did not land on its display (a Wayland compositor placing it on the active screen)', () => {
    const clock = new ManualClock();
    const logged: string[] = [];
    const w = openAppWindow(FakeWindow, { preload: 'p', query: '?wall=2x2&display=3', bounds: display, kiosk: true }, { clock, log: (l) => logged.push(l) });
    w.ignoresPosition = true;
    w.emit('ready-to-show');
    clock.advance(60_000);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/\?wall=2x2&display=3 is at 0,0 1920x1080, not on its display at 1920,1080.*--ozone-platform=x11/);
  });

  it('checks nothing for a window closed before the check', () => {
    const clock = new ManualClock();
    const logged: string[] = [];
    const w = openAppWindow(FakeWindow, { preload: 'p', query: '?wall=2x2&display=0', bounds: display, kiosk: true }, { clock, log: (l) => logged.push(l) });
    w.ignoresPosition = true;
    w.emit('ready-to-show');
    w.close();
    clock.advance(60_000);
    expect([logged, clock.pending()]).toEqual([[], 0]);
  });
});
