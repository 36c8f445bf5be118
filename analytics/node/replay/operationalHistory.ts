import type { Domain } from '../../common/city.js';
import type { AlarmTransition } from '../../common/ops/alarmTransition.js';
import { ControlRoomState, type SuppressionProfile } from '../../common/ops/controlRoomState.js';
import type { AlarmView, OpsSnapshot } from '../../common/ops/controlRoomViews.js';
import type { FailedInspection } from '../../common/ops/hazardCases.js';
import { OpsEventSchema, type OpsEvent } from '../../common/ops/opsEvents.js';
import { assessAll, assetKey, districtRisks, type AssetRisk, type DistrictRisk, type InspectionCounts, type RegisterAsset } from '../../common/risk/riskRegister.js';
import { clampBaseline } from '../store/assetRows.js';
import type { Database } from '../store/database.js';
import { deepClone } from './deepClone.js';
import { opsPicture } from '../ops/snapshotCache.js';

/** One input of the operational state, at its time: an alarm transition, an operator event, a failed inspection item. */
type Fact =
  | { atMs: number; kind: 'transition'; t: AlarmTransition }
  | { atMs: number; kind: 'ops'; e: OpsEvent }
  | { atMs: number; kind: 'inspection'; i: FailedInspection };

interface AssetVersion extends RegisterAsset {
  tsMs: number;
  owner: string | null;
  supervisor: string | null;
  approver: string | null;
}

const DAY = 86_400_000;

/** A state folded up to a place in the facts. */
interface Frame {
  /** How many facts it holds (facts[0..index)). */
  index: number;
  state: ControlRoomState;
}

export interface HistoryOptions {
  profiles: SuppressionProfile[];
  /** A keyframe every this many facts: a seek folds at most this many from the nearest one. */
  keyframeEvery?: number;
  /** The most keyframes kept (the oldest are thinned out beyond it). */
  maxKeyframes?: number;
  /** How far a load reads at least (a bundle's end, a live engine's now): seeks before it then read nothing more. */
  horizon?: () => number;
  /**
   * Alarm transitions and inspections before this are not read (a live engine: its raw retention,
   * which bounds the history's memory; the operator action log is read whole, it is small and a case
   * opened long ago may still stand).
   */
  oldest?: number;
  /**
   * The most facts held (a live engine runs for months): beyond it the oldest are folded into a base
   * state and let go, and instants before the first fact kept are answered with that base.
   */
  maxFacts?: number;
}

/**
 * The operational state (alarms, hazards, event acknowledgements, risk colours, KPIs) as it stood at
 * any instant, folded from what the store keeps — the alarm log, the operator action log, failed
 * inspections and the asset versions — by the same pure state the live engine runs. Keyframes (copies
 * of the state every `keyframeEvery` facts) mean a seek never folds from the beginning; a cursor
 * moving forward (playback) continues from where it was.
 */
export class OperationalHistory {
  private facts: Fact[] = [];
  /** The state before the first fact held (empty, or the facts let go folded in). */
  private base: ControlRoomState | null = null;
  /** The time of the last fact let go: instants before it are not replayed exactly. */
  private trimmedToMs = Number.NEGATIVE_INFINITY;
  private versions: AssetVersion[] = [];
  private loadedToMs = Number.NEGATIVE_INFINITY;
  private keyframes: Frame[] = [];
  private cursor: Frame | null = null;
  private readonly every: number;
  private readonly maxKeyframes: number;
  private loading: Promise<void> = Promise.resolve();

  constructor(private readonly db: Database, private readonly o: HistoryOptions) {
    this.every = o.keyframeEvery ?? 2_000;
    this.maxKeyframes = o.maxKeyframes ?? 500;
  }

  /** How many facts are loaded (for health and tests). */
  get size(): number {
    return this.facts.length;
  }

  get keyframeCount(): number {
    return this.keyframes.length;
  }

  /**
   * Reads what the store holds up to `toMs` that was not read yet. Facts that arrive late (with a
   * time before what was read) are not seen by a history already loaded past them: a live engine's
   * history is read again from the start when `reload` is asked.
   */
  loadUpTo(toMs: number): Promise<void> {
    // a read that failed fails its own callers only: the next one reads again (a rejected chain would fail every read after it)
    if (toMs <= this.loadedToMs) return this.loading.catch(() => undefined);
    const upTo = Math.max(toMs, this.o.horizon?.() ?? toMs);
    this.loading = this.loading.catch(() => undefined).then(() => this.load(upTo));
    return this.loading;
  }

