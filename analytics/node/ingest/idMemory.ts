/** The kinds of message whose ids are unique within their kind (asset records have versions instead). */
export const ID_KINDS = ['reading', 'event', 'inspection'] as const;
export type IdKind = (typeof ID_KINDS)[number];
const KIND_INDEX: Record<IdKind, number> = { reading: 0, event: 1, inspection: 2 };

/** A probe longer than this when placing an id makes the table pick a new seed (at half load, runs average under 2). */
const MAX_PROBES = 64;

/** A hash of an id's UTF-8 bytes `[start, end)`: 32-bit FNV-1a from a per-process random basis, then murmur3's finaliser. */
export type IdHash = (bytes: Uint8Array, start: number, end: number, kind: number, seed: number) => number;

const randomSeed = (): number => (Math.random() * 0x1_0000_0000) >>> 0;

export function seededHash(bytes: Uint8Array, start: number, end: number, kind: number, seed: number): number {
  let h = (0x811c9dc5 ^ seed ^ Math.imul(kind + 1, 0x9e3779b1)) >>> 0;
  for (let i = start; i < end; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Bytes of the id arena per id of capacity by default: ids longer on average shorten the window (bounded by bytes too). */
export const ID_ARENA_BYTES_PER_ID = 40;
/** An id is at most 128 UTF-16 units (the contract): at most 384 bytes of UTF-8. */
const MAX_ID_BYTES = 384;

const utf8 = new TextEncoder();

/**
 * The ids already stored, to drop repeats, kept apart per kind: no publisher of one kind can make
 * another kind's message look like a repeat (an id is compared only with ids of its own kind, as
 * it is, with no prefix to forge). Bounded: past `capacity` ids in all, or past the arena's bytes,
 * the oldest are forgotten as new ones arrive (a ring of insertion order). The window's size is
 * reported in /api/health and documented in docs/architecture.md.
 *
 * The ids are kept as UTF-8 bytes in one circular arena (readings arrive from the decode thread as
 * bytes: no string per id is made on ingest's thread, and nothing per id is left for the garbage
 * collector), looked up through an open-addressing table of ring slots in one typed array (linear
 * probing, at most half full, deletions by backward shift). The hash is seeded at random, and a run
 * of colliding ids longer than {@link MAX_PROBES} makes the table pick a new seed and rebuild (at
 * most once per window of admissions): a publisher cannot choose ids that make every lookup a long walk.
 */
export class IdMemory {
  private readonly arena: Uint8Array;
  /** Per ring slot: where its bytes start in the arena, their length, the bytes skipped before them at a wrap, kind, hash, live. */
  private readonly ringStart: Uint32Array;
  private readonly ringLen: Uint16Array;
  private readonly ringSkip: Uint16Array;
  private readonly ringKind: Uint8Array;
  private readonly ringHash: Uint32Array;
  private readonly ringLive: Uint8Array;
  /** Two words per table cell: ring slot + 1 (0: empty) and the id's hash, so a probe reads one cache line. */
  private readonly table: Int32Array;
  private readonly mask: number;
  /** The oldest occupied ring slot, how many are occupied (forgotten ones too, until their turn), the arena's next byte and bytes in use. */
  private tail = 0;
  private occupied = 0;
  private head = 0;
  private used = 0;
  private count = 0;
  private seed = randomSeed();
  /** Admissions since the table was last rebuilt with a new seed. */
  private sinceReseed = 0;
  /** Times a run of colliding ids made the table pick a new seed (health of the defence, tests). */
  reseeds = 0;
  private readonly scratch = new Uint8Array(MAX_ID_BYTES * 2);

  constructor(readonly capacity: number, private readonly hash: IdHash = seededHash, arenaBytes = capacity * ID_ARENA_BYTES_PER_ID) {
    this.arena = new Uint8Array(Math.max(arenaBytes, 2 * MAX_ID_BYTES));
    this.ringStart = new Uint32Array(capacity);
    this.ringLen = new Uint16Array(capacity);
    this.ringSkip = new Uint16Array(capacity);
    this.ringKind = new Uint8Array(capacity);
    this.ringHash = new Uint32Array(capacity);
    this.ringLive = new Uint8Array(capacity);
    let cells = 16;
    while (cells < capacity * 2) cells *= 2;
    this.table = new Int32Array(cells * 2);
    this.mask = cells - 1;
  }

  get size(): number {
    return this.count;
  }

  /** True when the id is new for its kind; remembers it. */
  admit(kind: IdKind, id: string): boolean {
    const b = this.bytesOf(id);
    return this.admitBytes(kind, b, 0, utf8.encodeInto(id, b).written);
  }

  /** {@link admit} for an id given as UTF-8 bytes `[start, end)` (at most 384 of them). */
  admitBytes(kind: IdKind, bytes: Uint8Array, start: number, end: number): boolean {
    const k = KIND_INDEX[kind];
    const len = end - start;
    // the contract bounds ids far below this; one longer still could not be remembered, and is let through
    if (len > this.arena.length / 2) return true;
    const h = this.hash(bytes, start, end, k, this.seed) >>> 0;
    if (this.find(k, bytes, start, end, h) >= 0) return false;
    // room: the oldest go (whole slots, in order) until the ring has a slot and the arena the bytes
    let at = this.head;
    let skip = 0;
    if (at + len > this.arena.length) {
      skip = this.arena.length - at;
      at = 0;
    }
    while (this.occupied > 0 && (this.occupied === this.capacity || this.used + len + skip > this.arena.length)) this.evictOldest();
    const slot = (this.tail + this.occupied) % this.capacity;
    // byte by byte: a view per id would be garbage the collector keeps until a full collection
    for (let b = 0; b < len; b++) this.arena[at + b] = bytes[start + b] as number;
    this.ringStart[slot] = at;
    this.ringLen[slot] = len;
    this.ringSkip[slot] = skip;
    this.ringKind[slot] = k;
    this.ringHash[slot] = h;
    this.ringLive[slot] = 1;
    this.head = at + len;
    this.used += len + skip;
    this.occupied++;
    const probes = this.place(slot, h);
    this.count++;
    if (++this.sinceReseed > this.capacity && probes > MAX_PROBES) this.reseed();
    return true;
  }

  /** Puts ring slot `slot` (hash `h`) in the first free cell from its home; returns the cells walked. */
  private place(slot: number, h: number): number {
    let i = h & this.mask;
    let probes = 0;
    while (this.table[2 * i] !== 0) {
      i = (i + 1) & this.mask;
      probes++;
    }
    this.table[2 * i] = slot + 1;
    this.table[2 * i + 1] = h | 0;
    return probes;
  }

  /** A new seed: every remembered id hashed again into an empty table. */
  private reseed(): void {
    this.seed = randomSeed();
    this.sinceReseed = 0;
    this.reseeds++;
    this.table.fill(0);
    for (let n = 0; n < this.occupied; n++) {
      const slot = (this.tail + n) % this.capacity;
      if (!this.ringLive[slot]) continue;
      const from = this.ringStart[slot] as number;
      const h = this.hash(this.arena, from, from + (this.ringLen[slot] as number), this.ringKind[slot] as number, this.seed) >>> 0;
      this.ringHash[slot] = h;
      this.place(slot, h);
    }
  }

  /**
   * Forgets an admitted id whose row the database refused (quarantined as store_rejected): a later
   * valid copy of that message is then stored instead of being taken for a repeat.
   */
  forget(kind: IdKind, id: string): void {
    const k = KIND_INDEX[kind];
    const b = this.bytesOf(id);
    const { written } = utf8.encodeInto(id, b);
    const cell = this.find(k, b, 0, written, this.hash(b, 0, written, k, this.seed) >>> 0);
    if (cell < 0) return;
    const slot = (this.table[2 * cell] as number) - 1;
    this.removeCell(cell);
    // its bytes stay until its turn in the ring comes
    this.ringLive[slot] = 0;
    this.count--;
  }

  /** Room for an id's UTF-8 (three bytes per UTF-16 unit at most). */
  private bytesOf(id: string): Uint8Array {
    return id.length * 3 <= this.scratch.length ? this.scratch : new Uint8Array(id.length * 3);
  }

  /** Remembers ids loaded from the database at start, oldest first. */
  preload(ids: Iterable<readonly [IdKind, string]>): void {
    for (const [kind, id] of ids) this.admit(kind, id);
  }

  /** The table cell holding (kind, id), or -1. */
  private find(k: number, bytes: Uint8Array, start: number, end: number, h: number): number {
    const { table, mask, ringKind, ringLen, ringStart, arena } = this;
    const hw = h | 0;
    const len = end - start;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = table[2 * i] as number;
      if (e === 0) return -1;
      const slot = e - 1;
      if (table[2 * i + 1] !== hw || ringKind[slot] !== k || ringLen[slot] !== len) continue;
      const from = ringStart[slot] as number;
      let j = 0;
      while (j < len && arena[from + j] === bytes[start + j]) j++;
      if (j === len) return i;
    }
  }

  /** Frees the oldest ring slot (dropping its id from the table when it is still remembered). */
  private evictOldest(): void {
    const slot = this.tail;
    if (this.ringLive[slot]) {
      const { table, mask } = this;
      for (let i = (this.ringHash[slot] as number) & mask; ; i = (i + 1) & mask) {
        const e = table[2 * i] as number;
        if (e === 0) break;
        if (e === slot + 1) {
          this.removeCell(i);
          break;
        }
      }
      this.ringLive[slot] = 0;
      this.count--;
    }
    this.used -= (this.ringLen[slot] as number) + (this.ringSkip[slot] as number);
    this.tail = (slot + 1) % this.capacity;
    this.occupied--;
  }

  /** Empties a cell and shifts back the entries after it whose probe passed over it. */
  private removeCell(cell: number): void {
    const { table, mask } = this;
    let hole = cell;
    for (let j = (cell + 1) & mask; ; j = (j + 1) & mask) {
      const e = table[2 * j] as number;
      if (e === 0) break;
      const home = (table[2 * j + 1] as number) & mask;
      // the entry at j may move into the hole unless its home lies cyclically in (hole, j]
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!stays) {
        table[2 * hole] = e;
        table[2 * hole + 1] = table[2 * j + 1] as number;
        hole = j;
      }
    }
    table[2 * hole] = 0;
  }
}
