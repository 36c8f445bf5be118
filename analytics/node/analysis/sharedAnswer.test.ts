import { describe, expect, it } from 'vitest';
import { SharedAnswers } from './sharedAnswer.js';

/** A computation that waits to be told to finish, counting its starts and seeing its signal. */
function harness() {
  let clock = 1_000;
  const started: { p: { k: number }; finish: (v: string) => void; fail: (e: unknown) => void; signal: AbortSignal | undefined }[] = [];
  const shared = new SharedAnswers<{ k: number }, string>((p, signal) => new Promise<string>((resolve, reject) => {
    started.push({ p, finish: resolve, fail: reject, signal });
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  }), 10_000, 3, () => clock);
  return { shared, started, tick: (ms: number) => (clock += ms) };
}

describe('SharedAnswers', () => {
  it('answers the same question asked within the age from one computation, and computes again after it', async () => {
    const h = harness();
    const a = h.shared.get({ k: 1 });
    const b = h.shared.get({ k: 1 });
    expect(h.started).toHaveLength(1);
    h.started[0]?.finish('one');
    expect(await a).toBe('one');
    expect(await b).toBe('one');
    h.tick(9_999);
    expect(await h.shared.get({ k: 1 })).toBe('one');
    expect(h.started).toHaveLength(1);
    h.tick(1);
    const c = h.shared.get({ k: 1 });
    expect(h.started).toHaveLength(2);
    h.started[1]?.finish('two');
    expect(await c).toBe('two');
  });

  it('keeps different questions apart and at most maxKeys of them', async () => {
    const h = harness();
    for (const k of [1, 2, 3, 4]) void h.shared.get({ k });
    expect(h.started.map((s) => s.p.k)).toEqual([1, 2, 3, 4]);
    h.started.forEach((s) => s.finish(`v${s.p.k}`));
    expect(await h.shared.get({ k: 4 })).toBe('v4');
    expect(await h.shared.get({ k: 2 })).toBe('v2');
    // the oldest (1) was forgotten: asked again, it is computed again
    void h.shared.get({ k: 1 });
    expect(h.started).toHaveLength(5);
  });

  it('does not keep a failure, and a caller whose shared computation was aborted by the one who started it computes its own', async () => {
    const h = harness();
    const first = h.shared.get({ k: 1 });
    h.started[0]?.fail(new Error('broken'));
    await expect(first).rejects.toThrow('broken');
    void h.shared.get({ k: 1 });
    expect(h.started).toHaveLength(2);
    h.started[1]?.finish('ok');

    const h2 = harness();
    const leaver = new AbortController();
    const left = h2.shared.get({ k: 7 }, leaver.signal);
    const stayer = h2.shared.get({ k: 7 });
    leaver.abort(new Error('left'));
    await expect(left).rejects.toThrow('left');
    await Promise.resolve();
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(h2.started).toHaveLength(2);
    expect(h2.started[1]?.signal).toBeUndefined();
    h2.started[1]?.finish('mine');
    expect(await stayer).toBe('mine');
  });

  it('refuses at once a caller already aborted', async () => {
    const h = harness();
    const gone = new AbortController();
    gone.abort(new Error('gone'));
    await expect(h.shared.get({ k: 1 }, gone.signal)).rejects.toThrow('gone');
    expect(h.started).toHaveLength(0);
  });
});

describe('SharedAnswers, failures', () => {
  it('gives a real failure to every caller who joined it, once computed', async () => {
    let computed = 0;
    const shared = new SharedAnswers<{ k: number }, string>(async () => {
      computed++;
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('too large');
    }, 10_000);
    const all = await Promise.allSettled(Array.from({ length: 10 }, () => shared.get({ k: 1 })));
    expect(all.every((r) => r.status === 'rejected')).toBe(true);
    expect(computed).toBe(1);
  });
});

describe('SharedAnswers, stale while refreshing (a screen polling never waits for the store)', () => {
  function staleHarness() {
    let clock = 1_000;
    const started: { finish: (v: string) => void; fail: (e: unknown) => void; signal: AbortSignal | undefined }[] = [];
    const refreshSignal = new AbortController().signal;
    const shared = new SharedAnswers<{ k: number }, string>((_p, signal) => new Promise<string>((resolve, reject) => {
      started.push({ finish: resolve, fail: reject, signal });
    }), 1_000, 4, () => clock, { forMs: 10_000, signal: () => refreshSignal });
    return { shared, started, refreshSignal, tick: (ms: number) => (clock += ms) };
  }

  it('gives the older answer at once and refreshes it once in the background; the refreshed one follows', async () => {
    const h = staleHarness();
    const first = h.shared.get({ k: 1 });
    h.started[0]?.finish('one');
    expect(await first).toBe('one');
    h.tick(1_500);
    // older than maxAgeMs: given at once, one refresh started under the refresh signal however many ask
    expect(await h.shared.get({ k: 1 })).toBe('one');
    expect(await h.shared.get({ k: 1 })).toBe('one');
    expect(h.started).toHaveLength(2);
    expect(h.started[1]?.signal).toBe(h.refreshSignal);
    h.started[1]?.finish('two');
    await new Promise((r) => setTimeout(r, 0));
    expect(await h.shared.get({ k: 1 })).toBe('two');
    expect(h.shared.computed).toBe(2);
  });

  it('a failed refresh keeps the older answer until it is too old, then the caller waits for a new one', async () => {
    const h = staleHarness();
    const first = h.shared.get({ k: 1 });
    h.started[0]?.finish('one');
    await first;
    h.tick(2_000);
    expect(await h.shared.get({ k: 1 })).toBe('one');
    h.started[1]?.fail(new Error('store busy'));
    await new Promise((r) => setTimeout(r, 0));
    h.tick(1_000);
    expect(await h.shared.get({ k: 1 })).toBe('one');
    expect(h.started).toHaveLength(3);
    // past forMs: not given any more
    h.tick(10_000);
    const fresh = h.shared.get({ k: 1 });
    expect(h.started).toHaveLength(4);
    h.started[3]?.finish('new');
    expect(await fresh).toBe('new');
  });

  it('never gives an answer that has not arrived: the first caller of a question waits for it', async () => {
    const h = staleHarness();
    const first = h.shared.get({ k: 1 });
    h.tick(5_000);
    const second = h.shared.get({ k: 1 });
    expect(h.started).toHaveLength(2);
    h.started[1]?.finish('late');
    expect(await second).toBe('late');
    h.started[0]?.finish('early');
    expect(await first).toBe('early');
  });

  it('ready(): the answer only when it can be given without waiting, starting nothing else', async () => {
    const h = staleHarness();
    expect(h.shared.ready({ k: 1 })).toBeUndefined();
    expect(h.started).toHaveLength(0);
    const first = h.shared.get({ k: 1 });
    expect(h.shared.ready({ k: 1 })).toBeUndefined();
    h.started[0]?.finish('one');
    await first;
    expect(h.shared.ready({ k: 1 })).toEqual({ value: 'one' });
    h.tick(1_000);
    expect(h.shared.ready({ k: 1 })).toEqual({ value: 'one' });
    expect(h.started).toHaveLength(2);
    h.tick(10_000);
    expect(h.shared.ready({ k: 1 })).toBeUndefined();
    expect(h.started).toHaveLength(2);
  });
});
