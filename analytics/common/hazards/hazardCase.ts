/**
 * The hazard case (隐患) and its closed loop: found → dispatched → being rectified → awaiting
 * verification → closed, with "sent back" from verification. A major hazard (重大隐患) cannot be
 * dispatched without the five fixed items (五落实: measures, funds, deadline, responsible person,
 * contingency plan). Pure: the same commands give the same case on every engine.
 */
export type { HazardGrade, HazardStage } from '../vocabulary.js';
import type { HazardGrade, HazardStage } from '../vocabulary.js';

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
  history: { atMs: number; by: string; what: string }[];
}

export type HazardCommand =
  | { kind: 'dispatch'; by: string; assignee: string; deadlineMs: number; fiveItems?: FiveItems }
  | { kind: 'start_rectification'; by: string }
  | { kind: 'report_done'; by: string; note: string }
  | { kind: 'verify'; by: string; passed: boolean; note: string }
  | { kind: 'regrade'; by: string; grade: HazardGrade };

export type HazardRefusal = { refused: string };

export const MAX_HISTORY = 500;

export function newHazard(id: string, grade: HazardGrade, by: string, atMs: number): HazardCase {
  return { id, grade, stage: 'found', assignee: null, deadlineMs: null, fiveItems: null, sentBack: 0, history: [{ atMs, by, what: `found (${grade})` }] };
}

function complete(f: FiveItems | undefined): f is FiveItems {
  return f !== undefined && [f.measures, f.funds, f.responsiblePerson, f.contingencyPlan].every((x) => x.trim() !== '') && Number.isFinite(f.deadlineMs);
}

/** Overdue: past its deadline and not closed — escalated (挂牌督办) and kept on the wall. */
export function isOverdue(h: HazardCase, nowMs: number): boolean {
  return h.stage !== 'closed' && h.deadlineMs !== null && nowMs > h.deadlineMs;
}

export function applyHazard(h: HazardCase, c: HazardCommand, atMs: number): HazardCase | HazardRefusal {
  const log = (what: string, next: Partial<HazardCase>): HazardCase => ({
    ...h, ...next, history: [...h.history, { atMs, by: c.by, what }].slice(-MAX_HISTORY),
  });
  switch (c.kind) {
    case 'dispatch':
      if (h.stage !== 'found') return { refused: `cannot dispatch a case that is ${h.stage}` };
      if (c.assignee.trim() === '') return { refused: 'dispatch needs the responsible party' };
      if (!(c.deadlineMs > atMs)) return { refused: 'the deadline must be in the future' };
      if (h.grade === 'major' && !complete(c.fiveItems)) return { refused: 'a major hazard needs the five fixed items (五落实) before dispatch' };
      return log(`dispatched to ${c.assignee}`, { stage: 'dispatched', assignee: c.assignee, deadlineMs: c.deadlineMs, fiveItems: c.fiveItems ?? h.fiveItems });
    case 'start_rectification':
      if (h.stage !== 'dispatched') return { refused: `rectification starts after dispatch, not when ${h.stage}` };
      return log('rectification started', { stage: 'rectifying' });
    case 'report_done':
      if (h.stage !== 'rectifying') return { refused: `only a case being rectified can be reported done (${h.stage})` };
      return log(`reported done: ${c.note}`, { stage: 'verifying' });
    case 'verify':
      if (h.stage !== 'verifying') return { refused: `nothing to verify (${h.stage})` };
      return c.passed
        ? log(`verified and closed: ${c.note}`, { stage: 'closed' })
        : log(`sent back: ${c.note}`, { stage: 'rectifying', sentBack: h.sentBack + 1 });
    case 'regrade':
      if (h.stage === 'closed') return { refused: 'a closed case is not regraded' };
      if (c.grade === 'major' && h.stage !== 'found' && !complete(h.fiveItems ?? undefined)) {
        return { refused: 'regrading to major after dispatch needs the five fixed items first' };
      }
      return log(`regraded ${h.grade} → ${c.grade}`, { grade: c.grade });
  }
}

export function isHazardRefusal(x: HazardCase | HazardRefusal): x is HazardRefusal {
  return 'refused' in x;
}