  private async load(toMs: number): Promise<void> {
    if (toMs <= this.loadedToMs) return;
    const from = this.loadedToMs;
    const range = (col: string): string => (Number.isFinite(from) ? `${col} > make_timestamptz($from::BIGINT) AND ` : '') + `${col} <= make_timestamptz($to::BIGINT)`;
    const params = { ...(Number.isFinite(from) ? { from: BigInt(Math.floor(from)) * 1000n } : {}), to: BigInt(Math.floor(toMs)) * 1000n };
    const bounded = (col: string): string => (this.o.oldest !== undefined ? `${col} >= make_timestamptz(${BigInt(Math.floor(this.o.oldest)) * 1000n}) AND ` : '') + range(col);
    const transitions = await this.db.queryRows(`SELECT epoch_ms(ts)::DOUBLE AS at_ms, point, rule, priority, domain, district, asset, metric, latching, active, value
      FROM alarm_log WHERE ${bounded('ts')} ORDER BY ts, active`, params);
    const ops = await this.db.queryRows(`SELECT payload::VARCHAR AS payload FROM ops_log WHERE ${range('ts')} ORDER BY applied_at, stream_seq NULLS LAST`, params);
    const failed = await this.db.queryRows(`SELECT epoch_ms(ts)::DOUBLE AS ts, domain, district, msg_id, asset, item, level, note, inspector
      FROM inspections WHERE result = 'fail' AND ${bounded('ts')} ORDER BY ts`, params);
    const versions = await this.db.queryRows(`SELECT epoch_ms(ts)::DOUBLE AS ts, domain, district, asset, name, owner, supervisor, approver,
      try_cast(json_extract(attrs, '$.risk_baseline') AS DOUBLE) AS baseline FROM asset_versions WHERE ${range('ts')} ORDER BY ts, received_at`, params);

    const fresh: Fact[] = [];
    for (const r of transitions) {
      fresh.push({
        atMs: Number(r['at_ms']), kind: 'transition', t: Object.freeze({
          atMs: Number(r['at_ms']), point: String(r['point']), rule: String(r['rule']), priority: r['priority'] as AlarmTransition['priority'],
          domain: r['domain'] as Domain, district: String(r['district']), asset: String(r['asset']), metric: String(r['metric']),
          latching: r['latching'] === true, active: r['active'] === true, value: r['value'] === null ? null : Number(r['value']),
        }),
      });
    }
    // operator events in the order they were applied; their times only move forward here (a console's clock may lag another's)
    let opsAt = Number.NEGATIVE_INFINITY;
    const opsFacts: Fact[] = [];
    for (const r of ops) {
      const parsed = OpsEventSchema.safeParse(JSON.parse(String(r['payload'])));
      if (!parsed.success) continue;
      opsAt = Math.max(opsAt, parsed.data.ts);
      opsFacts.push({ atMs: opsAt, kind: 'ops', e: parsed.data });
    }
    for (const r of failed) {
      fresh.push({
        atMs: Number(r['ts']), kind: 'inspection', i: {
          id: String(r['msg_id']), tsMs: Number(r['ts']), domain: r['domain'] as Domain, district: String(r['district']), asset: String(r['asset']), item: String(r['item']),
          level: r['level'] === 'major' ? 'major' : 'general', inspector: String(r['inspector']), note: r['note'] === null ? null : String(r['note']),
        },
      });
    }
    fresh.sort((a, b) => a.atMs - b.atMs);
    const merged = mergeByTime(fresh, opsFacts);
    // facts are appended in time order; one earlier than the last held (late data) goes in its place and drops the frames after it
    const firstAt = merged[0]?.atMs;
    const lastHeld = this.facts[this.facts.length - 1]?.atMs;
    if (firstAt !== undefined && lastHeld !== undefined && firstAt < lastHeld) {
      this.facts = mergeByTime(this.facts, merged);
      this.dropFramesFrom(this.indexAt(firstAt - 1));
    } else {
      this.facts.push(...merged);
    }
    this.trim();
    for (const r of versions) {
      this.versions.push({
        tsMs: Number(r['ts']), domain: String(r['domain']), district: String(r['district']), asset: String(r['asset']), name: String(r['name']),
        baseline: clampBaseline(r['baseline']),
        owner: r['owner'] === null ? null : String(r['owner']), supervisor: r['supervisor'] === null ? null : String(r['supervisor']),
        approver: r['approver'] === null ? null : String(r['approver']),
      });
    }
    // a late version (before one already held) goes in its place
    for (let i = 1; i < this.versions.length; i++) {
      if ((this.versions[i] as AssetVersion).tsMs < (this.versions[i - 1] as AssetVersion).tsMs) {
        this.versions.sort((a, b) => a.tsMs - b.tsMs);
        break;
      }
    }
    this.loadedToMs = toMs;
  }

