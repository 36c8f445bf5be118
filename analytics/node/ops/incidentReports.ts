import { createHash } from 'node:crypto';
import type { Incident } from '../../common/incidents/incident.js';
import { incidentReportBody, type IncidentReport, type IncidentReportBody } from '../../common/incidents/incidentReport.js';
import type { BatchWriter } from '../store/batchWriter.js';
import type { Database } from '../store/database.js';
import { insertIncidentReport, readIncidentSha256 } from '../store/incidentReports.js';

/** The report's SHA-256: of its body as JSON, the same on every engine that applied the same stream. */
export function incidentSha256(body: IncidentReportBody): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/** Keeps the report of an incident just closed (its body and SHA-256) in DuckDB. */
export async function keepIncidentReport(writer: BatchWriter, i: Incident): Promise<void> {
  const body = incidentReportBody(i);
  if (body) await writer.exclusive((c) => insertIncidentReport(c, body, incidentSha256(body)));
}

/**
 * The closing report of an incident as derived now, with the SHA-256 kept when it closed: `verified`
 * when they agree (the OPS stream and the kept report tell the same story). Null while it is open.
 */
export async function incidentReport(db: Database, i: Incident | undefined): Promise<IncidentReport | null> {
  const body = i ? incidentReportBody(i) : null;
  if (!body) return null;
  const sha256 = incidentSha256(body);
  const keptSha256 = await readIncidentSha256(db, body.incident);
  return { body, sha256, keptSha256, verified: keptSha256 === sha256 };
}
