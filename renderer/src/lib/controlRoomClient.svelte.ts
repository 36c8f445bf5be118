import type { AlarmRule } from '../../../analytics/common/alarms/alarmRules';
import type { OpsAction } from '../../../analytics/common/ops/opsEvents';
import type { AlarmView, OpsSnapshot } from '../../../analytics/common/ops/controlRoomViews';
import type { EngineClient } from './engineClient.svelte';
import type { Refusal } from '../../../analytics/common/engineApi';
import { EngineRequestError } from './engineRequestError';
import { isDomain } from '../../../analytics/common/city';
import { domainName, t, type Lang } from '../../../analytics/common/i18n';

export interface Submitted {
  id: string | null;
  kind: string;
  label: string;
  atMs: number;
  state: 'sending' | 'pending' | 'done' | 'refused';
  reason: string | null;
  /** The refusal as a code, said in the page's language (`reason` is the engine's English). */
  message?: Refusal | undefined;
}

const MAX_SUBMITTED = 30;

/**
 * A rule the rules in force do not hold (removed, or from a newer engine), by its domain: rule ids
 * begin with it (`gas.lel.l2`). The id itself is a key a duty officer cannot read.
 */
export function unknownRuleTitle(lang: Lang, rule: string): string {
  const domain = rule.split('.')[0] ?? '';
  return isDomain(domain) ? t(lang, 'rule_unknown', { domain: domainName(lang, domain) }) : t(lang, 'rule_unknown_nodomain');
}

/** A rule's title: its own, `unknownRuleTitle` once the rules are in, 「…」 before they are. */
export function ruleTitleOf(rules: ReadonlyMap<string, AlarmRule>, rulesSettled: boolean, rule: string, lang: Lang): string {
  return rules.get(rule)?.title[lang] ?? (rulesSettled ? unknownRuleTitle(lang, rule) : t(lang, 'name_loading'));
}

/**
 * The shared operational picture on this page (alarms, hazards, district risk) from the engine's
 * `ops` topic, and the operator's own actions: "pending" until the engine reads them back from the
 * OPS stream, then done or refused with the reason.
 */
export class ControlRoomClient {
  snapshot = $state.raw<OpsSnapshot | null>(null);
  receivedAtMs = $state(0);
  rules = $state.raw<Map<string, AlarmRule>>(new Map());
  /** A failed load of the alarm rules (thresholds, titles, guidance), shown until the next load succeeds. */
  rulesError = $state<string | null>(null);
  /** The first load of the rules has answered (with the rules or an error): until then titles are 「…」. */
  rulesSettled = $state(false);
  submitted = $state.raw<Submitted[]>([]);
  private readonly newAlarmListeners = new Set<(a: AlarmView) => void>();
  private seen = new Set<string>();
  private first = true;
  private readonly stop: () => void;

  constructor(private readonly client: EngineClient) {
    this.stop = client.subscribe('ops', {}, (d) => this.take(d));
    $effect(() => {
      if (client.state === 'open') void this.loadRules();
    });
  }

  /** The alarm rules in force, again; a failure is kept in `rulesError` (shown where rules are used) until a load succeeds. */
  loadRules(): Promise<void> {
    return this.client.query('alarmRules').then((r) => {
      this.rules = new Map(r.map((x) => [x.id, x]));
      this.rulesError = null;
      this.rulesSettled = true;
    }, (e: unknown) => {
      this.rulesError = e instanceof Error ? e.message : String(e);
      this.rulesSettled = true;
    });
  }

  private take(s: OpsSnapshot): void {
    this.snapshot = s;
    this.receivedAtMs = Date.now();
    // newly raised, annunciated alarms (not the ones present when the page opened)
    const now = new Set<string>();
    for (const a of s.alarms) {
      now.add(a.occurrence);
      if (!this.first && !this.seen.has(a.occurrence) && a.annunciated && a.active) for (const fn of this.newAlarmListeners) fn(a);
    }
    this.seen = now;
    this.first = false;
    if (this.submitted.some((x) => x.state === 'pending')) {
      const outcome = new Map(s.recent.map((r) => [r.id, r]));
      const pending = new Set(s.pending.map((p) => p.id));
      this.submitted = this.submitted.map((x) => {
        if (x.state !== 'pending' || x.id === null) return x;
        const r = outcome.get(x.id);
        if (r) return { ...x, state: r.ok ? 'done' : 'refused', reason: r.reason, message: r.message };
        return pending.has(x.id) ? x : x;
      });
    }
  }

  onNewAlarm(fn: (a: AlarmView) => void): () => void {
    this.newAlarmListeners.add(fn);
    return () => this.newAlarmListeners.delete(fn);
  }

  /** Sends an operator action; the returned record follows it from "sending" to done or refused. */
  async act(action: OpsAction, label: string): Promise<Submitted> {
    const rec: Submitted = { id: null, kind: action.kind, label, atMs: Date.now(), state: 'sending', reason: null };
    this.submitted = [rec, ...this.submitted].slice(0, MAX_SUBMITTED);
    const update = (patch: Partial<Submitted>): Submitted => {
      const next = { ...rec, ...patch };
      this.submitted = this.submitted.map((x) => (x === rec ? next : x));
      Object.assign(rec, patch);
      return next;
    };
    try {
      const r = await this.client.command('ops', action);
      const applied = this.snapshot?.recent.find((x) => x.id === r.id);
      return update(applied ? { id: r.id, state: applied.ok ? 'done' : 'refused', reason: applied.reason, message: applied.message } : { id: r.id, state: 'pending' });
    } catch (e) {
      return update({ state: 'refused', reason: e instanceof Error ? e.message.replace(/^forbidden: /, '') : String(e), message: e instanceof EngineRequestError ? (e.refusal ?? undefined) : undefined });
    }
  }

  /** A rule's title in `lang`, never its id (see `ruleTitleOf`). */
  ruleTitle(rule: string, lang: Lang): string {
    return ruleTitleOf(this.rules, this.rulesSettled, rule, lang);
  }

  dispose(): void {
    this.stop();
  }
}
