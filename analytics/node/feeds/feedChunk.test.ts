import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, ChunkQueue } from './feedChunk.js';

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
