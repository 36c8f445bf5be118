import type { AlarmRule } from '../../../../analytics/common/alarms/alarmRules';
import type { AlarmView } from '../../../../analytics/common/ops/controlRoomViews';
import { METRIC_UNITS } from '../../lib/i18n';

/** One of the three responsible parties (谁拥有/谁主管/谁审批谁负责) and how to reach it. */
export interface Party {
  role: 'owner' | 'supervisor' | 'approver';
  name: string | null;
  /** From the registry's attrs (`owner_contact`, `supervisor_contact`, `approver_contact`), when given. */
  contact: string | null;
}

export interface AssetRecordView {
  name: string;
  kind: string;
  lat: number;
  lon: number;
  parties: Party[];
}

const text = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

/** The `asset` query's one row, with the parties' contacts out of its attrs; null before the registry has it. */
export function assetRecord(c: Record<string, unknown[]> | undefined): AssetRecordView | null {
  if (!c || (c['asset']?.length ?? 0) === 0) return null;
  const g = (k: string): unknown => c[k]?.[0];
  let attrs: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(String(g('attrs') ?? '{}'));
    if (parsed !== null && typeof parsed === 'object') attrs = parsed as Record<string, unknown>;
  } catch {
    // attrs are the feed's; a record without readable attrs still has its parties' names
  }
  const party = (role: Party['role']): Party => ({ role, name: text(g(role)), contact: text(attrs[`${role}_contact`]) });
  return { name: String(g('name') ?? ''), kind: String(g('kind') ?? ''), lat: Number(g('lat')), lon: Number(g('lon')), parties: [party('owner'), party('supervisor'), party('approver')] };
}

/** A level rule's setpoint, as the limit a reading is held against. */
export interface Limit {
  value: number;
  rule: AlarmRule;
  /** 'high': above is over; 'low': below is over. */
  direction: 'high' | 'low';
}

export interface Reading {
  metric: string;
  value: number;
  tsMs: number;
  unit: string;
  limit: Limit | null;
  over: boolean;
  /** An annunciated alarm stands on this measure... */
  alarmed: boolean;
  /** ...raised at this value (a latched alarm stands after the value fell back: both are shown). */
  alarmValue: number | null;
}

const levelRules = (rules: Iterable<AlarmRule>, domain: string, metric: string): AlarmRule[] =>
  [...rules].filter((r) => r.domain === domain && r.metric === metric && (r.kind === 'high' || r.kind === 'low'));

/**
 * The limit to show next to a value: the standing alarm's own rule; otherwise the level rule the
 * value is nearest to crossing (the lowest high setpoint, the highest low one).
 */
export function limitFor(rules: Iterable<AlarmRule>, domain: string, metric: string, standingRule: string | null): Limit | null {
  const rs = levelRules(rules, domain, metric);
  const own = rs.find((r) => r.id === standingRule);
  const pick = own ?? [...rs].sort((a, b) => (a.kind === b.kind ? (a.kind === 'high' ? a.setpoint - b.setpoint : b.setpoint - a.setpoint) : a.kind === 'high' ? -1 : 1))[0];
  return pick ? { value: pick.setpoint, rule: pick, direction: pick.kind === 'low' ? 'low' : 'high' } : null;
}

const RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** The asset's standing, annunciated alarms, worst first. */
export function assetAlarms(alarms: readonly AlarmView[], key: { domain: string; district: string; asset: string }): AlarmView[] {
  return alarms.filter((a) => a.active && a.domain === key.domain && a.district === key.district && a.asset === key.asset)
    .sort((a, b) => RANK[a.priority] - RANK[b.priority] || b.raisedAtMs - a.raisedAtMs);
}

/** The asset's latest readings (from the `latest` query), each against its limit; alarmed and over-limit first. */
export function assetReadings(latest: Record<string, unknown[]> | undefined, key: { domain: string; district: string; asset: string }, rules: Iterable<AlarmRule>, standing: readonly AlarmView[]): Reading[] {
  if (!latest) return [];
  const ruleList = [...rules];
  const out: Reading[] = [];
  (latest['asset'] ?? []).forEach((a, i) => {
    if (a !== key.asset || latest['district']?.[i] !== key.district) return;
    const metric = String(latest['metric']?.[i]);
    const value = Number(latest['value']?.[i]);
    if (!Number.isFinite(value)) return;
    const alarm = standing.find((x) => x.metric === metric) ?? null;
    const limit = limitFor(ruleList, key.domain, metric, alarm?.rule ?? null);
    const over = limit !== null && (limit.direction === 'high' ? value >= limit.value : value <= limit.value);
    out.push({ metric, value, tsMs: Number(latest['ts']?.[i]), unit: METRIC_UNITS[metric] ?? '', limit, over, alarmed: alarm !== null, alarmValue: alarm?.value ?? null });
  });
  return out.sort((x, y) => Number(y.alarmed) - Number(x.alarmed) || Number(y.over) - Number(x.over) || x.metric.localeCompare(y.metric));
}

/** What to do: the standing alarms' rules first (worst first), else the rules watching the asset's measures. */
export function guidanceRules(rules: Iterable<AlarmRule>, domain: string, metrics: readonly string[], standing: readonly AlarmView[]): AlarmRule[] {
  const all = [...rules];
  const byId = new Map(all.map((r) => [r.id, r]));
  const fromAlarms = [...new Set(standing.map((a) => a.rule))].map((id) => byId.get(id)).filter((r): r is AlarmRule => r !== undefined);
  if (fromAlarms.length > 0) return fromAlarms;
  return all.filter((r) => r.domain === domain && metrics.includes(r.metric)).sort((a, b) => RANK[a.priority] - RANK[b.priority]);
}
