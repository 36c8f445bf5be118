/** The kinds of message whose ids are unique within their kind (asset records have versions instead). */
export const ID_KINDS = ['reading', 'event', 'inspection'] as const;
export type IdKind = (typeof ID_KINDS)[number];
const KIND_INDEX: Record<IdKind, number> = { reading: 0, event: 1, inspection: 2 };

/** A probe longer than this when placing an id makes the table pick a new seed (at half load, runs average under 2). */
const MAX_PROBES = 64;

/** A string hash: 32-bit FNV-1a over the UTF-16 code units from a per-process random basis, then murmur3's finaliser. */
export type IdHash = (id: string, kind: number, seed: number) => number;

const randomSeed = (): number => (Math.random() * 0x1_0000_0000) >>> 0;

export function seededHash(id: string, kind: number, seed: number): number {
  let h = (0x811c9dc5 ^ seed ^ Math.imul(kind + 1, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The ids already stored, to drop repeats, kept apart per kind: no publisher of one kind can make
 * another kind's message look like a repeat (an id is compared only with ids of its own kind, as
 * it is, with no prefix to forge). Bounded: past `capacity` ids in all, the oldest is forgotten as
 * each new one arrives (a ring of insertion order). The window's size is reported in /api/health and
 * documented in docs/architecture.md.
 *
 * The lookup is an open-addressing table of ring slots in one typed array (linear probing, at most
 * half full, deletions by backward shift): no hash map of millions of strings whose rehash would hold
 * ingest's thread for tens of milliseconds now and then (a JavaScript Map of 2 M ids under eviction
 * did: 150 ms pauses), and no garbage per id. The hash is seeded at random, and a run of colliding
 * ids longer than {@link MAX_PROBES} makes the table pick a new seed and rebuild (at most once per
 * window of admissions): a publisher cannot choose ids that make every lookup a long walk.
 */
export class IdMemory {
  private readonly ringId: (string | undefined)[];
  private readonly ringKind: Uint8Array;
  private readonly ringHash: Uint32Array;
  /** Two words per table cell: ring slot + 1 (0: empty) and the id's hash, so a probe reads one cache line. */
  private readonly table: Int32Array;
  private readonly mask: number;
  private next = 0;
  private count = 0;
  private seed = randomSeed();
  /** Admissions since the table was last rebuilt with a new seed. */
  private sinceReseed = 0;
  /** Times a run of colliding ids made the table pick a new seed (health of the defence, tests). */
  reseeds = 0;

  constructor(readonly capacity: number, private readonly hash: IdHash = seededHash) {
    this.ringId = new Array<string | undefined>(capacity);
    this.ringKind = new Uint8Array(capacity);
    this.ringHash = new Uint32Array(capacity);
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
    const k = KIND_INDEX[kind];
    const h = this.hash(id, k, this.seed) >>> 0;
    if (this.find(k, id, h) >= 0) return false;
    const slot = this.next;
    if (this.ringId[slot] !== undefined) this.removeSlot(slot);
    this.ringId[slot] = id;
    this.ringKind[slot] = k;
    this.ringHash[slot] = h;
    const probes = this.place(slot, h);
    this.next = (slot + 1) % this.capacity;
    this.count++;
    // a long run of colliding ids (ids chosen against the hash, or bad luck): a new seed and a rebuilt
    // table, at most once per window of admissions, so no publisher can make every lookup a long walk
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
    for (let slot = 0; slot < this.capacity; slot++) {
      const id = this.ringId[slot];
      if (id === undefined) continue;
      const h = this.hash(id, this.ringKind[slot] as number, this.seed) >>> 0;
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
    const cell = this.find(k, id, this.hash(id, k, this.seed) >>> 0);
    if (cell < 0) return;
    const slot = (this.table[2 * cell] as number) - 1;
    this.removeCell(cell);
    this.ringId[slot] = undefined;
    this.count--;
  }

  /** Remembers ids loaded from the database at start, oldest first. */
  preload(ids: Iterable<readonly [IdKind, string]>): void {
    for (const [kind, id] of ids) this.admit(kind, id);
  }

  /** The table cell holding (kind, id), or -1. */
  private find(k: number, id: string, h: number): number {
    const { table, mask, ringKind, ringId } = this;
    const hw = h | 0;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = table[2 * i] as number;
      if (e === 0) return -1;
      if (table[2 * i + 1] === hw && ringKind[e - 1] === k && ringId[e - 1] === id) return i;
    }
  }

  /** Drops the id in ring slot `slot` (the oldest, making room). */
  private removeSlot(slot: number): void {
    const { table, mask } = this;
    for (let i = (this.ringHash[slot] as number) & mask; ; i = (i + 1) & mask) {
      const e = table[2 * i] as number;
      if (e === 0) break;
      if (e === slot + 1) {
        this.removeCell(i);
        break;
      }
    }
    this.ringId[slot] = undefined;
    this.count--;
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
