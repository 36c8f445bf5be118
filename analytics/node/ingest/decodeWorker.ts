import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { FeedChunk, type PackedChunk } from '../feeds/feedChunk.js';
import { GiveWayBudget } from '../../common/vocabulary.js';
import { ChunkDecoder, type ReadingBuffers } from './chunkDecoder.js';

/**
 * The decode thread: chunks of raw messages in, decoded columns and rows out, in the order they
 * came. It keeps no state beyond its options, so a thread that dies loses nothing: ingest decodes
 * what was outstanding itself.
 */
const port = parentPort;
/** Sets of column buffers kept for reuse (each about 50 bytes per reading of a chunk). */
const MAX_SPARES = 4;
if (port) {
  const data = workerData as { retentionDays: number; pause?: SharedArrayBuffer; nice?: number };
  // below the thread that answers the wall and the wall's own renderer: on Linux a thread's
  // priority is its own (elsewhere this call would lower the whole process, so it is not made)
  if (process.platform === 'linux' && data.nice) {
    try {
      setPriority(0, data.nice);
    } catch {
      // not permitted here: decoding runs at the engine's priority
    }
  }
  const decoder = new ChunkDecoder(data.retentionDays);
  const pause = data.pause ? new Int32Array(data.pause) : null;
  const gaveWay = new GiveWayBudget();
  // column buffers ingest handed back: the next chunks are decoded into them
  const spares: ReadingBuffers[] = [];
  port.on('message', (m: { id: number; chunk: PackedChunk; spares?: ReadingBuffers[] }) => {
    for (const b of m.spares ?? []) if (spares.length < MAX_SPARES) spares.push(b);
    // while a wall's query runs (ingest's thread raises the flag), wait between messages: at most
    // GIVE_WAY_MS in all for this chunk and half of the time overall, so a stream of queries slows
    // decoding but cannot stop it
    let budget = gaveWay.allowance();
    const between = pause
      ? (): void => {
          while (budget > 0 && Atomics.load(pause, 0) === 1) {
            const t = performance.now();
            Atomics.wait(pause, 0, 1, budget);
            const waited = performance.now() - t;
            budget -= waited;
            gaveWay.spent(waited);
          }
        }
      : undefined;
    const d = decoder.decode(FeedChunk.unpack(m.chunk), Date.now(), between, spares.pop());
    const r = d.readings;
    // the payload's buffer goes back too, for ingest's next chunk
    const chunkBytes = m.chunk.bytes.buffer as ArrayBuffer;
    const transfer = new Set<ArrayBuffer>([r.tsMs.buffer, r.value.buffer, r.quality.buffer, r.seriesIx.buffer, r.seq.buffer, r.idBytes.buffer, r.idEnd.buffer, chunkBytes] as ArrayBuffer[]);
    port.postMessage({ id: m.id, decoded: d, chunkBytes }, [...transfer]);
  });
}