  /** The earliest instant replayed exactly (facts before it were folded into the base and let go). */
  get exactFromMs(): number {
    return this.trimmedToMs;
  }

  /** Beyond `maxFacts`, the oldest quarter is folded into the base state and let go (keyframes move with the facts). */
  private trim(): void {
    const max = this.o.maxFacts ?? 2_000_000;
    if (this.facts.length <= max) return;
    const drop = this.facts.length - Math.floor(max * 0.75);
    const state = this.base ? deepClone(this.base) : new ControlRoomState(this.o.profiles);
    const registry = this.registryAt((this.facts[drop - 1] as Fact).atMs);
    for (let i = 0; i < drop; i++) this.applyFact(state, this.facts[i] as Fact, registry);
    this.trimmedToMs = (this.facts[drop - 1] as Fact).atMs;
    this.base = state;
    this.facts = this.facts.slice(drop);
    this.keyframes = this.keyframes.filter((k) => k.index >= drop).map((k) => ({ index: k.index - drop, state: k.state }));
    this.cursor = null;
  }

  private dropFramesFrom(index: number): void {
    this.keyframes = this.keyframes.filter((k) => k.index <= index);
    if (this.cursor && this.cursor.index > index) this.cursor = null;
  }

  /** How many facts happened at or before `atMs`. */
  private indexAt(atMs: number): number {
    return countUpTo(this.facts, atMs, (f) => f.atMs);
  }

  /** The registry as it stood at `atMs`: each asset's latest version then (the last one made is kept while no version lies between). */
  registryAt(atMs: number): Map<string, AssetVersion> {
    const lo = countUpTo(this.versions, atMs, (v) => v.tsMs);
    if (this.registry && this.registry.count === lo && this.registry.total === this.versions.length) return this.registry.map;
    const m = new Map<string, AssetVersion>();
    for (let i = 0; i < lo; i++) {
      const v = this.versions[i] as AssetVersion;
      m.set(assetKey(v.domain, v.district, v.asset), v);
    }
    this.registry = { count: lo, total: this.versions.length, map: m };
    return m;
  }

  private registry: { count: number; total: number; map: Map<string, AssetVersion> } | null = null;

  /** The control room's state as it stood at `atMs` (read facts up to there first with `loadUpTo`). Do not change it. */
  stateAt(atMs: number): ControlRoomState {
    const n = this.indexAt(atMs);
    let frame: Frame;
    if (this.cursor && this.cursor.index <= n && n - this.cursor.index <= this.every) {
      frame = this.cursor;
    } else {
      let best: Frame | null = null;
      for (const k of this.keyframes) if (k.index <= n && (!best || k.index > best.index)) best = k;
      frame = best ? { index: best.index, state: deepClone(best.state) } : { index: 0, state: this.base ? deepClone(this.base) : new ControlRoomState(this.o.profiles) };
    }
    const registry = this.registryAt(atMs);
    while (frame.index < n) {
      const f = this.facts[frame.index] as Fact;
      this.applyFact(frame.state, f, registry);
      frame.index++;
      if (frame.index % this.every === 0 && !this.keyframes.some((k) => k.index === frame.index)) this.keepKeyframe({ index: frame.index, state: deepClone(frame.state) });
    }
    this.cursor = frame;
    return frame.state;
  }

  private keepKeyframe(k: Frame): void {
    this.keyframes.push(k);
    this.keyframes.sort((a, b) => a.index - b.index);
    // beyond the bound, every other one goes: seeks stay bounded by twice the spacing
    if (this.keyframes.length > this.maxKeyframes) this.keyframes = this.keyframes.filter((_, i) => i % 2 === 0);
  }

  private applyFact(s: ControlRoomState, f: Fact, registry: Map<string, AssetVersion>): void {
    if (f.kind === 'transition') s.transition(f.t);
    else if (f.kind === 'ops') s.apply(f.e);
    else {
      const r = registry.get(assetKey(f.i.domain, f.i.district, f.i.asset));
      s.inspectionFailed(f.i, { owner: r?.owner ?? null, supervisor: r?.supervisor ?? null, approver: r?.approver ?? null });
    }
  }

