import type { DuckDBConnection } from '@duckdb/node-api';
import type { HandoverReport } from '../../common/ops/handoverReport.js';
import { micros } from '../../common/vocabulary.js';
import type { Database } from './database.js';

/** Keeps a generated handover report with its SHA-256, which the leaders' signatures name. */
export async function insertHandoverReport(c: DuckDBConnection, r: { fromMs: number; toMs: number; sha256: string }, json: string): Promise<void> {
  await c.run('INSERT INTO handover_reports VALUES (make_timestamptz($f::BIGINT), make_timestamptz($t::BIGINT), now(), $sha, $json)', {
    f: micros(r.fromMs), t: micros(r.toMs), sha: r.sha256, json,
  });
}

/** The kept report with this SHA-256, as it was generated (a signed report is shown as signed, never generated anew). */
export async function readHandoverReport(db: Database, sha256: string): Promise<HandoverReport | null> {
  const rows = await db.queryRows('SELECT report::VARCHAR AS report FROM handover_reports WHERE sha256 = $sha ORDER BY generated_at LIMIT 1', { sha: sha256 });
  const json = rows[0]?.['report'];
  return typeof json === 'string' ? (JSON.parse(json) as HandoverReport) : null;
}
