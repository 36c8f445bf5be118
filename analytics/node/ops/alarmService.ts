import { readFileSync } from 'node:fs';
import { AlarmEvaluator, AlarmRulesSchema, type AlarmRule, type Transition } from '../../common/alarms/alarmRules.js';
import type { Domain } from '../../common/city.js';
import type { AlarmTransition } from '../../common/ops/alarmTransition.js';
import type { ControlRoomState } from '../../common/ops/controlRoomState.js';
import { readAlarmsToRestore } from '../store/alarmLog.js';
import type { Batch, Series } from '../store/batch.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { issuesText } from '../../common/vocabulary.js';

const BAD_QUALITY = 2;

/** Reads and validates an alarm rules file; a bad file is a clear error naming the problem. */
export function loadAlarmRules(path: string): AlarmRule[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`alarm rules ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = AlarmRulesSchema.safeParse(raw);
  if (!r.success) throw new Error(`alarm rules ${path}: ${issuesText(r.error)}`);
  return r.data;
}

/**
 * Evaluates every batch's readings against the rules before the batch commits; the transitions go
 * into the same transaction (alarm_log) and, once committed, into the control room's state.
 */
export class AlarmService {
  private readonly evaluator: AlarmEvaluator;
  private readonly rules = new Map<string, AlarmRule>();
  private readonly ruled = new Set<string>();

  constructor(rules: AlarmRule[], private readonly state: ControlRoomState) {
    this.evaluator = new AlarmEvaluator(rules);
    for (const r of rules) {
      this.rules.set(r.id, r);
      this.ruled.add(`${r.domain}/${r.metric}`);
    }
  }

  /**
   * Judges the batch's readings not judged yet and adds their transitions to it; returns the new
   * transitions. Called as readings are taken (so an alarm does not wait for its batch to close)
   * and once more when the batch closes. Only series that some rule watches are looked at.
   */
  evaluate(batch: Batch): AlarmTransition[] {
    const r = batch.readings;
    const out: AlarmTransition[] = [];
    if (batch.alarmsJudged >= r.length) return out;
    for (let ix = batch.watched.length; ix < r.series.length; ix++) {
      const s = r.series[ix] as Series;
      batch.watched.push(this.ruled.has(`${s.domain}/${s.metric}`));
    }
    const receivedMs = Date.now();
    for (let i = batch.alarmsJudged; i < r.length; i++) {
      const ix = r.seriesIx[i] as number;
      if (!batch.watched[ix] || r.quality[i] === BAD_QUALITY) continue;
      const s = r.series[ix] as Series;
      for (const t of this.evaluator.reading(s.domain, s.district, s.asset, s.metric, r.tsMs[i] as number, r.value[i] as number, receivedMs)) {
        const a = this.toTransition(t);
        if (a) out.push(a);
      }
    }
    batch.alarmsJudged = r.length;
    batch.alarms.push(...out);
    return out;
  }

  /** "No data" rules: time passing. The caller stores the transitions and then applies them. */
  tick(nowMs: number): AlarmTransition[] {
    return this.evaluator.tick(nowMs).map((t) => this.toTransition(t)).filter((t): t is AlarmTransition => t !== null);
  }

  /** Transitions enter the shared state (shown at once; they commit with their batch). */
  apply(alarms: readonly AlarmTransition[]): void {
    for (const a of alarms) this.state.transition(a);
  }

  /**
   * After a restart: the transitions of the last two days and every alarm still standing come back
   * from alarm_log, into the shared state and into the evaluator.
   */
  async restore(conn: DuckDBConnection): Promise<number> {
    const rows = await readAlarmsToRestore(conn);
    for (const a of rows) {
      this.state.transition(a);
      this.evaluator.restore(a.point, a.active, a.atMs, a.value);
    }
    return rows.length;
  }

  private toTransition(t: Transition): AlarmTransition | null {
    const rule = this.rules.get(t.ruleId);
    const m = /^([a-z_]+)\/([0-9]{6})\/(.+)#[^#]+$/.exec(t.key);
    if (!rule || !m) return null;
    return {
      point: t.key, rule: rule.id, priority: rule.priority, domain: m[1] as Domain, district: m[2] as string, asset: m[3] as string,
      metric: rule.metric, latching: rule.latching, active: t.active, atMs: t.atMs, value: t.value,
    };
  }
}