  /** Passed and failed inspections per asset over the 30 days before `atMs` (the risk register's evidence then). */
  async inspectionCountsAt(atMs: number): Promise<Map<string, InspectionCounts>> {
    const rows = await this.db.queryRows(`SELECT domain, district, asset, count(*) FILTER (WHERE result = 'fail') AS failed, count(*) FILTER (WHERE result = 'pass') AS passed
      FROM inspections WHERE ts > make_timestamptz($from::BIGINT) AND ts <= make_timestamptz($to::BIGINT) GROUP BY ALL`,
    { from: BigInt(Math.floor(atMs - 30 * DAY)) * 1000n, to: BigInt(Math.floor(atMs)) * 1000n });
    const m = new Map<string, InspectionCounts>();
    for (const r of rows) m.set(assetKey(String(r['domain']), String(r['district']), String(r['asset'])), { failed: Number(r['failed']), passed: Number(r['passed']) });
    return m;
  }

  /** The risk register as it stood at `atMs`: the same assessment as live, over the registry, state and inspections then. */
  async risksAt(atMs: number): Promise<{ assets: AssetRisk[]; districts: DistrictRisk[] }> {
    await this.loadUpTo(atMs);
    const inspections = await this.inspectionCountsAt(atMs);
    // no await from here: the state is the cursor's, which the next seek moves
    const s = this.stateAt(atMs);
    return this.assess(s, atMs, s.alarms(atMs), inspections);
  }

  /** The `ops` topic's picture as it stood at `atMs` (no pending actions: those are live only). */
  async snapshotAt(atMs: number): Promise<OpsSnapshot> {
    await this.loadUpTo(atMs);
    const inspections = await this.inspectionCountsAt(atMs);
    const state = this.stateAt(atMs);
    const alarms = state.alarms(atMs);
    return opsPicture(state, atMs, alarms, this.assess(state, atMs, alarms, inspections), []);
  }

  private assess(s: ControlRoomState, atMs: number, alarms: AlarmView[], inspections: Map<string, InspectionCounts>): { assets: AssetRisk[]; districts: DistrictRisk[] } {
    const hazards = s.hazardList(atMs);
    const quiet = this.quietRisks(this.registryAt(atMs));
    // only the assets with evidence (a standing alarm, an open case, an inspection) are assessed again: every
    // other one's colour is its baseline's, the same at every instant of this registry (the same pure assessment)
    const evidence = new Set<string>();
    for (const a of alarms) if (a.active) evidence.add(assetKey(a.domain, a.district, a.asset));
    for (const h of hazards) if (h.stage !== 'closed' && h.asset !== null) evidence.add(assetKey(h.domain, h.district, h.asset));
    for (const k of inspections.keys()) evidence.add(k);
    const at: number[] = [];
    const some: RegisterAsset[] = [];
    for (const k of evidence) {
      const i = quiet.index.get(k);
      if (i === undefined) continue;
      at.push(i);
      some.push(quiet.list[i] as RegisterAsset);
    }
    const assets = quiet.risks.slice();
    const assessed = assessAll(some, alarms, hazards, inspections);
    for (let j = 0; j < at.length; j++) assets[at[j] as number] = assessed[j] as AssetRisk;
    return { assets, districts: districtRisks(assets) };
  }

  /** Every asset of a registry assessed with no evidence (kept for the registry last asked: it changes only with a new asset version). */
  private quietRisks(registry: Map<string, AssetVersion>): { list: AssetVersion[]; index: Map<string, number>; risks: readonly AssetRisk[] } {
    if (this.quiet?.registry === registry) return this.quiet;
    const list = [...registry.values()];
    const index = new Map<string, number>();
    for (let i = 0; i < list.length; i++) {
      const v = list[i] as AssetVersion;
      index.set(assetKey(v.domain, v.district, v.asset), i);
    }
    this.quiet = { registry, list, index, risks: assessAll(list, [], [], new Map()) };
    return this.quiet;
  }

  private quiet: { registry: Map<string, AssetVersion>; list: AssetVersion[]; index: Map<string, number>; risks: readonly AssetRisk[] } | null = null;
}

/** How many items of a list ordered by time are at or before `atMs` (a binary search). */
function countUpTo<T>(list: readonly T[], atMs: number, timeOf: (x: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeOf(list[mid] as T) <= atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Merges two time-ordered lists, keeping each one's own order. */
function mergeByTime(a: Fact[], b: Fact[]): Fact[] {
  const out: Fact[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.atMs <= y.atMs)) {
      out.push(x as Fact);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}
