import { describe, expect, it } from 'vitest';
import { LatestAnswer, type AnswerState } from './latestAnswer';

/** A request whose answer the test gives when it wants, to put answers out of order. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function watched<T>(): { a: LatestAnswer<T>; seen: AnswerState<T>[] } {
  const seen: AnswerState<T>[] = [];
  return { a: new LatestAnswer<T>((s) => seen.push(s)), seen };
}

describe('LatestAnswer', () => {
  it('drops the answer to an older question that arrives after the newer one', async () => {
    const { a } = watched<string>();
    const red = deferred<string>();
    const blue = deferred<string>();
    a.ask('colour=red', () => red.promise);
    a.ask('colour=blue', () => blue.promise);
    blue.resolve('blue rows');
    await settle();
    red.resolve('red rows');
    await settle();
    expect(a.current).toEqual({ data: 'blue rows', error: null, loading: false });
  });

  it('drops the answer to an older question even when it arrives first', async () => {
    const { a } = watched<string>();
    const red = deferred<string>();
    const blue = deferred<string>();
    a.ask('colour=red', () => red.promise);
    a.ask('colour=blue', () => blue.promise);
    red.resolve('red rows');
    await settle();
    expect(a.current).toEqual({ data: null, error: null, loading: true });
    blue.resolve('blue rows');
    await settle();
    expect(a.current.data).toBe('blue rows');
  });

  it('among refreshes of one question, drops an older answer arriving after a newer one but never waits for one', async () => {
    const { a } = watched<number>();
    const first = deferred<number>();
    const second = deferred<number>();
    const third = deferred<number>();
    a.ask('hazards', () => first.promise);
    a.ask('hazards', () => second.promise);
    a.ask('hazards', () => third.promise);
    second.resolve(2);
    await settle();
    // shown at once although a newer request is still on its way
    expect(a.current).toEqual({ data: 2, error: null, loading: true });
    first.resolve(1);
    await settle();
    expect(a.current.data).toBe(2);
    third.resolve(3);
    await settle();
    expect(a.current).toEqual({ data: 3, error: null, loading: false });
  });

  it('shows a failure with its message, keeps the last answer beside it, and clears it on the next answer', async () => {
    const { a } = watched<string>();
    a.ask('risks', () => Promise.resolve('rows'));
    await settle();
    a.ask('risks', () => Promise.reject(new Error('timeout: query took longer than 10 s')));
    await settle();
    expect(a.current).toEqual({ data: 'rows', error: 'timeout: query took longer than 10 s', loading: false });
    a.ask('risks', () => Promise.resolve('newer rows'));
    await settle();
    expect(a.current).toEqual({ data: 'newer rows', error: null, loading: false });
  });

  it('takes a load that throws before it returns a promise as a failure', async () => {
    const { a } = watched<string>();
    a.ask('x', () => { throw new Error('engine link down'); });
    await settle();
    expect(a.current.error).toBe('engine link down');
  });

  it('does not let an older failure hide a newer answer', async () => {
    const { a } = watched<string>();
    const older = deferred<string>();
    a.ask('checklist', () => older.promise);
    a.ask('checklist', () => Promise.resolve('fresh'));
    await settle();
    older.reject(new Error('engine link lost'));
    await settle();
    expect(a.current).toEqual({ data: 'fresh', error: null, loading: false });
  });

  it('takes nothing once stopped', async () => {
    const { a, seen } = watched<string>();
    const late = deferred<string>();
    a.ask('asset', () => late.promise);
    a.stop();
    late.resolve('late');
    await settle();
    a.ask('asset', () => Promise.resolve('after'));
    await settle();
    expect(seen.map((s) => s.data)).toEqual([null]);
  });

  it('says it is busy only while a request for the current question is on its way', async () => {
    const { a } = watched<string>();
    const old = deferred<string>();
    a.ask('a', () => old.promise);
    expect(a.busy).toBe(true);
    a.ask('b', () => Promise.resolve('b'));
    await settle();
    expect(a.busy).toBe(false);
  });
});
