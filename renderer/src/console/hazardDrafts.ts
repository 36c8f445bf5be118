import type { HazardView } from '../../../analytics/common/ops/controlRoomViews';

/** The dispatch form of one case as the leader left it (kept when the card is collapsed). */
export interface DispatchDraft {
  assignee: string;
  /** The deadline as a local date, yyyy-mm-dd: the case is due by the end of that day. */
  deadline: string;
  measures: string;
  funds: string;
  person: string;
  plan: string;
}

const DAY_MS = 86_400_000;

/** A local date as yyyy-mm-dd (what the console's `DateField` holds). */
export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The end of a local date (23:59:59.999): a case due "on the 30th" is due all that day. */
export function endOfDate(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return Number.NaN;
  return new Date(y, m - 1, d, 23, 59, 59, 999).getTime();
}

/** A new dispatch form: the first responsible party, a week for a major hazard and three days otherwise. */
export function newDispatchDraft(h: HazardView, nowMs: number): DispatchDraft {
  return {
    assignee: h.responsible.owner ?? h.responsible.supervisor ?? '',
    deadline: localDate(nowMs + (h.grade === 'major' ? 7 : 3) * DAY_MS),
    measures: '', funds: '', person: '', plan: '',
  };
}

/**
 * Where a note of a case is kept: one field per stage and per round, so the rectifier's report
 * never pre-fills the verifier's note and a send-back reason never pre-fills the next report.
 */
export function noteKey(h: Pick<HazardView, 'id' | 'stage' | 'sentBack'>): string {
  return `${h.id}:${h.stage}:${h.sentBack}`;
}

/** The five fixed items are complete: all four texts filled and a deadline date given. */
export function fiveItemsFilled(d: DispatchDraft): boolean {
  return [d.measures, d.funds, d.person, d.plan].every((x) => x.trim() !== '') && Number.isFinite(endOfDate(d.deadline));
}
