import type { z } from 'zod';
import type { DuckDBValue } from '@duckdb/node-api';
import { QUERY_PARAMS, type QueryName, type QueryResult } from '../../common/engineApi.js';
import type { Columns, Database } from '../store/database.js';

/** A named query: its parameters come from the shared contract, its SQL stays in the engine. */
export interface NamedQuery<N extends QueryName> {
  name: N;
  /** The subjects the figures come from, for provenance. */
  subjects(p: z.infer<(typeof QUERY_PARAMS)[N]>): string;
  range?(p: z.infer<(typeof QUERY_PARAMS)[N]>, nowMs: number): { fromMs: number | null; toMs: number | null };
  /**
   * The SQL as of `nowMs`. `asOf` (replay, docs/replay.md): nothing after `nowMs` may count — the
   * store holds what came later too; live, the store holds nothing later (but for a clock skew).
   */
  sql(p: z.infer<(typeof QUERY_PARAMS)[N]>, nowMs: number, asOf: boolean): { text: string; values: Record<string, DuckDBValue> };
}

export async function runNamedQuery<N extends QueryName>(db: Database, q: NamedQuery<N>, raw: unknown, nowMs: number, signal?: AbortSignal, asOf = false): Promise<QueryResult> {
  const schema = QUERY_PARAMS[q.name] as unknown as z.ZodType<z.infer<(typeof QUERY_PARAMS)[N]>>;
  const p = schema.parse(raw ?? {});
  const { text, values } = q.sql(p, nowMs, asOf);
  const columns: Columns = await db.queryColumns(text, values, signal ? { signal } : {});
  const range = q.range?.(p, nowMs) ?? { fromMs: null, toMs: null };
  return { columns, provenance: { query: q.name, subjects: q.subjects(p), ...range, generatedAtMs: nowMs } };
}

/** Builds `AND col = $name` filters for the optional parameters that are set. */
export function filters(p: Record<string, unknown>, cols: Record<string, string>): { where: string; values: Record<string, DuckDBValue> } {
  const parts: string[] = [];
  const values: Record<string, DuckDBValue> = {};
  for (const [param, col] of Object.entries(cols)) {
    const v = p[param];
    if (typeof v === 'string') {
      parts.push(`${col} = $${param}`);
      values[param] = v;
    }
  }
  return { where: parts.map((s) => ` AND ${s}`).join(''), values };
}

/** The registry as it stood at `$h` (replay): each asset's latest version then. */
export const ASSETS_AS_OF = `(SELECT * FROM asset_versions WHERE ts <= make_timestamptz($h::BIGINT)
  QUALIFY row_number() OVER (PARTITION BY domain, district, asset ORDER BY ts DESC, received_at DESC) = 1)`;

export function subjectPattern(kind: string, p: { domain?: string | undefined; district?: string | undefined; asset?: string | undefined }, withAsset: boolean): string {
  const parts = ['city', kind, p.domain ?? '*', p.district ?? '*'];
  if (withAsset) parts.push(p.asset ?? '*');
  return parts.join('.');
}

export { micros } from '../../common/vocabulary.js';
