import type { DuckDBConnection } from '@duckdb/node-api';
import { micros } from '../../common/vocabulary.js';

/** Keeps a generated handover report with its SHA-256, which the leaders' signatures name. */
export async function insertHandoverReport(c: DuckDBConnection, r: { fromMs: number; toMs: number; sha256: string }, json: string): Promise<void> {
  await c.run('INSERT INTO handover_reports VALUES (make_timestamptz($f::BIGINT), make_timestamptz($t::BIGINT), now(), $sha, $json)', {
    f: micros(r.fromMs), t: micros(r.toMs), sha: r.sha256, json,
  });
}
