import { parentPort, workerData } from 'node:worker_threads';
import { FeedChunk, type PackedChunk } from '../feeds/feedChunk.js';
import { ChunkDecoder } from './chunkDecoder.js';

/**
 * The decode thread: chunks of raw messages in, decoded columns and rows out, in the order they
 * came. It keeps no state beyond its options, so a thread that dies loses nothing: ingest decodes
 * what was outstanding itself.
 */
const port = parentPort;
if (port) {
  const decoder = new ChunkDecoder((workerData as { retentionDays: number }).retentionDays);
  port.on('message', (m: { id: number; chunk: PackedChunk }) => {
    const d = decoder.decode(FeedChunk.unpack(m.chunk));
    const r = d.readings;
    port.postMessage({ id: m.id, decoded: d }, [r.tsMs.buffer, r.value.buffer, r.quality.buffer, r.seriesIx.buffer, r.seq.buffer, r.idBytes.buffer, r.idEnd.buffer] as ArrayBuffer[]);
  });
}
