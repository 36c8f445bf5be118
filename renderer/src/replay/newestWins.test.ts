import { describe, expect, it } from 'vitest';
import { NewestWins } from './newestWins';

/** A job the test answers by hand, to see what runs while another is on its way. */
function manual(): { started: number[]; finish: () => void; run: (v: number) => Promise<void> } {
  const started: number[] = [];
  const done: (() => void)[] = [];
  return {
    started,
    finish: () => done.shift()?.(),
    run: (v) => {
      started.push(v);
      return new Promise<void>((r) => done.push(r));
    },
  };
}
const turn = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('NewestWins', () => {
  it('runs one job at a time and only the newest of those asked for meanwhile', async () => {
    const j = manual();
    const q = new NewestWins(j.run);
    q.push(1);
    q.push(2);
    q.push(3);
    q.push(4);
    expect(j.started).toEqual([1]);
    expect(q.busy).toBe(true);
    j.finish();
    await turn();
    expect(j.started).toEqual([1, 4]);
    j.finish();
    await q.settled();
    expect(j.started).toEqual([1, 4]);
    expect(q.busy).toBe(false);
    expect(q.runs).toBe(2);
  });

  it('never has two jobs on their way at once', async () => {
    let inFlight = 0;
    let most = 0;
    const q = new NewestWins(async () => {
      most = Math.max(most, ++inFlight);
      await turn();
      inFlight--;
    });
    for (let i = 0; i < 50; i++) {
      q.push(i);
      if (i % 7 === 0) await turn();
    }
    await q.settled();
    expect(most).toBe(1);
    expect(q.runs).toBeLessThan(50);
  });

  it('goes on after a failed job and hands the failure on', async () => {
    const errors: unknown[] = [];
    const seen: number[] = [];
    const q = new NewestWins(async (v: number) => {
      seen.push(v);
      if (v === 1) throw new Error('refused');
    }, (e) => errors.push(e));
    q.push(1);
    await q.settled();
    q.push(2);
    await q.settled();
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(1);
  });

  it('is settled at once when nothing was asked', async () => {
    await new NewestWins(async () => {}).settled();
  });
});
