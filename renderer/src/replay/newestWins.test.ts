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

  it('paces jobs by the gap: what is asked during it runs once, the newest value', async () => {
    const seen: number[] = [];
    const pauses: number[] = [];
    let release: () => void = () => {};
    const q = new NewestWins(async (v: number) => void seen.push(v), () => {}, () => 500, (ms) => {
      pauses.push(ms);
      return new Promise<void>((r) => (release = r));
    });
    q.push(1);
    q.push(2);
    await turn();
    // the first job ran at once; the second waits out the gap, and more are asked meanwhile
    expect(seen).toEqual([1]);
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toBeGreaterThan(0);
    expect(pauses[0]).toBeLessThanOrEqual(500);
    q.push(3);
    q.push(4);
    release();
    await turn();
    expect(seen).toEqual([1, 4]);
    // nothing waiting after the last job: no pause, settled
    await q.settled();
    expect(pauses).toHaveLength(1);
  });

  it('does not pause without a gap', async () => {
    const pauses: number[] = [];
    const q = new NewestWins(async () => {}, () => {}, () => 0, async (ms) => void pauses.push(ms));
    q.push(1);
    q.push(2);
    await q.settled();
    expect(pauses).toEqual([]);
  });

  it('keeps the gap when a value is asked after the last job already ended', async () => {
    const seen: number[] = [];
    const pauses: number[] = [];
    const q = new NewestWins(async (v: number) => void seen.push(v), () => {}, () => 500, async (ms) => void pauses.push(ms));
    q.push(1);
    await q.settled();
    expect(pauses).toEqual([]);
    q.push(2);
    await q.settled();
    expect(seen).toEqual([1, 2]);
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toBeGreaterThan(0);
  });
});
