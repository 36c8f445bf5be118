import type { OpsAction } from '../../../analytics/common/ops/opsEvents';
import type { AlarmView } from '../../../analytics/common/ops/controlRoomViews';
import type { AssetRef } from '../lib/context';
import type { EngineSession } from '../lib/engineSession.svelte';
import { t, type Lang } from '../lib/i18n';
import { orderAlarms } from '../lib/alarmDisplay';

export type Dialog = { kind: 'shelve'; a: AlarmView } | { kind: 'raise'; a: AlarmView | null } | { kind: 'handover' } | null;
export type HazardGrade = 'general' | 'major';
/** Where a hazard registered by hand (not from an alarm) is. */
export interface ManualPlace { domain: string; district: string; asset: string }

const isUnacked = (a: AlarmView): boolean => a.state === 'unack' || a.state === 'rtn_unack';

/**
 * The shift leader's desk: which alarm is selected, which dialog or asset drawer is open, and the
 * operator actions on alarms, each sent once through the operational store with a readable label.
 * The table, the dialogs and the keyboard all act through it.
 */
export class ConsoleDesk {
  showAll = $state(false);
  selected = $state<string | null>(null);
  dialog = $state<Dialog>(null);
  asset = $state<AssetRef | null>(null);
  /** Where the last hazard registered by hand was: the next one starts there. */
  manual = $state<ManualPlace>({ domain: 'gas', district: '420302', asset: '' });

  readonly canAct: boolean;
  /** The table's rows: annunciated alarms in priority order, flood dependents under their cause, or every alarm. */
  readonly alarms: AlarmView[];
  /** The selected alarm, or the first row. */
  readonly current: AlarmView | null;

  constructor(private readonly session: EngineSession, private readonly lang: () => Lang) {
    this.canAct = $derived(session.client.role === 'shift_leader' || session.client.role === 'admin');
    this.alarms = $derived.by((): AlarmView[] => {
      const all = session.controlRoom.snapshot?.alarms ?? [];
      return this.showAll ? all : orderAlarms(all);
    });
    this.current = $derived(this.alarms.find((a) => a.occurrence === this.selected) ?? this.alarms[0] ?? null);
  }

  /** An alarm as the log and dialogs name it: the rule's title and the asset. */
  label(a: AlarmView): string {
    return `${this.session.controlRoom.ruleTitle(a.rule, this.lang())} · ${a.asset}`;
  }

  /** A point `domain/district/asset#rule` as the asset's name and the rule's title. */
  causeName(point: string): string {
    const [key = '', rule = ''] = point.split('#');
    return `${this.session.city.names.get(key) ?? key.split('/')[2] ?? key} · ${this.session.controlRoom.ruleTitle(rule, this.lang())}`;
  }

  /** Moves the selection up or down the table. */
  move(step: 1 | -1): void {
    const i = this.current ? this.alarms.indexOf(this.current) : -1;
    const next = step > 0 ? Math.min(this.alarms.length - 1, i + 1) : Math.max(0, i - 1);
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

  silenceAll(): void {
    for (const a of this.session.controlRoom.snapshot?.alarms ?? []) if (a.annunciated && !a.silenced && a.state !== 'normal') this.silence(a);
  }

  reset(a: AlarmView | null): void {
    if (a && a.state === 'latched') this.act({ kind: 'alarm.reset', point: a.point, raisedAtMs: a.raisedAtMs }, `${t(this.lang(), 'act_reset')} ${this.label(a)}`);
  }

  /** A shelved alarm is unshelved at once; shelving asks why and for how long first. */
  toggleShelve(a: AlarmView | null): void {
    if (!a) return;
    if (a.shelved) this.act({ kind: 'alarm.unshelve', point: a.point }, `${t(this.lang(), 'act_unshelve')} ${this.label(a)}`);
    else this.dialog = { kind: 'shelve', a };
  }

  shelve(a: AlarmView, reason: string, minutes: number): void {
    this.act({ kind: 'alarm.shelve', point: a.point, reason, forMs: Math.round(minutes) * 60_000 }, `${t(this.lang(), 'act_shelve')} ${this.label(a)}`);
    this.dialog = null;
  }

  openRaise(a: AlarmView | null): void {
    this.dialog = { kind: 'raise', a };
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

  private act(action: OpsAction, label: string): void {
    void this.session.controlRoom.act(action, label);
  }
}
