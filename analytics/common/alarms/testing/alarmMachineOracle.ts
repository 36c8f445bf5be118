import { MAX_SHELVE_MS } from '../../ops/opsEvents.js';

/**
 * The alarm state machine of ISA-18.2 (IEC 62682), adapted to a city: a test oracle, not what the
 * engine runs. The engine derives each occurrence's state from high-water marks (`deriveState` in
 * `ops/alarmPoints.ts`) so that operator events commute with the data; the property tests step this
 * machine beside it and require the same answer. Pure: every transition is a function of the
 * state, a command and the time.
 *
 * Process states (A–E of ISA-18.2): normal, unacknowledged, acknowledged, returned-to-normal
 * unacknowledged, latched. Alarm-management states (F–H): shelved (by an operator, with a reason
 * and a time limit), suppressed by design (a named profile such as flood season), out of service
 * (tied to a maintenance record). While shelved, suppressed or out of service the condition is
 * still tracked, so the alarm comes back in the right state.
 */
export type ProcessState = 'normal' | 'unack' | 'ack' | 'rtn_unack' | 'latched';

export interface AlarmState {
  process: ProcessState;
  /** The alarm condition itself (the threshold is crossed, with deadband and delays applied upstream). */
  active: boolean;
  latching: boolean;
  shelved: { by: string; reason: string; untilMs: number } | null;
  suppressedBy: string | null;
  outOfService: { record: string; by: string } | null;
  /** When the alarm last became active, for stale-alarm KPIs. */
  activeSinceMs: number | null;
  /** Silenced sound (separate from acknowledgement). */
  silenced: boolean;
}

export type AlarmCommand =
  | { kind: 'condition'; active: boolean }
  | { kind: 'acknowledge'; by: string }
  | { kind: 'reset'; by: string }
  | { kind: 'silence'; by: string }
  | { kind: 'shelve'; by: string; reason: string; forMs: number }
  | { kind: 'unshelve'; by: string }
  | { kind: 'suppress'; profile: string }
  | { kind: 'unsuppress'; profile: string }
  | { kind: 'remove_from_service'; by: string; record: string }
  | { kind: 'return_to_service'; by: string };

export type Refusal = { refused: string };

export function initialAlarm(latching = false): AlarmState {
  return { process: 'normal', active: false, latching, shelved: null, suppressedBy: null, outOfService: null, activeSinceMs: null, silenced: false };
}

/** Shown to operators (and sounding) only when not shelved, suppressed or out of service. */
export function isAnnunciated(s: AlarmState): boolean {
  return s.shelved === null && s.suppressedBy === null && s.outOfService === null && s.process !== 'normal';
}

/** Auto-unshelve: a shelved alarm comes back when its time limit passes. */
export function tick(s: AlarmState, nowMs: number): AlarmState {
  return s.shelved !== null && nowMs >= s.shelved.untilMs ? { ...s, shelved: null } : s;
}

function onCondition(s: AlarmState, active: boolean, nowMs: number): AlarmState {
  if (active === s.active) return s;
  if (active) {
    const process: ProcessState = s.process === 'ack' ? 'ack' : 'unack';
    return { ...s, active, process, activeSinceMs: nowMs, silenced: false };
  }
  const process: ProcessState =
    s.process === 'unack' ? (s.latching ? 'unack' : 'rtn_unack')
      : s.process === 'ack' ? (s.latching ? 'latched' : 'normal')
        : s.process;
  return { ...s, active, process, activeSinceMs: null };
}

/** Applies one command at `nowMs`; a command that makes no sense in the state is refused with a reason. */
export function apply(prev: AlarmState, c: AlarmCommand, nowMs: number): AlarmState | Refusal {
  const s = tick(prev, nowMs);
  switch (c.kind) {
    case 'condition':
      return onCondition(s, c.active, nowMs);
    case 'acknowledge':
      if (s.process === 'unack') return { ...s, process: s.active ? 'ack' : (s.latching ? 'latched' : 'normal'), silenced: true };
      if (s.process === 'rtn_unack') return { ...s, process: 'normal', silenced: true };
      return { refused: `nothing to acknowledge (${s.process})` };
    case 'reset':
      if (s.process === 'latched') return { ...s, process: 'normal' };
      return { refused: `only a latched alarm is reset (${s.process})` };
    case 'silence':
      return s.process === 'normal' ? { refused: 'nothing sounding' } : { ...s, silenced: true };
    case 'shelve':
      if (c.reason.trim() === '') return { refused: 'shelving needs a reason' };
      if (!(c.forMs > 0) || c.forMs > MAX_SHELVE_MS) return { refused: `shelving lasts more than 0 and at most ${MAX_SHELVE_MS / 3_600_000} h` };
      if (s.outOfService) return { refused: 'out of service' };
      return { ...s, shelved: { by: c.by, reason: c.reason, untilMs: nowMs + c.forMs } };
    case 'unshelve':
      return s.shelved ? { ...s, shelved: null } : { refused: 'not shelved' };
    case 'suppress':
      return { ...s, suppressedBy: c.profile };
    case 'unsuppress':
      return s.suppressedBy === c.profile ? { ...s, suppressedBy: null } : { refused: `not suppressed by ${c.profile}` };
    case 'remove_from_service':
      if (c.record.trim() === '') return { refused: 'out of service needs a maintenance record' };
      return { ...s, outOfService: { record: c.record, by: c.by }, shelved: null };
    case 'return_to_service':
      return s.outOfService ? { ...s, outOfService: null } : { refused: 'not out of service' };
  }
}

export function isRefusal(x: AlarmState | Refusal): x is Refusal {
  return 'refused' in x;
}
