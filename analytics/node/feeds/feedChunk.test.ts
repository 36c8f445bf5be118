import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, ChunkBuffers, ChunkQueue, FeedChunk, FULL_CHUNK_START_BYTES, chunkBuffers } from './feedChunk.js';

const message = (bytes: number): Uint8Array => new Uint8Array(bytes).fill(0x41);

describe('ChunkQueue: how big a new chunk starts', () => {
  it('starts small while the feed is quiet, at its closing size once chunks fill, and small again when one is taken half full', () => {
    const q = new ChunkQueue({ highMessages: 1_000_000, highBytes: 1 << 30 });
    q.push('city.telemetry.water.420300.a1', message(100), null);
    const quiet = q.take();
    expect(quiet?.length).toBe(1);
    expect(quiet?.capacity).toBeLessThan(64 << 10);

    // a busy feed: 7 KB messages fill chunk after chunk
    for (let i = 0; i < 200; i++) q.push('city.telemetry.water.420300.a1', message(7_000), null);
    const first = q.take();
    const second = q.take();
    expect(first?.bytes).toBeGreaterThanOrEqual(CHUNK_BYTES);
    // the first chunk grew from small; the one after it was made big enough at once (it never grew)
    expect(second?.bytes).toBeGreaterThanOrEqual(CHUNK_BYTES);
    expect(second?.capacity).toBe(CHUNK_BYTES + (64 << 10));
    // the chunks hold exactly what was pushed, in order
    let total = (first?.length ?? 0) + (second?.length ?? 0);
    for (let c = q.take(); c; c = q.take()) total += c.length;
    expect(total).toBe(200);
    expect(q.messages).toBe(0);

    // the last chunk was taken before it filled: the feed went quiet, the next chunk starts small
    q.push('city.telemetry.water.420300.a1', message(100), null);
    expect(q.take()?.capacity).toBeLessThan(64 << 10);
  });

  it('keeps every byte of a message larger than the room left, in a busy chunk too', () => {
    const q = new ChunkQueue({ highMessages: 1_000_000, highBytes: 1 << 30 });
    for (let i = 0; i < 40; i++) q.push('s', message(7_000), null);
    const big = message(200_000).fill(0x42);
    for (let i = 0; i < 3; i++) q.push('s', big, null);
    const chunks = [];
    for (let c = q.take(); c; c = q.take()) chunks.push(c);
    const datas = chunks.flatMap((c) => Array.from({ length: c.length }, (_, i) => c.data(i)));
    expect(datas).toHaveLength(43);
    expect(datas.slice(40).every((d) => d.length === 200_000 && d.every((b) => b === 0x42))).toBe(true);
  });
});

describe('chunk buffers are reused', () => {
  it('a full chunk starts in a pooled buffer, gives it back when released, and the pool keeps at most its bound', () => {
    const pool = new ChunkBuffers();
    const a = pool.take();
    expect(a.byteLength).toBe(FULL_CHUNK_START_BYTES);
    pool.give(a.buffer);
    expect(pool.spares).toBe(1);
    pool.give(a.buffer);
    expect(pool.spares).toBe(1);
    // the same memory again, not a new buffer
    expect(pool.take().buffer).toBe(a.buffer);
    // a buffer of another size is not kept
    pool.give(new ArrayBuffer(1024));
    expect(pool.spares).toBe(0);
    for (let i = 0; i < ChunkBuffers.MAX_SPARE + 5; i++) pool.give(new ArrayBuffer(FULL_CHUNK_START_BYTES));
    expect(pool.spares).toBe(ChunkBuffers.MAX_SPARE);
  });

  it('packs an exact copy into a pooled buffer, keeps its own bytes, and releases its buffer to the pool', () => {
    while (chunkBuffers.spares > 0) chunkBuffers.take();
    const q = new ChunkQueue({ highMessages: 1_000_000, highBytes: 1 << 30 });
    for (let i = 0; i < 80; i++) q.push('s', message(7_000).fill(i), i + 1);
    q.take();
    const full = q.take();
    expect(full?.capacity).toBe(FULL_CHUNK_START_BYTES);
    if (!full) return;
    const packed = full.pack();
    expect(packed.bytes.buffer.byteLength).toBe(FULL_CHUNK_START_BYTES);
    expect(packed.bytes.byteLength).toBe(full.bytes);
    const copy = FeedChunk.unpack(packed);
    for (let i = 0; i < full.length; i++) expect(copy.data(i)).toEqual(full.data(i));
    expect(copy.lastSeq).toBe(full.lastSeq);
    // the copy is not the chunk's own memory: writing one leaves the other
    packed.bytes.fill(0);
    expect(full.data(0)[0]).not.toBe(0);
    const own = full.data(0).buffer;
    full.release();
    expect(full.length).toBe(0);
    expect(chunkBuffers.spares).toBe(1);
    expect(chunkBuffers.take().buffer).toBe(own);
  });
});
