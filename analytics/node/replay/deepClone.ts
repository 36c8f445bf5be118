/**
 * A deep copy of a state made of plain data held in class instances, Maps, Sets and arrays: each
 * instance keeps its class (its prototype), shared references stay shared, frozen objects are shared
 * rather than copied. Functions are copied by reference, so it is for data classes only (the control room's state is one: pure and
 * deterministic, no closures over itself).
 */
/** A value a copy can share: a plain value, or frozen data. */
const shared = (x: unknown): boolean => x === null || typeof x !== 'object' || Object.isFrozen(x);

export function deepClone<T>(value: T): T {
  const seen = new Map<object, unknown>();
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    // frozen data never changes: copies share it (the alarm transitions of the history)
    if (Object.isFrozen(v)) return v;
    const known = seen.get(v);
    if (known !== undefined) return known;
    if (Array.isArray(v)) {
      // a list of frozen data or plain values (the alarm history: tens of thousands of transitions) is
      // copied as one slice, not item by item
      if (v.every(shared)) {
        const flat = v.slice();
        seen.set(v, flat);
        return flat;
      }
      const out: unknown[] = [];
      seen.set(v, out);
      for (const x of v) out.push(copy(x));
      return out;
    }
    if (v instanceof Map) {
      let flat = true;
      for (const [k, x] of v) if (!shared(k) || !shared(x)) { flat = false; break; }
      if (flat) {
        const copied = new Map(v);
        seen.set(v, copied);
        return copied;
      }
      const out = new Map<unknown, unknown>();
      seen.set(v, out);
      for (const [k, x] of v) out.set(copy(k), copy(x));
      return out;
    }
    if (v instanceof Set) {
      const out = new Set<unknown>();
      seen.set(v, out);
      for (const x of v) out.add(copy(x));
      return out;
    }
    if (v instanceof Date) return new Date(v.getTime());
    const out = Object.create(Object.getPrototypeOf(v) as object | null) as Record<string, unknown>;
    seen.set(v, out);
    for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k]);
    return out;
  };
  return copy(value) as T;
}
