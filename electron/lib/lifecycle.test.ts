import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { claimSingleInstance, quitAfterEngine } from './lifecycle.js';

describe('the single instance', () => {
  const fakeApp = (locked: boolean): { calls: string[]; requestSingleInstanceLock(): boolean; exit(code?: number): void; quit(): void } => {
    const calls: string[] = [];
    return {
      calls,
      requestSingleInstanceLock: () => locked,
      exit: (code) => void calls.push(`exit ${code}`),
      quit: () => void calls.push('quit'),
    };
  };

  it('a second instance exits at once (never the asynchronous quit) and goes no further', () => {
    const app = fakeApp(false);
    expect(claimSingleInstance(app)).toBe(false);
    expect(app.calls).toEqual(['exit 0']);
  });

  it('the first instance holds the lock and carries on', () => {
    const app = fakeApp(true);
    expect(claimSingleInstance(app)).toBe(true);
    expect(app.calls).toEqual([]);
  });
});

class FakeApp extends EventEmitter {
  quits = 0;
  quitted = false;
  /** What Electron does: 'before-quit', and the app quits unless a listener prevented it. */
  quit(): void {
    this.quits++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => void (prevented = true) });
    if (!prevented) this.quitted = true;
  }
}

describe('quitting', () => {
  it('holds the quit until the engine has stopped, then quits once', async () => {
    const app = new FakeApp();
    let finish: (how: string) => void = () => undefined;
    let stops = 0;
    quitAfterEngine(app, () => {
      stops++;
      return new Promise((r) => (finish = r));
    }, () => undefined);
    app.quit();
    app.quit();
    expect([stops, app.quitted]).toEqual([1, false]);
    finish('exited');
    await new Promise((r) => setTimeout(r, 0));
    expect(app.quitted).toBe(true);
    expect(stops).toBe(1);
  });

  it('quits anyway when the engine outlives its bound, saying so', async () => {
    const app = new FakeApp();
    const logged: string[] = [];
    quitAfterEngine(app, () => Promise.resolve('timeout'), (l) => logged.push(l));
    app.quit();
    await new Promise((r) => setTimeout(r, 0));
    expect(app.quitted).toBe(true);
    expect(logged.join()).toMatch(/did not stop in time/);
  });
});
