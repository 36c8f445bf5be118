/**
 * The ids already stored, to drop repeats. Bounded: past `capacity` the oldest id is forgotten as
 * each new one arrives (a ring of insertion order beside the set: O(1) per id). The window's size is
 * reported in /api/health and documented in docs/architecture.md. A batch whose commit fails is
 * retried until it commits, so an admitted id is never taken back.
 */
export class IdMemory {
  private readonly ids = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<string | undefined>(capacity);
  }

  get size(): number {
    return this.ids.size;
  }

  /** True when the id is new; remembers it. */
  admit(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.remember(id);
    return true;
  }

  /** Remembers ids loaded from the database at start, oldest first. */
  preload(ids: Iterable<string>): void {
    for (const id of ids) if (!this.ids.has(id)) this.remember(id);
  }

  private remember(id: string): void {
    const old = this.ring[this.next];
    if (old !== undefined) this.ids.delete(old);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.ids.add(id);
  }
}
