import type { OpsAction } from '../../../analytics/common/ops/opsEvents';
import type { AlarmView } from '../../../analytics/common/ops/controlRoomViews';
import type { AssetRef } from '../lib/context';
import type { EngineSession } from '../lib/engineSession.svelte';
import { t, type Lang } from '../lib/i18n';
import { actionPending } from './actionGuard';
import { AlarmList } from './alarmList.svelte';

/** An irreversible step, asked once before it runs. */
export interface Confirmation { text: string; run: () => void }
export type Dialog =
  | { kind: 'shelve'; a: AlarmView }
  | { kind: 'raise'; a: AlarmView | null }
  | { kind: 'handover' }
  | { kind: 'export' }
  | { kind: 'confirm'; c: Confirmation }
  | null;
export type HazardGrade = 'general' | 'major';
/** Where a hazard registered by hand (not from an alarm) is. */
export interface ManualPlace { domain: string; district: string; asset: string }
/** A dialog's fields as the operator left them. */
export type Draft = Record<string, string | number>;

const isUnacked = (a: AlarmView): boolean => a.state === 'unack' || a.state === 'rtn_unack';

/**
 * The shift leader's desk: which alarm is selected, which dialog or asset drawer is open, and the
 * operator actions on alarms, each sent once through the operational store with a readable label.
 * The table, the dialogs and the keyboard all act through it.
 *
 * The selection is only ever what the operator chose: when the chosen alarm leaves the table
 * (shelved, reset) nothing is selected, so the next key never lands on an alarm nobody looked at.
 */
export class ConsoleDesk {
  selected = $state<string | null>(null);
  dialog = $state<Dialog>(null);
  asset = $state<AssetRef | null>(null);
  /** Where the last hazard registered by hand was: the next one starts there. */
  manual = $state<ManualPlace>({ domain: 'gas', district: '420302', asset: '' });
  /** Why keys may not be doing what the operator expects, said on screen. */
  keyWarning = $state<'ime' | 'capslock' | null>(null);
  /** Search, filters and sorting of the table. */
  readonly list: AlarmList;
  /** The tab shown under the hazards: the risk list, investigation progress, the baseline or the incidents. */
  panel = $state<'risk' | 'checklist' | 'baseline' | 'permits' | 'incident'>('risk');

  /** Shelved, suppressed and out-of-service alarms shown too. */
  get showAll(): boolean {
    return this.list.showAll;
  }

  set showAll(v: boolean) {
    this.list.showAll = v;
  }

  readonly canAct: boolean;
  /** The table's rows. */
  readonly alarms: AlarmView[];
  /** The selected alarm while it is in the table, else none. */
  readonly current: AlarmView | null;
  /** An action is on its way: buttons and keys wait for its answer. */
  readonly busy: boolean;
  /** Dialog fields kept when a dialog is closed without being sent. */
  private readonly drafts = new Map<string, Draft>();

  constructor(private readonly session: EngineSession, private readonly lang: () => Lang) {
    this.list = new AlarmList(session, lang);
    // a console replaying (looking back, or over a bundle) takes no action: the engine would refuse it
    this.canAct = $derived((session.client.role === 'shift_leader' || session.client.role === 'admin') && !session.replay.open);
    this.alarms = $derived(this.list.rows);
    this.current = $derived(this.alarms.find((a) => a.occurrence === this.selected) ?? null);
    // the clock makes a lost answer release the console; the record itself is stamped with local time
    this.busy = $derived((void session.clock.now, actionPending(session.controlRoom.submitted, Date.now())));
  }

  /** An alarm as the log and dialogs name it: the rule's title and the asset. */
  label(a: AlarmView): string {
    return `${this.session.controlRoom.ruleTitle(a.rule, this.lang())} · ${this.session.assetName(a.domain, a.district, a.asset)}`;
  }

  /** A point `domain/district/asset#rule` as the asset's name and the rule's title. */
  causeName(point: string): string {
    const [key = '', rule = ''] = point.split('#');
    return `${this.session.city.names.get(key) ?? key.split('/')[2] ?? key} · ${this.session.controlRoom.ruleTitle(rule, this.lang())}`;
  }

  /** Moves the selection up or down the table; with nothing selected, down takes the first row. */
  move(step: 1 | -1): void {
    const i = this.current ? this.alarms.indexOf(this.current) : -1;
    const next = i < 0 ? 0 : step > 0 ? Math.min(this.alarms.length - 1, i + 1) : Math.max(0, i - 1);
    this.selected = this.alarms[next]?.occurrence ?? null;
  }

  openAsset(a: AssetRef): void {
    this.asset = { domain: a.domain, district: a.district, asset: a.asset };
  }

