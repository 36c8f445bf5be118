import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import { malformedSamples } from '../../common/malformedSamples.js';
import { GIVE_WAY_MS } from '../../common/vocabulary.js';
import { FeedChunk, chunkBuffers } from '../feeds/feedChunk.js';
import { ChunkDecoder, admitChunk, readingBuffers, type DecodedChunk } from './chunkDecoder.js';
import { IdMemory } from './idMemory.js';
import { DECODE_NICE, WorkerDecoder } from './workerDecoder.js';

const enc = new TextEncoder();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Good readings, events, asset records, inspections, every malformed kind, repeats: one chunk. */
function mixedChunk(tag: string, now: number): FeedChunk {
  const c = new FeedChunk(4, 64);
  let seq = 100;
  const ts = new Date(now - 5_000).toISOString();
  for (let i = 0; i < 50; i++) {
    const arr = Array.from({ length: 1 + (i % 4) }, (_, k) => ({ id: `${tag}-r${i}-${k}`, ts: now - 1000 - k, metric: k % 2 ? 'lel_pct' : 'pressure_mpa', value: i === 0 ? -0 : i * 0.5, ...(k % 3 ? {} : { unit: '%LEL' }), quality: k === 2 ? 'bad' : 'good' }));
    c.push(`city.telemetry.gas.420303.a${i % 5}`, enc.encode(JSON.stringify(arr)), seq++);
  }
  c.push('city.telemetry.gas.420303.a1', enc.encode(JSON.stringify({ id: `${tag}-r0-0`, ts: now - 900, metric: 'lel_pct', value: 1 })), seq++);
  c.push('city.event.gas.420303', enc.encode(JSON.stringify({ id: `${tag}-e1`, ts, type: 'leak', severity: 'red', title: '燃气泄漏', asset: 'a1', lat: 32.6, lon: 110.8 })), seq++);
  c.push('city.event.gas.420303', enc.encode(JSON.stringify({ id: `${tag}-e1`, ts, type: 'leak', severity: 'red', title: '燃气泄漏' })), seq++);
  for (let k = 0; k < 2; k++) c.push('city.inspection.gas.420303', enc.encode(JSON.stringify({ id: `${tag}-i1`, ts, asset: 'a1', item: '阀门', result: 'fail', inspector: '王工' })), seq++);
  c.push('city.asset.gas.420303.a1', enc.encode(JSON.stringify({ id: 'a1', ts, name: '调压站', kind: 'regulator', lat: 32.6, lon: 110.8, owner: 'o', supervisor: 's', attrs: { k: 'v' } })), seq++);
  for (const m of malformedSamples(now, tag)) c.push(m.subject, m.data, seq++);
  return c;
}

function comparable(d: DecodedChunk): unknown {
  const r = d.readings;
  // a future time's detail counts seconds from when the chunk was decoded: a loaded machine may decode it a second later
  return { ...d, receivedMs: 0, quarantine: d.quarantine.map((q) => ({ ...q, receivedMs: 0, detail: q.detail.replace(/^ts is \d+ s in the future$/, 'ts is N s in the future') })),
    events: d.events.map((e) => ({ ...e, origin: { ...e.origin, receivedMs: 0 } })), assets: d.assets.map((e) => ({ ...e, origin: { ...e.origin, receivedMs: 0 } })),
    inspections: d.inspections.map((e) => ({ ...e, origin: { ...e.origin, receivedMs: 0 } })),
    readings: { ...r, tsMs: [...r.tsMs.subarray(0, r.length)], value: [...r.value.subarray(0, r.length)].map((v) => (Object.is(v, -0) ? '-0' : v)),
      quality: [...r.quality.subarray(0, r.length)], seriesIx: [...r.seriesIx.subarray(0, r.length)], seq: [...r.seq.subarray(0, r.length)] } };
}

/** Each thread of this process with its nice value (Linux: /proc/self/task/<tid>/stat, field 19). */
function threadNices(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // the name (field 2) may hold spaces: the fields after it start past its closing parenthesis
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(tid, Number(rest[16]));
  }
  return out;
}

