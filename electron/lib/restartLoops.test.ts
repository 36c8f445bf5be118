import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WallConfigSchema } from '../../analytics/common/wallConfig.js';
import { RestartPolicy } from './crashPolicy.js';
import { recoverCrashes, UNRESPONSIVE_RELOAD_MS } from './crashRecovery.js';
import { EngineSupervisor, type EngineChild } from './engineSupervisor.js';
import { ManualClock } from './testing/manualClock.js';
import { REOPEN_MS, REPLAN_SETTLE_MS, WallWindows } from './wallWindows.js';
import type { PhysicalDisplay } from './windowPlanner.js';

class FakeChild extends EventEmitter implements EngineChild {
  killed = 0;
  readonly messages: unknown[] = [];
  postMessage(message: unknown): void {
    // as Electron's: a structured clone of what is sent
    this.messages.push(structuredClone(message));
  }
  readonly stdout = new EventEmitter() as unknown as NodeJS.ReadableStream;
  readonly stderr = new EventEmitter() as unknown as NodeJS.ReadableStream;
  kill(): boolean {
    this.killed++;
    return true;
  }
}

describe('the engine supervisor', () => {
  const setup = (): { clock: ManualClock; children: FakeChild[]; sup: EngineSupervisor; log: string[] } => {
    const clock = new ManualClock();
    const children: FakeChild[] = [];
    const log: string[] = [];
    const policy = new RestartPolicy({ firstDelayMs: 250, maxDelayMs: 4000, stableMs: 60_000, loopAfter: 3 });
    const sup = new EngineSupervisor(() => {
      const c = new FakeChild();
      children.push(c);
      return c;
    }, clock, policy, { write: (c) => void log.push(String(c)) });
    return { clock, children, sup, log };
  };

  it('is running once the process spawns, and restarts it at once after its first exit', () => {
    const { clock, children, sup } = setup();
    sup.start();
    expect(sup.status()).toEqual({ state: 'starting', restarts: 0, crashLoop: false });
    children[0]?.emit('spawn');
    expect(sup.status().state).toBe('running');
    clock.advance(120_000);
    children[0]?.emit('exit', 1);
    expect(sup.status()).toEqual({ state: 'restarting', restarts: 1, crashLoop: false });
    clock.advance(0);
    expect(children).toHaveLength(2);
    children[1]?.emit('spawn');
    expect(sup.status()).toEqual({ state: 'running', restarts: 1, crashLoop: false });
  });

  it('backs off while the engine keeps dying, reports a crash loop, and never gives up', () => {
    const { clock, children, sup } = setup();
    sup.start();
    const crash = (): void => void children.at(-1)?.emit('exit', 1);
    crash();
    clock.advance(0);
    crash();
    clock.advance(249);
    expect(children).toHaveLength(2);
    clock.advance(1);
    expect(children).toHaveLength(3);
    crash();
    expect(sup.status()).toMatchObject({ restarts: 3, crashLoop: true });
    clock.advance(500);
    expect(children).toHaveLength(4);
  });

  it('stops for good on quit: the exit it causes is not a crash, and a late event of an old process is ignored', () => {
    const { clock, children, sup } = setup();
    sup.start();
    children[0]?.emit('exit', 1);
    clock.advance(0);
    children[0]?.emit('exit', 1);
    expect(sup.status().restarts).toBe(1);
    void sup.stop();
    expect(children[1]?.messages).toEqual([{ type: 'cityops:stop' }]);
    children[1]?.emit('exit', 0);
    clock.advance(60_000);
    expect(children).toHaveLength(2);
    expect(sup.status()).toMatchObject({ state: 'stopped', restarts: 1 });
  });
});

