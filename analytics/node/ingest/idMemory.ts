/** The kinds of message whose ids are unique within their kind (asset records have versions instead). */
export const ID_KINDS = ['reading', 'event', 'inspection'] as const;
export type IdKind = (typeof ID_KINDS)[number];
const KIND_INDEX: Record<IdKind, number> = { reading: 0, event: 1, inspection: 2 };

/**
 * The ids already stored, to drop repeats, kept apart per kind: no publisher of one kind can make
 * another kind's message look like a repeat (an id is compared only with ids of its own kind, as
 * it is, with no prefix to forge). Bounded: past `capacity` ids in all, the oldest is forgotten as
 * each new one arrives (a ring of insertion order beside the maps: O(1) per id). The window's size
 * is reported in /api/health and documented in docs/architecture.md.
 */
export class IdMemory {
  /** Per kind: id → its slot in the ring (a slot reused after `forget` must not drop a newer admission). */
  private readonly byKind: Map<string, number>[] = ID_KINDS.map(() => new Map<string, number>());
  private readonly ringId: (string | undefined)[];
  private readonly ringKind: Uint8Array;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.ringId = new Array<string | undefined>(capacity);
    this.ringKind = new Uint8Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** True when the id is new for its kind; remembers it. */
  admit(kind: IdKind, id: string): boolean {
    const ids = this.byKind[KIND_INDEX[kind]] as Map<string, number>;
    if (ids.has(id)) return false;
    this.remember(KIND_INDEX[kind], ids, id);
    return true;
  }

  /**
   * Forgets an admitted id whose row the database refused (quarantined as store_rejected): a later
   * valid copy of that message is then stored instead of being taken for a repeat.
   */
  forget(kind: IdKind, id: string): void {
    if ((this.byKind[KIND_INDEX[kind]] as Map<string, number>).delete(id)) this.count--;
  }

  /** Remembers ids loaded from the database at start, oldest first. */
  preload(ids: Iterable<readonly [IdKind, string]>): void {
    for (const [kind, id] of ids) this.admit(kind, id);
  }

  private remember(k: number, ids: Map<string, number>, id: string): void {
    const slot = this.next;
    const old = this.ringId[slot];
    if (old !== undefined) {
      const oldIds = this.byKind[this.ringKind[slot] as number] as Map<string, number>;
      if (oldIds.get(old) === slot && oldIds.delete(old)) this.count--;
    }
    this.ringId[slot] = id;
    this.ringKind[slot] = k;
    this.next = (slot + 1) % this.capacity;
    ids.set(id, slot);
    this.count++;
  }
}