  close(): void {
    this.dialog = null;
    this.asset = null;
  }

  ack(a: AlarmView | null): void {
    if (a && isUnacked(a)) this.act({ kind: 'alarm.ack', point: a.point, raisedAtMs: a.raisedAtMs }, `${t(this.lang(), 'act_ack')} ${this.label(a)}`);
  }

  silence(a: AlarmView | null): void {
    if (a && !a.silenced) this.act({ kind: 'alarm.silence', point: a.point, raisedAtMs: a.raisedAtMs }, `${t(this.lang(), 'act_silence')} ${this.label(a)}`);
  }

  /** Silencing every alarm at once asks first: one click must not quiet a whole flood. */
  silenceAll(): void {
    const loud = (this.session.controlRoom.snapshot?.alarms ?? []).filter((a) => a.annunciated && !a.silenced && a.state !== 'normal');
    if (loud.length === 0 || this.busy) return;
    this.confirm(t(this.lang(), 'confirm_silence_all', { n: loud.length }), () => {
      for (const a of loud) this.send({ kind: 'alarm.silence', point: a.point, raisedAtMs: a.raisedAtMs }, `${t(this.lang(), 'act_silence')} ${this.label(a)}`);
    });
  }

  reset(a: AlarmView | null): void {
    if (a && a.state === 'latched') this.act({ kind: 'alarm.reset', point: a.point, raisedAtMs: a.raisedAtMs }, `${t(this.lang(), 'act_reset')} ${this.label(a)}`);
  }

  /** Unshelving brings an alarm back at once, so it asks first; shelving asks why and for how long. */
  toggleShelve(a: AlarmView | null): void {
    if (!a || this.busy) return;
    if (a.shelved) {
      this.confirm(t(this.lang(), 'confirm_unshelve', { alarm: this.label(a) }), () => this.send({ kind: 'alarm.unshelve', point: a.point }, `${t(this.lang(), 'act_unshelve')} ${this.label(a)}`));
    } else this.dialog = { kind: 'shelve', a };
  }

  shelve(a: AlarmView, reason: string, minutes: number): void {
    this.act({ kind: 'alarm.shelve', point: a.point, reason, forMs: Math.round(minutes) * 60_000 }, `${t(this.lang(), 'act_shelve')} ${this.label(a)}`);
    this.dialog = null;
  }

  openRaise(a: AlarmView | null): void {
    this.dialog = { kind: 'raise', a };
  }

  /** Asks once before an irreversible step; the step runs only from the confirmation's own button or Enter. */
  confirm(text: string, run: () => void): void {
    this.dialog = { kind: 'confirm', c: { text, run } };
  }

  /** Raises a hazard case from the alarm, or by hand at `manual`. */
  raise(a: AlarmView | null, title: string, grade: HazardGrade, manual: ManualPlace): void {
    const id = `hz-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    this.act({
      kind: 'hazard.raise', hazard: id, grade, title,
      domain: (a?.domain ?? manual.domain) as 'gas', district: a?.district ?? manual.district, asset: a?.asset ?? (manual.asset || null),
      fromAlarm: a ? { point: a.point, raisedAtMs: a.raisedAtMs } : null,
      responsible: { owner: null, supervisor: null, approver: null },
    }, `${t(this.lang(), 'act_raise')} ${title}`);
    this.dialog = null;
  }

  /**
   * Opens an incident (应急处置) from a critical alarm: the engine adds its type's plan, what lies
   * inside the radius and who to notify; the incidents tab shows it.
   */
  openIncident(a: AlarmView | null): void {
    if (!a || a.priority !== 'critical' || this.busy) return;
    const id = `inc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    const title = this.label(a);
    this.act({
      kind: 'incident.open', incident: id, title, domain: a.domain, district: a.district, asset: a.asset,
      fromAlarm: { point: a.point, raisedAtMs: a.raisedAtMs }, fromEvent: null,
    }, `${t(this.lang(), 'incident_open_act')} ${title}`);
    this.panel = 'incident';
  }

  /** The draft a dialog left when it was closed without being sent. */
  draft(key: string): Draft | undefined {
    return this.drafts.get(key);
  }

  keepDraft(key: string, d: Draft | null): void {
    if (d) this.drafts.set(key, d);
    else this.drafts.delete(key);
  }

  /** A repeat while the last action is unanswered is dropped: a double A acknowledges once. */
  private act(action: OpsAction, label: string): void {
    if (!this.busy) this.send(action, label);
  }

  private send(action: OpsAction, label: string): void {
    void this.session.controlRoom.act(action, label);
  }
}
