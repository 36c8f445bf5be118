import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { SQL_MAX_CHARS, type SavedQuery } from '../../common/analysis.js';

/** The most queries kept in one place: one more is refused (delete one first). */
export const MAX_SAVED_QUERIES = 500;

/** Saved queries: in the engine's database (live) or in an opened bundle's folder. */
export interface SavedQueryStore {
  list(): Promise<SavedQuery[]>;
  /** Keeps the query, replacing one of the same name; refused past MAX_SAVED_QUERIES (`SavedQueryRefused`). */
  save(q: SavedQuery): Promise<SavedQuery>;
  remove(name: string): Promise<boolean>;
}

/** A save the store refuses (too many kept). */
export class SavedQueryRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SavedQueryRefused';
  }
}

const SavedQuerySchema = z.object({
  name: z.string().min(1).max(100), sql: z.string().min(1).max(SQL_MAX_CHARS), description: z.string().max(2000),
  savedAtMs: z.number(), savedBy: z.string().max(100),
});
const SavedFileSchema = z.object({ format: z.literal('cityops-saved-queries'), version: z.literal(1), queries: z.array(SavedQuerySchema).max(MAX_SAVED_QUERIES) });

/** The folder of a bundle that holds what the analyst added (verifyBundle ignores it, and only it). */
export const BUNDLE_ANALYSIS_DIR = 'analysis';
export const BUNDLE_SAVED_FILE = 'saved-queries.json';

/**
 * Saved queries of an opened bundle: `<bundle>/analysis/saved-queries.json`, written whole to a
 * temporary file and renamed over the old one (a crash leaves the old or the new, never half).
 */
export class BundleSavedQueries implements SavedQueryStore {
  private lock: Promise<unknown> = Promise.resolve();

  constructor(private readonly bundleDir: string) {}

  private get file(): string {
    return join(this.bundleDir, BUNDLE_ANALYSIS_DIR, BUNDLE_SAVED_FILE);
  }

  private read(): SavedQuery[] {
    if (!existsSync(this.file)) return [];
    try {
      const parsed = SavedFileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data.queries : [];
    } catch {
      return [];
    }
  }

  private write(queries: SavedQuery[]): void {
    mkdirSync(join(this.bundleDir, BUNDLE_ANALYSIS_DIR), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ format: 'cityops-saved-queries', version: 1, queries }, null, 2)}\n`);
    renameSync(tmp, this.file);
  }

  private serial<T>(fn: () => T): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  list(): Promise<SavedQuery[]> {
    return this.serial(() => this.read().sort((a, b) => a.name.localeCompare(b.name)));
  }

  save(q: SavedQuery): Promise<SavedQuery> {
    return this.serial(() => {
      const all = this.read().filter((x) => x.name !== q.name);
      if (all.length >= MAX_SAVED_QUERIES) throw new SavedQueryRefused(`${MAX_SAVED_QUERIES} queries are saved already: delete one first`);
      this.write([...all, q]);
      return q;
    });
  }

  remove(name: string): Promise<boolean> {
    return this.serial(() => {
      const all = this.read();
      const rest = all.filter((x) => x.name !== name);
      if (rest.length === all.length) return false;
      this.write(rest);
      return true;
    });
  }
}

/**
 * Saved queries of the live engine: the `saved_queries` table (migration 4), written through the
 * engine's one writer connection (`write`) and read through `read`.
 */
export class DbSavedQueries implements SavedQueryStore {
  constructor(
    private readonly write: <T>(fn: (c: DuckDBConnection) => Promise<T>) => Promise<T>,
    private readonly read: (sql: string) => Promise<Record<string, string | number | boolean | null>[]>,
  ) {}

  async list(): Promise<SavedQuery[]> {
    const rows = await this.read('SELECT name, sql, description, epoch_ms(saved_at)::DOUBLE AS saved_at_ms, saved_by FROM saved_queries ORDER BY name');
    return rows.map((r) => ({ name: String(r['name']), sql: String(r['sql']), description: String(r['description']), savedAtMs: Number(r['saved_at_ms']), savedBy: String(r['saved_by']) }));
  }

  save(q: SavedQuery): Promise<SavedQuery> {
    return this.write(async (c) => {
      const n = Number((await c.runAndReadAll('SELECT count(*) FROM saved_queries WHERE name <> $name', { name: q.name })).getRows()[0]?.[0] ?? 0);
      if (n >= MAX_SAVED_QUERIES) throw new SavedQueryRefused(`${MAX_SAVED_QUERIES} queries are saved already: delete one first`);
      await c.run('BEGIN TRANSACTION');
      try {
        await c.run('DELETE FROM saved_queries WHERE name = $name', { name: q.name });
        await c.run('INSERT INTO saved_queries VALUES ($name, $sql, $description, make_timestamp($at::BIGINT * 1000), $by)',
          { name: q.name, sql: q.sql, description: q.description, at: q.savedAtMs, by: q.savedBy });
        await c.run('COMMIT');
      } catch (e) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
      return q;
    });
  }

  remove(name: string): Promise<boolean> {
    return this.write(async (c) => {
      const r = await c.run('DELETE FROM saved_queries WHERE name = $name', { name });
      return r.rowsChanged > 0;
    });
  }
}
