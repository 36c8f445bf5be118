import { z } from 'zod';
import { DOMAINS } from '../city.js';
import { assetKey } from '../vocabulary.js';
import { PRIORITIES } from '../vocabulary.js';

/**
 * Alarm rules: per domain and metric, a setpoint with deadband, on- and off-delays, or a rate of
 * change, or "no data". Every default names the standard it comes from (docs/alarm-rules.md).
 */
export const AlarmRuleSchema = z.object({
  id: z.string().regex(/^[a-z0-9_.-]{1,64}$/),
  domain: z.enum(DOMAINS),
  metric: z.string().regex(/^[a-z0-9_]{1,64}$/),
  kind: z.enum(['high', 'low', 'rate', 'no_data']),
  /** high/low: the setpoint; rate: the change per minute (absolute); no_data: unused. */
  setpoint: z.number().finite().default(0),
  /** The value must come back this far past the setpoint before the alarm clears (chatter guard). */
  deadband: z.number().min(0).default(0),
  /** The condition must hold this long (by data time) before the alarm raises. */
  onDelayS: z.number().min(0).max(3600).default(0),
  /** The condition must be gone this long before the alarm clears. */
  offDelayS: z.number().min(0).max(3600).default(0),
  /** rate: the change is measured over at least this long (one noisy sample step is not a trend). */
  rateWindowS: z.number().min(1).max(3600).default(60),
  /** no_data: silent for this long. */
  silentS: z.number().min(1).max(86_400).default(300),
  priority: z.enum(PRIORITIES),
  latching: z.boolean().default(false),
  title: z.object({ zh: z.string().min(1), en: z.string().min(1) }),
  source: z.string().min(1),
  /** What the duty officer does when it sounds, from the standard in `source` (shown on the takeover and the asset view). */
  guidance: z.object({ zh: z.string().min(1), en: z.string().min(1) }).optional(),
});
export type AlarmRule = z.infer<typeof AlarmRuleSchema>;
export const AlarmRulesSchema = z.array(AlarmRuleSchema).refine((rs) => new Set(rs.map((r) => r.id)).size === rs.length, 'rule ids must be unique');

export interface Transition {
  ruleId: string;
  key: string;
  active: boolean;
  atMs: number;
  value: number | null;
}

interface RuleState {
  active: boolean;
  /** when the raw condition started holding (for the on-delay) */
  pendingSinceMs: number | null;
  /** when the raw condition stopped holding while active (for the off-delay) */
  clearingSinceMs: number | null;
  lastTsMs: number;
  lastValue: number;
  /** no_data: when this engine last received a reading of the series (wall clock) */
  lastSeenMs: number;
  /** rate: the start of the current measuring window */
  refTsMs: number;
  refValue: number;
}

const freshState = (active: boolean, tsMs: number, value: number, seenMs: number): RuleState => ({
  active, pendingSinceMs: null, clearingSinceMs: null, lastTsMs: tsMs, lastValue: value, lastSeenMs: seenMs, refTsMs: tsMs, refValue: value,
});

/**
 * Evaluates readings against the rules and says when an alarm condition starts or ends. Pure and
 * bounded: state is kept per (asset, rule) up to `maxStates`.
 */
export class AlarmEvaluator {
  private readonly byMetric = new Map<string, AlarmRule[]>();
  private readonly noData: AlarmRule[];
  private readonly states = new Map<string, RuleState>();

  constructor(rules: AlarmRule[], private readonly maxStates = 500_000) {
    for (const r of rules) {
      if (r.kind === 'no_data') continue;
      const k = `${r.domain}/${r.metric}`;
      this.byMetric.set(k, [...(this.byMetric.get(k) ?? []), r]);
    }
    this.noData = rules.filter((r) => r.kind === 'no_data');
  }

  get size(): number {
    return this.states.size;
  }

