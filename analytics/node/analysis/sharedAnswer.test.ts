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
