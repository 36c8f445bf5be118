/**
 * The ids already stored, to drop repeats. Bounded: past `capacity` the oldest ids are forgotten
 * (the size of this window is reported in /api/health and documented in docs/architecture.md).
 * A batch whose commit fails is retried until it commits, so an admitted id is never taken back.
 */
export class IdMemory {
  private readonly ids = new Set<string>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.ids.size;
  }

  /** True when the id is new; remembers it. */
  admit(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.evict();
    return true;
  }

  /** Remembers ids loaded from the database at start. */
  preload(ids: Iterable<string>): void {
    for (const id of ids) this.ids.add(id);
    this.evict();
  }

  private evict(): void {
    let excess = this.ids.size - this.capacity;
    if (excess <= 0) return;
    // A Set iterates in insertion order, so the first entries are the oldest.
    for (const id of this.ids) {
      if (excess-- <= 0) break;
      this.ids.delete(id);
    }
  }
}
