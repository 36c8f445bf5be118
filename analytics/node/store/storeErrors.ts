/**
 * Why a commit failed: the data (the same rows fail again, whatever the machine), the environment
 * (disk full, I/O, memory: retrying later can succeed) or unknown (then splitting the batch
 * decides: a row that fails alone is the data).
 *
 * Only the error's kind is read, the `<Kind> Error:` DuckDB puts first: the rest of a message can
 * quote the refused input, and input saying "No space left" must not pass for a full disk.
 */
export type StoreErrorClass = 'data' | 'environment' | 'unknown';

const ENVIRONMENT_KINDS = new Set(['IO', 'Out of Memory', 'FATAL', 'Fatal', 'Interrupt', 'Permission', 'Connection']);
const DATA_KINDS = new Set(['Conversion', 'Invalid Input', 'Out of Range', 'Constraint', 'Mismatch Type']);
/** Errors of the value binding in the client library (thrown before DuckDB sees the statement). */
const BINDING = /^(bigint out of (int64|uint64) range|Cannot create values of type)/i;
/** The operating system's words for a full or failing disk, found outside a quoted input. */
const OS_ENVIRONMENT = /^(ENOSPC|EIO|EROFS|ENOMEM)\b|No space left on device|Could not write file|could not allocate/i;

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function storeErrorClass(e: unknown): StoreErrorClass {
  const m = errorMessage(e);
  const kind = /^([A-Za-z ]{2,40}) Error: /.exec(m)?.[1];
  if (kind !== undefined) {
    if (ENVIRONMENT_KINDS.has(kind)) return 'environment';
    if (DATA_KINDS.has(kind)) return 'data';
    return 'unknown';
  }
  if (BINDING.test(m)) return 'data';
  // no DuckDB kind: a system error from below (the first line only, before any quoted input)
  if (OS_ENVIRONMENT.test(m.split('\n', 1)[0] ?? '')) return 'environment';
  return 'unknown';
}
