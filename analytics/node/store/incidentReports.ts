import type { DuckDBConnection } from '@duckdb/node-api';
import type { IncidentReportBody } from '../../common/incidents/incidentReport.js';
import { micros } from '../../common/vocabulary.js';
import type { Database } from './database.js';

/** Keeps an incident's closing report with its SHA-256 (once: the first kept is the one that counts). */
export async function insertIncidentReport(c: DuckDBConnection, body: IncidentReportBody, sha256: string): Promise<void> {
  await c.run(`INSERT INTO incident_reports SELECT $i, make_timestamptz($c::BIGINT), now(), $sha, $json
    WHERE NOT EXISTS (SELECT 1 FROM incident_reports WHERE incident = $i)`, {
    i: body.incident, c: micros(body.closedAtMs), sha: sha256, json: JSON.stringify(body),
  });
}

/** The SHA-256 kept for an incident's report, null when none was kept. */
export async function readIncidentSha256(db: Database, incident: string): Promise<string | null> {
  const rows = await db.queryRows('SELECT sha256 FROM incident_reports WHERE incident = $i ORDER BY generated_at LIMIT 1', { i: incident });
  const sha = rows[0]?.['sha256'];
  return typeof sha === 'string' ? sha : null;
}
