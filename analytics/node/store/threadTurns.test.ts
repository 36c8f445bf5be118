import { describe, expect, it } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { ThreadTurns } from './threadTurns.js';

/** Counts turns of the event loop: one step per check phase, until stopped. */
function loopTurns(): { now: () => number; stop: () => void } {
  let turn = 0;
  let on = true;
  const tick = (): void => {
    turn++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turn, stop: () => (on = false) };
}

describe('ThreadTurns', () => {
  it('lets one waiter go per turn of the event loop, in the order they came, where setImmediate lets all of them go in one', async () => {
    const loop = loopTurns();
    await new Promise((r) => setImmediate(r));
    // two loops yielding with setImmediate, queued in the same turn, run in the same check phase
    const plain = await Promise.all([0, 1, 2].map(() => new Promise<number>((r) => setImmediate(() => r(loop.now())))));
    expect(new Set(plain).size).toBe(1);

    const turns = new ThreadTurns();
    const order: number[] = [];
    const at = await Promise.all([0, 1, 2, 3].map((k) => turns.next().then(() => {
      order.push(k);
      return loop.now();
    })));
    loop.stop();
    expect(order).toEqual([0, 1, 2, 3]);
    for (let k = 1; k < at.length; k++) expect(at[k]).toBeGreaterThan(at[k - 1] as number);
    expect(turns.queued).toBe(0);
  });

  it('lets I/O that arrived meanwhile in between two pieces of work', async () => {
    const turns = new ThreadTurns();
    const { port1, port2 } = new MessageChannel();
    const seen: string[] = [];
    port2.on('message', () => seen.push('message'));
    const first = turns.next().then(() => {
      // the first piece posts a message (delivered in the poll phase) and busies the thread a moment
      port1.postMessage('x');
      const until = performance.now() + 20;
      while (performance.now() < until) { /* work */ }
      seen.push('first');
    });
    const second = turns.next().then(() => seen.push('second'));
    await Promise.all([first, second]);
    await new Promise((r) => setTimeout(r, 20));
    port1.close();
    expect(seen).toEqual(['first', 'message', 'second']);
  });
});