/** Many readings in few messages: a chunk whose columns grow well past its message count. */
function wideChunk(tag: string, now: number, messages = 30, perMessage = 100): FeedChunk {
  const c = new FeedChunk(4, 64);
  for (let i = 0; i < messages; i++) {
    const arr = Array.from({ length: perMessage }, (_, k) => ({ id: `${tag}-w${i}-${k}-${'x'.repeat(k % 7)}`, ts: now - 2000 - k, metric: `m${k % 3}`, value: i * 1000 + k }));
    c.push(`city.telemetry.water.420302.a${i % 4}`, enc.encode(JSON.stringify(arr)), 1000 + i);
  }
  return c;
}

describe('decoding into reused buffers', () => {
  it('decodes into column buffers handed back, exactly as into new ones; mismatched or missing buffers are not used', () => {
    const now = Date.now();
    const decoder = new ChunkDecoder(30);
    const big = decoder.decode(wideChunk('b', now), now);
    const spare = readingBuffers(big.readings);
    expect(spare).not.toBeNull();
    if (!spare) return;
    const fresh = comparable(new ChunkDecoder(30).decode(mixedChunk('s', now), now));
    const into = decoder.decode(mixedChunk('s', now), now, undefined, spare);
    expect(into.readings.tsMs.buffer).toBe(spare.tsMs);
    expect(into.readings.idBytes.buffer).toBe(spare.idBytes);
    expect(comparable(into)).toEqual(fresh);
    // a set whose columns disagree (a damaged or foreign set) is left alone
    const odd = { ...spare, value: new ArrayBuffer(8) };
    const notInto = decoder.decode(mixedChunk('s', now), now, undefined, odd);
    expect(notInto.readings.tsMs.buffer).not.toBe(spare.tsMs);
    expect(comparable(notInto)).toEqual(fresh);
    // a set too small for the chunk is grown out of, the rows still exact
    const small = readingBuffers(decoder.decode(mixedChunk('t', now), now).readings);
    const wide = decoder.decode(wideChunk('c', now), now, undefined, small ?? undefined);
    expect(comparable(wide)).toEqual(comparable(new ChunkDecoder(30).decode(wideChunk('c', now), now)));
  });

  it('the decode thread takes the buffers ingest hands back and returns each payload buffer: many chunks, every one exact', async () => {
    const w = new WorkerDecoder(30);
    cleanups.push(() => w.close());
    while (chunkBuffers.spares > 0) chunkBuffers.take();
    const now = Date.now();
    let previous: DecodedChunk | null = null;
    for (let i = 0; i < 24; i++) {
      const make = (): FeedChunk => (i % 3 === 0 ? wideChunk(`k${i}`, now, 10 + i) : mixedChunk(`k${i}`, now));
      const expected = comparable(new ChunkDecoder(30).decode(make(), now));
      const d = await w.decode(make());
      // the columns of the chunk before went to the thread with this one (transferred: nothing of them is left here)
      if (previous) expect(previous.readings.tsMs.buffer.byteLength).toBe(0);
      expect(comparable(d)).toEqual(expected);
      // the payload's copy came back with the answer: one pooled buffer serves every chunk
      expect(chunkBuffers.spares).toBe(1);
      w.recycle(d);
      previous = d;
    }
    expect(w.status().thread).toBe('worker');
  });
});

