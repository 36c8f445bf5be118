/**
 * The hazard case (隐患) and its closed loop: found → dispatched → being rectified → awaiting
 * verification → closed, with "sent back" from verification. A major hazard (重大隐患) cannot be
 * dispatched without the five fixed items (五落实: measures, funds, deadline, responsible person,
 * contingency plan). Pure: the same commands give the same case on every engine.
 */
export type { HazardGrade, HazardStage } from '../vocabulary.js';
import type { HazardGrade, HazardStage } from '../vocabulary.js';
import { message, messageText, type Message, type MessageCode } from '../i18n.js';

export interface FiveItems {
  measures: string;
  funds: string;
  deadlineMs: number;
  responsiblePerson: string;
  contingencyPlan: string;
}

export interface HazardCase {
  id: string;
  grade: HazardGrade;
  stage: HazardStage;
  /** Who it went to: one of the asset's three responsible parties. */
  assignee: string | null;
  deadlineMs: number | null;
  fiveItems: FiveItems | null;
  sentBack: number;
  history: HistoryEntry[];
}

/** One step of a case: `what` in English (logs, reports, the API), `message` for the screens to translate. */
export interface HistoryEntry {
  atMs: number;
  by: string;
  what: string;
  message?: Message;
}

export const entry = (atMs: number, by: string, m: Message): HistoryEntry => ({ atMs, by, what: messageText('en', m), message: m });

export type HazardCommand =
  | { kind: 'dispatch'; by: string; assignee: string; deadlineMs: number; fiveItems?: FiveItems }
  | { kind: 'start_rectification'; by: string }
  | { kind: 'report_done'; by: string; note: string }
  | { kind: 'verify'; by: string; passed: boolean; note: string }
  | { kind: 'regrade'; by: string; grade: HazardGrade };

/** A refusal: the English text for logs and the API, and the message the screens translate. */
export type HazardRefusal = { refused: string; message: Message };

const refuse = (code: MessageCode, params: Record<string, string | number> = {}): HazardRefusal => {
  const m = message(code, params);
  return { refused: messageText('en', m), message: m };
};

export const MAX_HISTORY = 500;

export function newHazard(id: string, grade: HazardGrade, by: string, atMs: number): HazardCase {
  return { id, grade, stage: 'found', assignee: null, deadlineMs: null, fiveItems: null, sentBack: 0, history: [entry(atMs, by, message('hist_found', { grade }))] };
}

function complete(f: FiveItems | undefined): f is FiveItems {
  return f !== undefined && [f.measures, f.funds, f.responsiblePerson, f.contingencyPlan].every((x) => x.trim() !== '') && Number.isFinite(f.deadlineMs);
}

/** Overdue: past its deadline and not closed — escalated (挂牌督办) and kept on the wall. */
export function isOverdue(h: HazardCase, nowMs: number): boolean {
  return h.stage !== 'closed' && h.deadlineMs !== null && nowMs > h.deadlineMs;
}

export function applyHazard(h: HazardCase, c: HazardCommand, atMs: number): HazardCase | HazardRefusal {
  const log = (m: Message, next: Partial<HazardCase>): HazardCase => ({
    ...h, ...next, history: [...h.history, entry(atMs, c.by, m)].slice(-MAX_HISTORY),
  });
  switch (c.kind) {
    case 'dispatch':
      if (h.stage !== 'found') return refuse('msg_dispatch_stage', { stage: h.stage });
      if (c.assignee.trim() === '') return refuse('msg_dispatch_assignee');
      if (!(c.deadlineMs > atMs)) return refuse('msg_deadline_past');
      if (h.grade === 'major' && !complete(c.fiveItems)) return refuse('msg_five_items');
      return log(message('hist_dispatched', { assignee: c.assignee }), { stage: 'dispatched', assignee: c.assignee, deadlineMs: c.deadlineMs, fiveItems: c.fiveItems ?? h.fiveItems });
    case 'start_rectification':
      if (h.stage !== 'dispatched') return refuse('msg_start_stage', { stage: h.stage });
      return log(message('hist_started'), { stage: 'rectifying' });
    case 'report_done':
      if (h.stage !== 'rectifying') return refuse('msg_report_stage', { stage: h.stage });
      return log(message('hist_reported', { note: c.note }), { stage: 'verifying' });
    case 'verify':
      if (h.stage !== 'verifying') return refuse('msg_verify_stage', { stage: h.stage });
      return c.passed
        ? log(message('hist_verified', { note: c.note }), { stage: 'closed' })
        : log(message('hist_sent_back', { note: c.note }), { stage: 'rectifying', sentBack: h.sentBack + 1 });
    case 'regrade':
      if (h.stage === 'closed') return refuse('msg_closed_regrade');
      if (c.grade === 'major' && h.stage !== 'found' && !complete(h.fiveItems ?? undefined)) {
        return refuse('msg_regrade_five');
      }
      return log(message('hist_regraded', { from: h.grade, to: c.grade }), { grade: c.grade });
  }
}

export function isHazardRefusal(x: HazardCase | HazardRefusal): x is HazardRefusal {
  return 'refused' in x;
}
