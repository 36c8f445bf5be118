import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FeedChunk, chunkBuffers } from '../feeds/feedChunk.js';
import { ChunkDecoder, buffersOf, readingBuffers, type DecodedChunk, type ReadingBuffers } from './chunkDecoder.js';

/** Decodes chunks of messages, on another thread or on the caller's. */
export interface Decoder {
  decode(chunk: FeedChunk): Promise<DecodedChunk>;
  /** Ingest has copied a decoded chunk's rows: its column buffers may be reused (the chunk must not be read after). */
  recycle(d: DecodedChunk): void;
  /** While true, a decode thread waits between messages (bounded per chunk): a wall's query has the cores. */
  pause(on: boolean): void;
  status(): DecoderStatus;
  close(): Promise<void>;
}

export interface DecoderStatus {
  /** Where chunks are decoded now: a thread of its own, or ingest's thread. */
  thread: 'worker' | 'ingest';
  /** Decode threads that failed and were started again since the engine started. */
  restarts: number;
  lastError: string | null;
}

/** Decodes on the caller's thread (tests, and an engine told not to use a thread). */
export class LocalDecoder implements Decoder {
  private readonly decoder: ChunkDecoder;

  constructor(retentionDays: number) {
    this.decoder = new ChunkDecoder(retentionDays);
  }

  decode(chunk: FeedChunk): Promise<DecodedChunk> {
    const d = this.decoder.decode(chunk);
    chunk.release();
    return Promise.resolve(d);
  }

  recycle(): void {
    // decoded here, the columns are this thread's own garbage
  }

  pause(): void {
    // decoding here already waits for ingest's thread, which gives way itself
  }

  status(): DecoderStatus {
    return { thread: 'ingest', restarts: 0, lastError: null };
  }

  async close(): Promise<void> {
    // nothing held
  }
}

/** A decode thread that has not answered for this long while chunks wait is taken for dead (a chunk decodes in milliseconds). */
const ANSWER_TIMEOUT_MS = 30_000;
/** A decode thread that failed this often within a minute is not started again: ingest decodes itself. */
const MAX_RESTARTS_PER_MINUTE = 3;
/** The decode thread's heap: chunks are at most 256 KB, their decoding a few times that. */
const WORKER_HEAP_MB = 256;
/** Sets of column buffers waiting to go back to the decode thread with the next chunk. */
const MAX_RETURNING = 4;
/**
 * The decode thread's OS priority (nice) on Linux: below the engine's thread, which answers the
 * wall and pushes alarms, and below a wall's renderer on the same machine. During a full-rate
 * drain it measurably shortened a wall's round trips and left ingest's rate as it was
 * (docs/benchmarks.md); on an idle machine it changes nothing.
 */
export const DECODE_NICE = 10;

