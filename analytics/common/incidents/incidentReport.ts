import type { AffectedPlace, PartyToNotify } from './affectedArea.js';
import type { Incident } from './incident.js';

/**
 * The closing report of an incident (处置报告): what happened, the timeline, the actions with who did
 * each, who was notified. Its body is derived from the closed incident alone, so every engine (and
 * a replay) derives the same body and the same SHA-256 (analytics/node/ops/incidentReports.ts).
 */
export interface IncidentReportBody {
  incident: string;
  title: string;
  domain: string;
  district: string;
  asset: string | null;
  source: Incident['source'];
  plan: { id: string; name: { zh: string; en: string }; source: Incident['plan']['source']; radiusM: number; cordonM: number | null };
  center: { lat: number; lon: number };
  openedAtMs: number;
  openedBy: string;
  closedAtMs: number;
  closedBy: string;
  summary: string;
  steps: { id: string; text: { zh: string; en: string }; who: { zh: string; en: string }; doneAtMs: number | null; by: string | null; note: string | null }[];
  places: AffectedPlace[];
  toNotify: PartyToNotify[];
  notified: Incident['notified'];
  timeline: { atMs: number; by: string; what: string; message?: Incident['timeline'][number]['message'] }[];
}

export interface IncidentReport {
  body: IncidentReportBody;
  sha256: string;
  /** The SHA-256 kept when the report was first made; `verified` when the body derived now hashes the same. */
  keptSha256: string | null;
  verified: boolean;
}

/** The report's body; null while the incident is open. */
export function incidentReportBody(i: Incident): IncidentReportBody | null {
  if (!i.closed) return null;
  return {
    incident: i.id, title: i.title, domain: i.domain, district: i.district, asset: i.asset, source: i.source,
    plan: { id: i.plan.id, name: i.plan.name, source: i.plan.source, radiusM: i.plan.radiusM, cordonM: i.plan.cordonM },
    center: i.center, openedAtMs: i.openedAtMs, openedBy: i.openedBy, closedAtMs: i.closed.atMs, closedBy: i.closed.by, summary: i.closed.summary,
    steps: i.plan.steps.map((s) => {
      const done = i.steps.find((x) => x.id === s.id);
      return { id: s.id, text: s.text, who: s.who, doneAtMs: done?.doneAtMs ?? null, by: done?.by ?? null, note: done?.note ?? null };
    }),
    places: i.places, toNotify: i.notify, notified: i.notified,
    timeline: i.timeline.map((e) => ({ atMs: e.atMs, by: e.by, what: e.what, ...(e.message ? { message: e.message } : {}) })),
  };
}
