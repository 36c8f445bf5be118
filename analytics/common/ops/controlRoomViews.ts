import type { Domain } from '../city.js';
import type { HazardCase } from '../hazards/hazardCase.js';
import type { AlarmProcessState, Occurrence } from './alarmTransition.js';
import { messageText, type Message } from '../i18n.js';

/**
 * What the engine API sends about the control room: the `ops` topic's snapshot and the alarm and
 * hazard views, action outcomes and handover signatures it is made of. The renderer reads these
 * types; the engine builds them from `ControlRoomState`.
 */

/** An occurrence as the wall and the console show it. */
export interface AlarmView extends Occurrence {
  occurrence: string;
  state: AlarmProcessState;
  active: boolean;
  silenced: boolean;
  ackedBy: string | null;
  /** When it was acknowledged (the operator event's time), null when it is not. */
  ackedAtMs: number | null;
  shelved: { by: string; reason: string; untilMs: number } | null;
  suppressedBy: string | null;
  outOfService: { by: string; record: string } | null;
  /** Shown and sounding: not shelved, suppressed or out of service, and not normal. */
  annunciated: boolean;
  /** During an alarm flood: the point of the first-out alarm this one is grouped under. */
  floodCause: string | null;
}

export interface HazardView extends HazardCase {
  title: string;
  domain: Domain;
  district: string;
  asset: string | null;
  createdAtMs: number;
  responsible: { owner: string | null; supervisor: string | null; approver: string | null };
  source: { kind: 'alarm'; point: string; raisedAtMs: number } | { kind: 'event'; event: string } | { kind: 'inspection'; inspection: string; item: string } | { kind: 'manual' }
    | { kind: 'permit'; finding: string; finding_kind: 'missing' | 'expired' | 'out_of_order' | 'use_changed'; type: string; number: string | null; department: string };
  comments: { atMs: number; by: string; text: string }[];
  attachments: { atMs: number; by: string; name: string; bytes: number; sha256: string }[];
  closedAtMs: number | null;
  lastEventId: string;
}

/** The outcome of one operator event read from the OPS stream (a refusal carries its reason). */
export interface Applied {
  id: string;
  ok: boolean;
  /** The refusal in English (logs, the API)... */
  reason: string | null;
  /** ...and as a code the screens say in their language. */
  message?: Message;
}

export const refusedWith = (id: string, m: Message): Applied => ({ id, ok: false, reason: messageText('en', m), message: m });

export interface Signature {
  shiftStartMs: number;
  shiftEndMs: number;
  as: 'outgoing' | 'incoming';
  name: string;
  device: string;
  atMs: number;
  reportSha256: string;
}

/** The operational picture pushed to walls and consoles on every change (engine API topic `ops`). */
export interface OpsSnapshot {
  version: number;
  atMs: number;
  alarms: AlarmView[];
  /** The alarm lists' counts (alarmRows.ts: `shown` is the number of rows, on the wall and the console alike). */
  kpis: { shown: number; unacknowledged: number; hidden: number; floodNow: boolean; raisedLast10Min: number };
  hazards: { open: number; overdue: number; major: number };
  /** Open cases, overdue first (at most 30): overdue ones stay on the wall until handled (挂牌督办). */
  openHazards: { id: string; title: string; grade: 'major' | 'general'; stage: string; domain: string; district: string; asset: string | null; assignee: string | null; deadlineMs: number | null; overdue: boolean; createdAtMs: number }[];
  districts: { district: string; colour: 'red' | 'orange' | 'yellow' | 'blue'; counts: Record<'red' | 'orange' | 'yellow' | 'blue', number>; worst: string | null }[];
  /** Assets' risk colours, `domain/district/asset` → colour, for every asset not blue (blue is the default). */
  assetRisk: Record<string, 'red' | 'orange' | 'yellow'>;
  /** Red and orange city events handled at a console, newest first (at most 200): a wall releases its takeover of them. */
  eventAcks: { event: string; by: string; atMs: number; hazard: string | null }[];
  pending: { id: string; kind: string; ts: number; device: string; published: boolean }[];
  recent: Applied[];
}
