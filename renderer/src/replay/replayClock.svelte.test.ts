import { describe, expect, it } from 'vitest';
import type { ClockState, Timeline } from '../../../analytics/common/engineApi';
import type { EngineClient } from '../lib/engineClient.svelte';
import { ReplayClock } from './replayClock.svelte';

const NOW = 1_800_000_000_000;

/** The part of the engine's client the replay uses, answering `clock.set` by hand. */
class FakeClient {
  state = $state<'open' | 'down'>('open');
  replayAtMs = $state<number | null>(null);
  cursorVersion = $state(0);
  sets: (number | null)[] = [];
  private answers: (() => void)[] = [];
  constructor(private readonly timeline: Timeline) {}
  liveNow(): number {
    return NOW;
  }
  query(): Promise<Timeline> {
    return Promise.resolve(this.timeline);
  }
  setClock(atMs: number | null): Promise<ClockState> {
    this.sets.push(atMs);
    return new Promise((resolve) => this.answers.push(() => {
      this.replayAtMs = atMs;
      this.cursorVersion++;
      resolve({ live: atMs === null, atMs: atMs ?? NOW, window: this.timeline.window });
    }));
  }
  /** Answers every `clock.set` on its way, and those its answers lead to. */
  async answerAll(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      this.answers.splice(0).forEach((a) => a());
      await new Promise((r) => setTimeout(r, 0));
    }
  }
}

const marker = (atMs: number, kind: 'alarm' | 'event'): Timeline['markers'][number] => ({ atMs, kind, level: 'critical', what: 'gas.lel.l2', domain: 'gas', district: '420302', asset: 'g1' });

function setUp(mode: 'live' | 'bundle'): { client: FakeClient; replay: ReplayClock; refreshes: () => number; stop: () => void } {
  const window = { fromMs: NOW - 3_600_000, toMs: mode === 'live' ? NOW : NOW - 600_000 };
  const client = new FakeClient({ mode, window, markers: [marker(NOW - 3_000_000, 'alarm'), marker(NOW - 2_000_000, 'event'), marker(NOW - 1_000_000, 'alarm')] });
  let refreshed = 0;
  // the tests run the server build of Svelte: effects do not run (the bundle's own opening is browser-tested)
  const replay = new ReplayClock(client as unknown as EngineClient, async () => void refreshed++);
  return { client, replay, refreshes: () => refreshed, stop: () => {} };
}

describe('ReplayClock', () => {
  it('sends one clock.set at a time while the cursor is dragged, and then only the newest cursor', async () => {
    const { client, replay, refreshes, stop } = setUp('live');
    await replay.enter(NOW - 1_800_000);
    for (let i = 1; i <= 10; i++) replay.seek(NOW - 1_800_000 + i * 1000);
    expect(client.sets).toEqual([NOW - 1_800_000]);
    await client.answerAll();
    await replay.settled();
    expect(client.sets).toEqual([NOW - 1_800_000, NOW - 1_790_000]);
    expect(client.replayAtMs).toBe(NOW - 1_790_000);
    expect(refreshes()).toBe(2);
    stop();
  });

  it('keeps the cursor within the window and jumps between alarms, not events', async () => {
    const { client, replay, stop } = setUp('live');
    await replay.enter(NOW - 3_599_000);
    replay.step(-60_000);
    expect(replay.cursorMs).toBe(NOW - 3_600_000);
    expect(replay.jump(1)).toBe(true);
    expect(replay.cursorMs).toBe(NOW - 3_000_000);
    replay.jump(1);
    expect(replay.cursorMs).toBe(NOW - 1_000_000);
    expect(replay.jump(1)).toBe(false);
    await client.answerAll();
    stop();
  });

  it('returns to live on a live engine: the bar closes and the clock is set to null', async () => {
    const { client, replay, stop } = setUp('live');
    await replay.enter();
    await client.answerAll();
    replay.returnToLive();
    await client.answerAll();
    await replay.settled();
    expect(replay.open).toBe(false);
    expect(client.sets.at(-1)).toBeNull();
    expect(client.replayAtMs).toBeNull();
    stop();
  });

  it('never returns a bundle to live, and keeps its cursor within the bundle', async () => {
    const { client, replay, stop } = setUp('bundle');
    await replay.enter(NOW - 3_600_000);
    await client.answerAll();
    expect(replay.open).toBe(true);
    expect(replay.isBundle).toBe(true);
    expect(client.sets[0]).toBe(NOW - 3_600_000);
    replay.returnToLive();
    await client.answerAll();
    expect(replay.open).toBe(true);
    expect(client.sets).not.toContain(null);
    // its window ends where the bundle ends, not now
    replay.seek(NOW);
    expect(replay.cursorMs).toBe(NOW - 600_000);
    stop();
  });
});
