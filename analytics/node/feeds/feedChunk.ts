/**
 * Messages taken from a feed, packed: their subjects, stream sequences and payload bytes side by
 * side in one growing buffer. A chunk is what ingest asks for at a time (one await per chunk, no
 * object per message) and what crosses to the decode thread (its buffers are transferred, not
 * copied).
 */
export class FeedChunk {
  subjects: string[] = [];
  /** Stream sequence of each message; NaN for sources without one. */
  private seqs: Float64Array;
  /** Where each message's payload ends in `bytes`. */
  private ends: Uint32Array;
  private buf: Uint8Array;
  private used = 0;
  /** The source's own record of the chunk's newest message (a JetStream message, for the lag). */
  newest: unknown;

  constructor(messages = 64, bytes = 16_384) {
    this.seqs = new Float64Array(Math.max(1, messages));
    this.ends = new Uint32Array(Math.max(1, messages));
    this.buf = bytes === FULL_CHUNK_START_BYTES ? chunkBuffers.take() : new Uint8Array(Math.max(1, bytes));
  }

  /**
   * Gives the chunk's payload buffer back to the pool once it has been decoded (the decoded rows
   * keep no view of it). The chunk is empty after.
   */
  release(): void {
    chunkBuffers.give(this.buf.buffer);
    this.buf = new Uint8Array(0);
    this.subjects = [];
    this.used = 0;
  }

  get length(): number {
    return this.subjects.length;
  }

  /** Payload bytes held. */
  get bytes(): number {
    return this.used;
  }

  /** Payload bytes it can hold before its buffer grows. */
  get capacity(): number {
    return this.buf.length;
  }

  /** Copies one message in (its payload is not kept by reference: the socket's buffer is freed). */
  push(subject: string, data: Uint8Array, seq: number | null): void {
    const n = this.subjects.length;
    if (n === this.seqs.length) {
      this.seqs = grow(this.seqs, new Float64Array(n * 2));
      this.ends = grow(this.ends, new Uint32Array(n * 2));
    }
    if (this.used + data.length > this.buf.length) {
      this.buf = grow(this.buf.subarray(0, this.used), new Uint8Array(Math.max(this.buf.length * 2, this.used + data.length)));
    }
    this.buf.set(data, this.used);
    this.used += data.length;
    this.subjects.push(subject);
    this.seqs[n] = seq ?? NaN;
    this.ends[n] = this.used;
  }

  seq(i: number): number | null {
    const s = this.seqs[i] as number;
    return Number.isNaN(s) ? null : s;
  }

  data(i: number): Uint8Array {
    return this.buf.subarray(i === 0 ? 0 : (this.ends[i - 1] as number), this.ends[i] as number);
  }

  /** The highest stream sequence held (messages come in order), null when none has one. */
  get lastSeq(): number | null {
    return this.length === 0 ? null : this.seq(this.length - 1);
  }

  /**
   * Copies of the chunk's buffers to post to another thread (transfer them: see {@link transferables}).
   * The chunk keeps its own (they are decoded here should that thread die). The payload's copy goes
   * into a pooled buffer when it fits: the decode thread hands it back with its answer
   * ({@link ChunkBuffers.give}).
   */
  pack(): PackedChunk {
    const n = this.length;
    const bytes = this.used <= FULL_CHUNK_START_BYTES ? chunkBuffers.take().subarray(0, this.used) : new Uint8Array(this.used);
    bytes.set(this.buf.subarray(0, this.used));
    return { subjects: this.subjects.slice(), seqs: this.seqs.slice(0, n), ends: this.ends.slice(0, n), bytes };
  }

  static unpack(p: PackedChunk): FeedChunk {
    const c = new FeedChunk(1, 1);
    c.subjects = p.subjects;
    c.seqs = p.seqs;
    c.ends = p.ends;
    c.buf = p.bytes;
    c.used = p.bytes.length;
    return c;
  }