describe('the engine supervisor, what the engine says and how it ends', () => {
  const setup = (): { clock: ManualClock; children: FakeChild[]; sup: EngineSupervisor; log: string[] } => {
    const clock = new ManualClock();
    const children: FakeChild[] = [];
    const log: string[] = [];
    const sup = new EngineSupervisor(() => {
      const c = new FakeChild();
      children.push(c);
      return c;
    }, clock, new RestartPolicy(), { write: (c) => void log.push(String(c)) });
    return { clock, children, sup, log };
  };

  it('listens to the fatal error the utility process emits before its exit (unheard, it throws), logs it, and restarts', () => {
    const { clock, children, sup, log } = setup();
    sup.start();
    expect(() => children[0]?.emit('error', 'FatalError', 'v8::internal::Heap', '{"header":"out of memory"}')).not.toThrow();
    children[0]?.emit('exit', 134);
    clock.advance(0);
    expect(children).toHaveLength(2);
    expect(log.join('')).toMatch(/engine FatalError at v8::internal::Heap\n\{"header":"out of memory"\}\n[\s\S]*engine exited with code 134/);
  });

  it('writes the engine\'s output, both streams, to its log', () => {
    const { children, sup, log } = setup();
    sup.start();
    children[0]?.stdout.emit('data', Buffer.from('serving on 127.0.0.1:5123\n'));
    children[0]?.stderr.emit('data', Buffer.from('nats: connection refused\n'));
    expect(log.slice(1)).toEqual(['serving on 127.0.0.1:5123\n', 'nats: connection refused\n']);
  });

  it('on quit asks the engine by message (Windows has no graceful signal) to stop once and waits for its exit (it closes its database), ending nothing and restarting nothing', async () => {
    const { clock, children, sup } = setup();
    sup.start();
    children[0]?.emit('spawn');
    const stopped = sup.stop(12_000);
    const again = sup.stop(12_000);
    expect(children[0]?.messages).toEqual([{ type: 'cityops:stop' }]);
    expect(children[0]?.killed).toBe(0);
    clock.advance(5_000);
    children[0]?.emit('exit', 0);
    expect(await stopped).toBe('exited');
    expect(await again).toBe('exited');
    clock.advance(60_000);
    expect(children).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  it('ends the engine after its bound when the stop message was not obeyed, and does not wait for an engine already gone', async () => {
    const { clock, children, sup, log } = setup();
    sup.start();
    const stopped = sup.stop(12_000);
    clock.advance(11_999);
    let answered = false;
    void stopped.then(() => (answered = true));
    await Promise.resolve();
    expect(answered).toBe(false);
    expect(children[0]?.killed).toBe(0);
    clock.advance(1);
    expect(await stopped).toBe('timeout');
    expect(children[0]?.killed).toBe(1);
    expect(log.join('')).toMatch(/engine did not stop within 12000 ms: ended/);
    const gone = setup();
    gone.sup.start();
    gone.children[0]?.emit('exit', 1);
    expect(await gone.sup.stop()).toBe('exited');
    gone.clock.advance(60_000);
    expect(gone.children).toHaveLength(1);
  });
});

class FakeContents extends EventEmitter {
  crashedByUs = 0;
  /** As Electron's: the renderer is killed, and 'render-process-gone' says so. */
  forcefullyCrashRenderer(): void {
    this.crashedByUs++;
    this.emit('render-process-gone', {}, { reason: 'killed' });
  }
}

describe('renderer crash recovery', () => {
  it('reloads a crashed renderer, backing off while it keeps crashing, but not one that exited cleanly', () => {
    const clock = new ManualClock();
    const wc = new FakeContents();
    let reloads = 0;
    recoverCrashes(wc, () => reloads++, clock, new RestartPolicy({ firstDelayMs: 250, maxDelayMs: 4000, stableMs: 60_000, loopAfter: 5 }));
    wc.emit('render-process-gone', {}, { reason: 'clean-exit' });
    clock.advance(10_000);
    expect(reloads).toBe(0);
    wc.emit('render-process-gone', {}, { reason: 'crashed' });
    clock.advance(0);
    expect(reloads).toBe(1);
    wc.emit('render-process-gone', {}, { reason: 'oom' });
    clock.advance(249);
    expect(reloads).toBe(1);
    clock.advance(1);
    expect(reloads).toBe(2);
  });

  it('crashes and reloads a renderer hung for 10 s, and lets one that recovers in time be', () => {
    const clock = new ManualClock();
    const wc = new FakeContents();
    let reloads = 0;
    recoverCrashes(wc, () => reloads++, clock);
    wc.emit('unresponsive');
    clock.advance(UNRESPONSIVE_RELOAD_MS - 1);
    wc.emit('responsive');
    clock.advance(60_000);
    expect([reloads, wc.crashedByUs]).toEqual([0, 0]);
    wc.emit('unresponsive');
    wc.emit('unresponsive');
    clock.advance(UNRESPONSIVE_RELOAD_MS);
    // the crash it causes is reloaded once (the hang path reloading as well loaded it twice)
    clock.advance(60_000);
    expect([reloads, wc.crashedByUs]).toEqual([1, 1]);
  });

  it('runs nothing for a window gone meanwhile: a pending reload and a hang timer end with it', () => {
    const clock = new ManualClock();
    const wc = new FakeContents();
    let reloads = 0;
    const policy = new RestartPolicy({ firstDelayMs: 250, maxDelayMs: 4000, stableMs: 60_000, loopAfter: 5 });
    const recovery = recoverCrashes(wc, () => reloads++, clock, policy);
    wc.emit('render-process-gone', {}, { reason: 'crashed' });
    clock.advance(0);
    wc.emit('render-process-gone', {}, { reason: 'crashed' });
    wc.emit('unresponsive');
    expect(clock.pending()).toBe(2);
    // a display change destroys the window while its reload (250 ms) and hang timer (10 s) wait
    recovery.stop();
    expect(clock.pending()).toBe(0);
    wc.emit('unresponsive');
    wc.emit('render-process-gone', {}, { reason: 'crashed' });
    clock.advance(60_000);
    expect([reloads, wc.crashedByUs]).toEqual([1, 0]);
  });
});

/** Stands in for a wall's BrowserWindow: destroy() and a close by hand both end in 'closed'; destroying twice throws, as Electron's does. */
class FakeWallWindow extends EventEmitter {
  destroyed = false;
  constructor(readonly query: string) {
    super();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
    this.destroyed = true;
    this.emit('closed');
  }
}

describe('wall windows following the displays', () => {
  const wall = WallConfigSchema.parse({ name: '2x1', cols: 2, rows: 1, bezel: { x: 0, y: 0 }, playlists: [['overview'], ['lifelines']] });
  const disp = (id: number, x: number): PhysicalDisplay => ({ id, bounds: { x, y: 0, width: 1920, height: 1080 }, scaleFactor: 1 });

  it('opens one window per display, and re-plans once a burst of display changes settles', () => {
    const clock = new ManualClock();
    let displays = [disp(1, 0)];
    const opened: FakeWallWindow[] = [];
    const ww = new WallWindows(wall, () => displays, (p) => {
      const w = new FakeWallWindow(p.query);
      opened.push(w);
      return w;
    }, clock);
    ww.replan();
    expect(opened.map((w) => w.query)).toEqual(['?wall=2x1&display=0']);
    expect(ww.plan()?.missingCells).toEqual([1]);
    displays = [disp(1, 0), disp(2, 1920)];
    ww.displaysChanged();
    clock.advance(REPLAN_SETTLE_MS - 1);
    ww.displaysChanged();
    clock.advance(REPLAN_SETTLE_MS - 1);
    expect(opened).toHaveLength(1);
    clock.advance(1);
    expect(opened.map((w) => [w.query, w.destroyed])).toEqual([['?wall=2x1&display=0', true], ['?wall=2x1&display=0', false], ['?wall=2x1&display=1', false]]);
    expect(ww.plan()?.missingCells).toEqual([]);
    ww.displaysChanged();
    clock.advance(REPLAN_SETTLE_MS);
    expect(opened).toHaveLength(3);
    expect(clock.pending()).toBe(0);
  });

  it('opens a wall window closed by hand (Alt+F4) again on its display, and never destroys it twice', () => {
    const clock = new ManualClock();
    let displays = [disp(1, 0), disp(2, 1920)];
    const opened: FakeWallWindow[] = [];
    const ww = new WallWindows(wall, () => displays, (p) => {
      const w = new FakeWallWindow(p.query);
      opened.push(w);
      return w;
    }, clock);
    ww.replan();
    opened[1]?.destroy();
    expect(ww.windows()).toHaveLength(1);
    clock.advance(REOPEN_MS);
    expect(opened.map((w) => [w.query, w.destroyed])).toEqual([['?wall=2x1&display=0', false], ['?wall=2x1&display=1', true], ['?wall=2x1&display=1', false]]);
    expect(ww.windows()).toHaveLength(2);
    // closed by hand, then the display goes before it is reopened: the re-plan neither touches the dead window nor reopens it
    opened[2]?.destroy();
    displays = [disp(1, 0)];
    ww.displaysChanged();
    expect(() => clock.advance(REPLAN_SETTLE_MS)).not.toThrow();
    clock.advance(10_000);
    expect(opened.filter((w) => !w.destroyed).map((w) => w.query)).toEqual(['?wall=2x1&display=0']);
    expect(clock.pending()).toBe(0);
  });

  it('reopens nothing and re-plans nothing once the app quits', () => {
    const clock = new ManualClock();
    const opened: FakeWallWindow[] = [];
    const ww = new WallWindows(wall, () => [disp(1, 0), disp(2, 1920)], (p) => {
      const w = new FakeWallWindow(p.query);
      opened.push(w);
      return w;
    }, clock);
    ww.replan();
    opened[0]?.destroy();
    ww.quit();
    for (const w of opened) if (!w.destroyed) w.destroy();
    ww.displaysChanged();
    clock.advance(60_000);
    expect(opened).toHaveLength(2);
    expect(ww.windows()).toEqual([]);
  });
});