  /** One reading; `receivedMs` is when it arrived (for "no data"), its data time by default. */
  reading(domain: string, district: string, asset: string, metric: string, tsMs: number, value: number, receivedMs = tsMs): Transition[] {
    const out: Transition[] = [];
    const seriesKey = assetKey(domain, district, asset);
    for (const r of this.byMetric.get(`${domain}/${metric}`) ?? []) {
      const key = `${seriesKey}#${r.id}`;
      let s = this.states.get(key);
      if (!s) {
        if (this.states.size >= this.maxStates) continue;
        s = freshState(false, tsMs, value, receivedMs);
        this.states.set(key, s);
        if (r.kind === 'rate') continue;
      }
      if (tsMs < s.lastTsMs) continue; // late data does not rewrite alarm history
      if (r.kind === 'rate' && tsMs - s.refTsMs < r.rateWindowS * 1000) {
        // inside the measuring window: no new judgement yet
        s.lastTsMs = tsMs;
        s.lastValue = value;
        continue;
      }
      const raw = this.condition(r, s, tsMs, value);
      if (r.kind === 'rate') {
        s.refTsMs = tsMs;
        s.refValue = value;
      }
      this.step(r, s, key, raw, tsMs, value, out);
      s.lastTsMs = tsMs;
      s.lastValue = value;
    }
    for (const r of this.noData) {
      if (r.domain !== domain || r.metric !== metric) continue;
      const key = `${seriesKey}#${r.id}`;
      const s = this.states.get(key);
      if (!s) {
        if (this.states.size < this.maxStates) this.states.set(key, freshState(false, tsMs, value, receivedMs));
        continue;
      }
      s.lastTsMs = Math.max(s.lastTsMs, tsMs);
      s.lastSeenMs = Math.max(s.lastSeenMs, receivedMs);
      if (s.active) {
        s.active = false;
        out.push({ ruleId: r.id, key, active: false, atMs: tsMs, value });
      }
    }
    return out;
  }

  /**
   * Time passing: "no data". A series is silent when both its newest data and its newest arrival
   * are older than `silentS`: replaying a backlog of old data is not silence.
   */
  tick(nowMs: number): Transition[] {
    const out: Transition[] = [];
    if (this.noData.length === 0) return out;
    const byId = new Map(this.noData.map((r) => [r.id, r]));
    for (const [key, s] of this.states) {
      if (s.active) continue;
      const r = byId.get(key.slice(key.lastIndexOf('#') + 1));
      if (!r) continue;
      {
        if (nowMs - s.lastTsMs >= r.silentS * 1000 && nowMs - s.lastSeenMs >= r.silentS * 1000) {
          s.active = true;
          // stamped with the data time it fell silent, not the time this engine noticed: every engine agrees
          out.push({ ruleId: r.id, key, active: true, atMs: s.lastTsMs + r.silentS * 1000, value: null });
        }
      }
    }
    return out;
  }

  /** Restores a point's state after a restart (from the alarm log committed with the data). */
  restore(key: string, active: boolean, tsMs: number, value: number | null): void {
    const s = this.states.get(key);
    if (s) {
      s.active = active;
      s.lastTsMs = Math.max(s.lastTsMs, tsMs);
      return;
    }
    if (this.states.size < this.maxStates) {
      this.states.set(key, freshState(active, tsMs, value ?? 0, tsMs));
    }
  }

  private condition(r: AlarmRule, s: RuleState, tsMs: number, v: number): boolean {
    switch (r.kind) {
      case 'high': return s.active ? v > r.setpoint - r.deadband : v >= r.setpoint;
      case 'low': return s.active ? v < r.setpoint + r.deadband : v <= r.setpoint;
      case 'rate': {
        const dtMin = (tsMs - s.refTsMs) / 60_000;
        return dtMin > 0 && Math.abs(v - s.refValue) / dtMin >= r.setpoint;
      }
      case 'no_data': return false;
    }
  }

  private step(r: AlarmRule, s: RuleState, key: string, raw: boolean, tsMs: number, value: number, out: Transition[]): void {
    if (!s.active) {
      if (!raw) {
        s.pendingSinceMs = null;
        return;
      }
      s.pendingSinceMs ??= tsMs;
      if (tsMs - s.pendingSinceMs >= r.onDelayS * 1000) {
        s.active = true;
        s.pendingSinceMs = null;
        s.clearingSinceMs = null;
        out.push({ ruleId: r.id, key, active: true, atMs: tsMs, value });
      }
      return;
    }
    if (raw) {
      s.clearingSinceMs = null;
      return;
    }
    s.clearingSinceMs ??= tsMs;
    if (tsMs - s.clearingSinceMs >= r.offDelayS * 1000) {
      s.active = false;
      s.clearingSinceMs = null;
      out.push({ ruleId: r.id, key, active: false, atMs: tsMs, value });
    }
  }
}