  /** Buffers of a packed chunk that can be transferred rather than copied. */
  static transferables(p: PackedChunk): ArrayBuffer[] {
    return [p.seqs.buffer, p.ends.buffer, p.bytes.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  }
}

export interface PackedChunk {
  subjects: string[];
  seqs: Float64Array;
  ends: Uint32Array;
  bytes: Uint8Array;
}

function grow<T extends Float64Array | Uint32Array | Uint8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/** A chunk closes at this many messages or payload bytes: the unit of work handed to decoding. */
export const CHUNK_MESSAGES = 4096;
export const CHUNK_BYTES = 256 << 10;
/**
 * A chunk that follows a full one starts at its closing size: {@link CHUNK_BYTES} and room for the
 * message that crosses it (64 KiB, the feed contract's largest). Grown by doubling from a small
 * buffer instead, each chunk would allocate about four times its payload on the way, and those
 * buffers (off the JavaScript heap, kept until their chunk is decoded) force full collections on
 * ingest's thread.
 */
export const FULL_CHUNK_START_BYTES = CHUNK_BYTES + (64 << 10);

/**
 * Payload buffers of full chunks ({@link FULL_CHUNK_START_BYTES} each), reused: a chunk's own
 * buffer once it is decoded, and the copy a chunk sends the decode thread once that thread hands
 * it back. At full rate ingest would otherwise allocate two such buffers per chunk, off the
 * JavaScript heap, and their churn forces full collections on ingest's thread (a wall's answer
 * waits behind each). At most {@link MAX_SPARE} are kept; a buffer of another size is let go.
 */
export class ChunkBuffers {
  private readonly spare: ArrayBuffer[] = [];
  static readonly MAX_SPARE = 16;

  take(): Uint8Array {
    const b = this.spare.pop();
    return b ? new Uint8Array(b) : new Uint8Array(FULL_CHUNK_START_BYTES);
  }

  give(b: ArrayBufferLike): void {
    if (b instanceof ArrayBuffer && b.byteLength === FULL_CHUNK_START_BYTES && this.spare.length < ChunkBuffers.MAX_SPARE && !this.spare.includes(b)) this.spare.push(b);
  }

  get spares(): number {
    return this.spare.length;
  }
}

/** This thread's pool of chunk buffers. */
export const chunkBuffers = new ChunkBuffers();

export interface QueueLimits {
  /** Past this many messages (or bytes) waiting for ingest, a source stops reading... */
  highMessages: number;
  highBytes: number;
  /** A chunk closes at this many messages (default {@link CHUNK_MESSAGES}). */
  chunkMessages?: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = { highMessages: 32_768, highBytes: 32 << 20 };

/**
 * Messages a source took that ingest has not asked for yet, as a queue of chunks. It never refuses
 * a message: the source looks at `full` and stops reading (a stream), or drops and counts (a plain
 * subscription, which cannot be slowed).
 */
export class ChunkQueue {
  private readonly chunks: FeedChunk[] = [];
  /** Messages in the last chunk that closed full (the feed is busy: the next one will fill too); 0 when the feed is quiet. */
  private lastFullMessages = 0;
  private wakeUp: (() => void) | null = null;
  messages = 0;
  bytes = 0;

  constructor(readonly limits: QueueLimits = DEFAULT_QUEUE_LIMITS) {}

  get full(): boolean {
    return this.messages >= this.limits.highMessages || this.bytes >= this.limits.highBytes;
  }

  /** At most half of the limits wait: a stopped reader may start again. */
  get low(): boolean {
    return this.messages * 2 <= this.limits.highMessages && this.bytes * 2 <= this.limits.highBytes;
  }

  /** Queues a message; `last` is kept on its chunk as the chunk's newest message (a source's own record of it). */
  push(subject: string, data: Uint8Array, seq: number | null, last?: unknown): void {
    let tail = this.chunks[this.chunks.length - 1];
    const maxMessages = this.limits.chunkMessages ?? CHUNK_MESSAGES;
    if (!tail || tail.length >= maxMessages || tail.bytes >= CHUNK_BYTES) {
      if (tail) this.lastFullMessages = tail.length;
      tail = this.lastFullMessages > 0 ? new FeedChunk(Math.min(maxMessages, this.lastFullMessages + 1), FULL_CHUNK_START_BYTES) : new FeedChunk();
      this.chunks.push(tail);
    }
    tail.push(subject, data, seq);
    tail.newest = last;
    this.messages++;
    this.bytes += data.length;
    this.wake();
  }

  /** The oldest chunk, or null when none waits. */
  take(): FeedChunk | null {
    const c = this.chunks.shift();
    if (!c) return null;
    // taken before it filled: the feed is quiet, the next chunk starts small
    if (this.chunks.length === 0 && c.length < (this.limits.chunkMessages ?? CHUNK_MESSAGES) && c.bytes < CHUNK_BYTES) this.lastFullMessages = 0;
    this.messages -= c.length;
    this.bytes -= c.bytes;
    return c;
  }

  /** Resolves when a message is pushed or `wake` is called. */
  wait(): Promise<void> {
    return new Promise<void>((r) => (this.wakeUp = r));
  }

  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  clear(): void {
    this.chunks.length = 0;
    this.messages = 0;
    this.bytes = 0;
  }
}
