/** One statement the analyst ran, newest first in the history. */
export interface HistoryEntry {
  sql: string;
  atMs: number;
  /** Rows answered, or the refusal's code / the error, as the run ended. */
  outcome: { rows: number; truncated: boolean; ms: number } | { refused: string };
}

/** The history kept in the browser: at most this many statements, each at most this long. */
export const HISTORY_MAX = 100;
const SQL_MAX = 20_000;
const KEY = 'cityops.analysis.history';

interface Store {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
}

function valid(x: unknown): x is HistoryEntry {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return typeof e['sql'] === 'string' && typeof e['atMs'] === 'number' && typeof e['outcome'] === 'object' && e['outcome'] !== null;
}

/**
 * The analyst's query history on this workstation: newest first, the same statement run again moves
 * to the top instead of being listed twice, bounded in count and size; what another page or an old
 * version wrote that does not read as a history is dropped, never thrown.
 */
export class QueryHistory {
  constructor(private readonly store: Store | null) {}

  list(): HistoryEntry[] {
    try {
      const raw: unknown = JSON.parse(this.store?.getItem(KEY) ?? '[]');
      return Array.isArray(raw) ? raw.filter(valid).slice(0, HISTORY_MAX) : [];
    } catch {
      return [];
    }
  }

  add(e: HistoryEntry): HistoryEntry[] {
    const sql = e.sql.trim().slice(0, SQL_MAX);
    if (sql === '') return this.list();
    const next = [{ ...e, sql }, ...this.list().filter((x) => x.sql.trim() !== sql)].slice(0, HISTORY_MAX);
    try {
      this.store?.setItem(KEY, JSON.stringify(next));
    } catch {
      // a full storage keeps the page working: the history is a convenience
    }
    return next;
  }

  clear(): void {
    try {
      this.store?.setItem(KEY, '[]');
    } catch {
      // as above
    }
  }
}