/** The compiled worker script beside this module, or in dist/ when this module runs from its TypeScript source. */
function workerScript(): string | null {
  const here = fileURLToPath(new URL('./decodeWorker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = here.replace(/([\\/])analytics([\\/])node([\\/])ingest([\\/])decodeWorker\.js$/, '$1dist$1analytics$2node$3ingest$4decodeWorker.js');
  return built !== here && existsSync(built) ? built : null;
}

interface Outstanding {
  chunk: FeedChunk;
  resolve: (d: DecodedChunk) => void;
}

/**
 * Decodes on a thread of its own, so that the NATS client, alarms and the database's completions
 * keep ingest's thread and decoding uses the second core. Chunks go out as packed buffers and come
 * back as columns, in order. The thread keeps no state: when it dies (a bug, its heap limit), what
 * was outstanding is decoded on ingest's thread at once, nothing is lost, and a new thread starts;
 * after {@link MAX_RESTARTS_PER_MINUTE} failures in a minute ingest keeps decoding itself, and
 * health says so.
 */
export class WorkerDecoder implements Decoder {
  private worker: Worker | null = null;
  private readonly local: ChunkDecoder;
  private readonly outstanding = new Map<number, Outstanding>();
  private nextId = 0;
  private restarts = 0;
  private readonly failures: number[] = [];
  private lastError: string | null = null;
  private closed = false;
  /** When the thread last answered, or was given work while it had none outstanding. */
  private lastAnswerMs = 0;
  private readonly watchdog: NodeJS.Timeout;
  /** 1 while a wall's query runs: the thread waits between messages (decodeWorker.ts). */
  private readonly pauseFlag = new Int32Array(new SharedArrayBuffer(4));
  /** Column buffers of chunks ingest has taken, to hand back to the thread with the next chunk. */
  private returning: ReadingBuffers[] = [];

  constructor(private readonly retentionDays: number, private readonly script: string | null = workerScript(), private readonly answerTimeoutMs = ANSWER_TIMEOUT_MS) {
    this.local = new ChunkDecoder(retentionDays);
    if (script === null) this.lastError = 'the decode thread\'s script was not found: decoding on ingest\'s thread';
    else this.start();
    // a thread that stops answering (stuck, or an answer that could not be read) is replaced like one that died
    this.watchdog = setInterval(() => {
      const w = this.worker;
      if (w && this.outstanding.size > 0 && Date.now() - this.lastAnswerMs > this.answerTimeoutMs) {
        this.failed(w, `the decode thread did not answer for ${this.answerTimeoutMs / 1000} s`);
      }
    }, Math.min(5_000, Math.max(50, this.answerTimeoutMs / 3)));
    this.watchdog.unref();
  }

  pause(on: boolean): void {
    Atomics.store(this.pauseFlag, 0, on ? 1 : 0);
    if (!on) Atomics.notify(this.pauseFlag, 0);
  }

  decode(chunk: FeedChunk): Promise<DecodedChunk> {
    const w = this.worker;
    if (!w) return Promise.resolve(this.decodeHere(chunk));
    const id = ++this.nextId;
    if (this.outstanding.size === 0) this.lastAnswerMs = Date.now();
    return new Promise<DecodedChunk>((resolve) => {
      this.outstanding.set(id, { chunk, resolve });
      const packed = chunk.pack();
      const spares = this.returning;
      this.returning = [];
      w.postMessage({ id, chunk: packed, spares }, [...FeedChunk.transferables(packed), ...spares.flatMap(buffersOf)]);
    });
  }

  recycle(d: DecodedChunk): void {
    if (!this.worker || this.returning.length >= MAX_RETURNING) return;
    const b = readingBuffers(d.readings);
    if (b && !this.returning.some((x) => buffersOf(x).some((y) => buffersOf(b).includes(y)))) this.returning.push(b);
  }

  private decodeHere(chunk: FeedChunk): DecodedChunk {
    const d = this.local.decode(chunk);
    chunk.release();
    return d;
  }

  status(): DecoderStatus {
    return { thread: this.worker ? 'worker' : 'ingest', restarts: this.restarts, lastError: this.lastError };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    const w = this.worker;
    this.worker = null;
    this.drainLocally();
    await w?.terminate();
  }

  private start(): void {
    if (this.script === null) return;
    const w = new Worker(this.script, { workerData: { retentionDays: this.retentionDays, pause: this.pauseFlag.buffer, nice: DECODE_NICE }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    this.worker = w;
    w.on('message', (m: { id: number; decoded: DecodedChunk; chunkBytes?: ArrayBuffer }) => {
      this.lastAnswerMs = Date.now();
      if (m.chunkBytes) chunkBuffers.give(m.chunkBytes);
      const o = this.outstanding.get(m.id);
      if (!o) return;
      this.outstanding.delete(m.id);
      o.chunk.release();
      o.resolve(m.decoded);
    });
    w.on('error', (e) => this.failed(w, `the decode thread failed: ${e.message}`));
    // an answer that cannot be read back would leave its chunk waiting forever
    w.on('messageerror', (e) => this.failed(w, `an answer of the decode thread could not be read: ${e.message}`));
    w.on('exit', (code) => this.failed(w, `the decode thread stopped (exit code ${code})`));
    // the thread must not keep the process alive on its own
    w.unref();
  }

  private failed(w: Worker, why: string): void {
    if (this.worker !== w) return;
    this.worker = null;
    void w.terminate().catch(() => undefined);
    if (this.closed) return;
    this.lastError = why;
    this.drainLocally();
    const now = Date.now();
    this.failures.push(now);
    while ((this.failures[0] ?? now) < now - 60_000) this.failures.shift();
    if (this.failures.length > MAX_RESTARTS_PER_MINUTE) {
      this.lastError = `${why}; it failed ${this.failures.length} times within a minute: decoding on ingest's thread`;
      return;
    }
    this.restarts++;
    this.start();
  }

  /** What the thread had not answered is decoded here, in order. */
  private drainLocally(): void {
    const ids = [...this.outstanding.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const o = this.outstanding.get(id);
      this.outstanding.delete(id);
      if (o) o.resolve(this.decodeHere(o.chunk));
    }
  }
}
