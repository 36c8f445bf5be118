import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WallConfigSchema } from '../../analytics/common/wallConfig.js';
import type { Clock } from './clock.js';
import { RestartPolicy } from './crashPolicy.js';
import { recoverCrashes, UNRESPONSIVE_RELOAD_MS } from './crashRecovery.js';
import { EngineSupervisor, type EngineChild } from './engineSupervisor.js';
import { REPLAN_SETTLE_MS, WallWindows } from './wallWindows.js';
import type { PhysicalDisplay } from './windowPlanner.js';

/** Time that moves only when the test says so. */
class ManualClock implements Clock {
  private t = 0;
  private timers: { at: number; run: () => void; live: boolean }[] = [];
  now(): number {
    return this.t;
  }
  later(run: () => void, delayMs: number): { cancel(): void } {
    const timer = { at: this.t + delayMs, run, live: true };
    this.timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const next = this.timers.filter((x) => x.live && x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      next.live = false;
      this.t = next.at;
      next.run();
    }
    this.t = until;
  }
  pending(): number {
    return this.timers.filter((x) => x.live).length;
  }
}

class FakeChild extends EventEmitter implements EngineChild {
  killed = false;
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

describe('the engine supervisor', () => {
  const setup = (): { clock: ManualClock; children: FakeChild[]; sup: EngineSupervisor } => {
    const clock = new ManualClock();
    const children: FakeChild[] = [];
    const policy = new RestartPolicy({ firstDelayMs: 250, maxDelayMs: 4000, stableMs: 60_000, loopAfter: 3 });
    const sup = new EngineSupervisor(() => {
      const c = new FakeChild();
      children.push(c);
      return c;
    }, clock, policy);
    return { clock, children, sup };
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
    sup.stop();
    expect(children[1]?.killed).toBe(true);
    children[1]?.emit('exit', 0);
    clock.advance(60_000);
    expect(children).toHaveLength(2);
    expect(sup.status()).toMatchObject({ state: 'stopped', restarts: 1 });
  });
});

class FakeContents extends EventEmitter {
  crashedByUs = 0;
  forcefullyCrashRenderer(): void {
    this.crashedByUs++;
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
    expect([reloads, wc.crashedByUs]).toEqual([1, 1]);
  });
});

describe('wall windows following the displays', () => {
  const wall = WallConfigSchema.parse({ name: '2x1', cols: 2, rows: 1, bezel: { x: 0, y: 0 }, playlists: [['overview'], ['lifelines']] });
  const disp = (id: number, x: number): PhysicalDisplay => ({ id, bounds: { x, y: 0, width: 1920, height: 1080 }, scaleFactor: 1 });

  it('opens one window per display, and re-plans once a burst of display changes settles', () => {
    const clock = new ManualClock();
    let displays = [disp(1, 0)];
    const opened: { query: string; destroyed: boolean; destroy(): void }[] = [];
    const ww = new WallWindows(wall, () => displays, (p) => {
      const w = { query: p.query, destroyed: false, destroy(): void { this.destroyed = true; } };
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
});
