import type { Domain } from '../city.js';
import type { Priority } from '../vocabulary.js';

/** What the alarm rules say about the data: a condition starting or ending at a data time. */
export { PRIORITIES, type Priority } from '../vocabulary.js';

export interface AlarmTransition {
  /** `<domain>/<district>/<asset>#<rule>` */
  point: string;
  rule: string;
  priority: Priority;
  domain: Domain;
  district: string;
  asset: string;
  metric: string;
  latching: boolean;
  active: boolean;
  /** Data time of the transition. */
  atMs: number;
  value: number | null;
}

/** One raise of an alarm point until it is back to normal. */
export interface Occurrence extends Omit<AlarmTransition, 'active' | 'atMs'> {
  raisedAtMs: number;
  clearedAtMs: number | null;
}

export type AlarmProcessState = 'unack' | 'ack' | 'rtn_unack' | 'latched' | 'normal';

export function occurrenceId(point: string, raisedAtMs: number): string {
  return `${point}@${raisedAtMs}`;
}