describe('the decode thread', () => {
  it.runIf(process.platform === 'linux')('runs below the engine\'s thread: DECODE_NICE on its own thread, the rest of the process untouched', async () => {
    const before = threadNices();
    const w = new WorkerDecoder(30);
    cleanups.push(() => w.close());
    await w.decode(mixedChunk('n', Date.now()));
    const after = threadNices();
    const lowered = [...after].filter(([tid, nice]) => nice === DECODE_NICE && before.get(tid) !== DECODE_NICE);
    expect(lowered).toHaveLength(1);
    expect(after.get(String(process.pid))).toBe(before.get(String(process.pid)));
  });

  it('waits between messages while a query runs, at most a bounded time per chunk, and decodes the same', async () => {
    const now = Date.now();
    const w = new WorkerDecoder(30);
    cleanups.push(() => w.close());
    const free = comparable(await w.decode(mixedChunk('p', now)));
    // paused and never resumed: the chunk is still decoded (the wait is bounded), after waiting
    w.pause(true);
    const t0 = performance.now();
    const paused = await w.decode(mixedChunk('p', now));
    const waited = performance.now() - t0;
    expect(comparable(paused)).toEqual(free);
    expect(waited).toBeGreaterThanOrEqual(GIVE_WAY_MS - 2);
    // resumed: a paused chunk goes on at once when the query ends
    const pending = w.decode(mixedChunk('p', now));
    w.pause(false);
    expect(comparable(await pending)).toEqual(free);
  });

  it('gives what decoding on ingest\'s thread gives, for every kind of message and every malformed one', async () => {
    const now = Date.now();
    const w = new WorkerDecoder(30);
    cleanups.push(() => w.close());
    expect(w.status()).toMatchObject({ thread: 'worker', restarts: 0 });
    const local = new ChunkDecoder(30).decode(mixedChunk('x', now), now);
    const remote = await w.decode(mixedChunk('x', now));
    expect(w.status().thread).toBe('worker');
    expect(remote.quarantine.length).toBeGreaterThan(5);
    // 123 in arrays, the repeat, and the valid readings beside bad ones in the malformed samples
    expect(remote.readings.length).toBe(124 + malformedSamples(now, 'x').reduce((n, m) => n + m.validReadings, 0));
    expect(comparable(remote)).toEqual(comparable(local));
    // repeats are judged on ingest's thread, in stream order: the same verdicts either way
    const a = new IdMemory(1000);
    const b = new IdMemory(1000);
    admitChunk(local, a);
    admitChunk(remote, b);
    expect(remote.counts).toEqual(local.counts);
    expect(remote.counts.duplicates).toBe(3);
    expect([remote.events.length, remote.inspections.length, remote.assets.length]).toEqual([1, 1, 1]);
    expect(comparable(remote)).toEqual(comparable(local));
  });

  it('answers chunks in the order they were given, many at once', async () => {
    const w = new WorkerDecoder(30);
    cleanups.push(() => w.close());
    const chunks = Array.from({ length: 20 }, (_, i) => {
      const c = new FeedChunk();
      for (let k = 0; k < 100; k++) c.push('city.telemetry.water.420302.p1', enc.encode(JSON.stringify({ id: `o${i}-${k}`, ts: Date.now() - 1000, metric: 'flow_m3h', value: i })), i * 100 + k + 1);
      return c;
    });
    const out = await Promise.all(chunks.map((c) => w.decode(c)));
    expect(out.map((d) => d.lastSeq)).toEqual(chunks.map((_, i) => i * 100 + 100));
    expect(out.map((d) => d.readings.value[0])).toEqual(chunks.map((_, i) => i));
  });

  it('loses nothing when its thread dies: what it held is decoded on ingest\'s thread, a new thread starts, and after repeated deaths ingest decodes itself', async () => {
    const t = tempDir();
    cleanups.push(() => t.remove());
    // a thread that dies on every chunk it is given
    const script = `${t.dir}/dies.mjs`;
    writeFileSync(script, "import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => process.exit(7));\n");
    const w = new WorkerDecoder(30, script);
    cleanups.push(() => w.close());
    const now = Date.now();
    const expected = comparable(new ChunkDecoder(30).decode(mixedChunk('d', now), now));
    for (let round = 0; round < 6; round++) {
      const got = await w.decode(mixedChunk('d', now));
      expect(comparable(got)).toEqual(expected);
    }
    const s = w.status();
    expect(s.thread).toBe('ingest');
    expect(s.restarts).toBe(3);
    expect(s.lastError).toMatch(/exit code 7.*4 times within a minute/);
  });

  it('decodes on ingest\'s thread, and says so, when its script cannot be found', async () => {
    const w = new WorkerDecoder(30, null);
    const d = await w.decode(mixedChunk('n', Date.now()));
    expect(d.readings.length).toBeGreaterThan(124);
    expect(w.status()).toMatchObject({ thread: 'ingest', lastError: expect.stringMatching(/not found/) });
    await w.close();
  });

  it('takes a thread that stops answering for dead: its chunks are decoded on ingest\'s thread', async () => {
    const t = tempDir();
    cleanups.push(() => t.remove());
    const script = `${t.dir}/silent.mjs`;
    writeFileSync(script, "import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => undefined);\n");
    const w = new WorkerDecoder(30, script, 300);
    cleanups.push(() => w.close());
    const now = Date.now();
    const got = await w.decode(mixedChunk('s', now));
    expect(comparable(got)).toEqual(comparable(new ChunkDecoder(30).decode(mixedChunk('s', now), now)));
    expect(w.status()).toMatchObject({ restarts: 1, lastError: expect.stringMatching(/did not answer/) });
  });
});
