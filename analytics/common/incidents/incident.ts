import type { Domain } from '../city.js';
import { entry, type HistoryEntry } from '../hazards/hazardCase.js';
import { message, messageText, type Message, type MessageCode } from '../i18n.js';
import type { AffectedPlace, PartyToNotify } from './affectedArea.js';
import type { ContingencyPlan } from './contingencyPlan.js';

/**
 * An incident (应急处置) opened from a critical alarm or a red event with its type's contingency
 * plan: each step checked with its time and who, each party notified, closed once with a summary.
 * Pure: the same commands give the same incident on every engine.
 */
export interface Incident {
  id: string;
  title: string;
  domain: Domain;
  district: string;
  asset: string | null;
  source: { kind: 'alarm'; point: string; raisedAtMs: number } | { kind: 'event'; event: string };
  center: { lat: number; lon: number };
  plan: ContingencyPlan;
  places: AffectedPlace[];
  notify: PartyToNotify[];
  openedAtMs: number;
  openedBy: string;
  steps: { id: string; doneAtMs: number | null; by: string | null; note: string | null }[];
  notified: { party: string; atMs: number; by: string; note: string | null }[];
  closed: { atMs: number; by: string; summary: string } | null;
  timeline: HistoryEntry[];
}

export type IncidentCommand =
  | { kind: 'step'; by: string; step: string; note: string | null }
  | { kind: 'notify'; by: string; party: string; note: string | null }
  | { kind: 'close'; by: string; summary: string };

export type IncidentRefusal = { refused: string; message: Message };

const refuse = (code: MessageCode, params: Record<string, string | number> = {}): IncidentRefusal => {
  const m = message(code, params);
  return { refused: messageText('en', m), message: m };
};

/** The key of an incident's source: the same alarm occurrence or event never opens two. */
export function sourceKey(s: Incident['source']): string {
  return s.kind === 'alarm' ? `alarm:${s.point}@${s.raisedAtMs}` : `event:${s.event}`;
}

export function newIncident(o: Omit<Incident, 'steps' | 'notified' | 'closed' | 'timeline'>): Incident {
  return {
    ...o, steps: o.plan.steps.map((s) => ({ id: s.id, doneAtMs: null, by: null, note: null })), notified: [], closed: null,
    timeline: [entry(o.openedAtMs, o.openedBy, message('hist_incident_opened', { plan: o.plan.name.zh, planEn: o.plan.name.en, places: o.places.length }))],
  };
}

export function applyIncident(i: Incident, c: IncidentCommand, atMs: number): Incident | IncidentRefusal {
  if (i.closed) return refuse('msg_incident_closed', { incident: i.id });
  const log = (m: Message, next: Partial<Incident>): Incident => ({ ...i, ...next, timeline: [...i.timeline, entry(atMs, c.by, m)] });
  switch (c.kind) {
    case 'step': {
      const s = i.steps.find((x) => x.id === c.step);
      const planned = i.plan.steps.find((x) => x.id === c.step)?.text;
      if (!s || planned === undefined) return refuse('msg_incident_no_step', { step: c.step });
      const text = planned.zh;
      if (s.doneAtMs !== null) return refuse('msg_incident_step_done', { step: text, stepEn: planned.en, by: s.by ?? '' });
      return log(message('hist_incident_step', { step: text, stepEn: planned.en }), {
        steps: i.steps.map((x) => (x.id === c.step ? { ...x, doneAtMs: atMs, by: c.by, note: c.note } : x)),
      });
    }
    case 'notify':
      if (i.notified.some((n) => n.party === c.party)) return refuse('msg_incident_notified', { party: c.party });
      if (i.notified.length >= 100) return refuse('msg_incident_notified', { party: c.party });
      return log(message('hist_incident_notified', { party: c.party }), { notified: [...i.notified, { party: c.party, atMs, by: c.by, note: c.note }] });
    case 'close':
      return log(message('hist_incident_closed', { summary: c.summary }), { closed: { atMs, by: c.by, summary: c.summary } });
  }
}

export function isIncidentRefusal(x: Incident | IncidentRefusal): x is IncidentRefusal {
  return 'refused' in x;
}
