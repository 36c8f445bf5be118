import { alarmKpis, headlineKpis, type AlarmKpis } from '../../common/ops/alarmKpis.js';
import type { ControlRoomState } from '../../common/ops/controlRoomState.js';
import type { AlarmView, OpsSnapshot } from '../../common/ops/controlRoomViews.js';
import { assetKey, type AssetRisk, type DistrictRisk } from '../../common/risk/riskRegister.js';
import type { ActionStream } from './actionStream.js';
import type { RiskRegisterCache } from './riskRegisterCache.js';

/** Bounds what one push carries: the wall shows far fewer, the console pages through `alarms`. */
const MAX_PUSHED_ALARMS = 300;
const MAX_OPEN_HAZARDS = 30;
const RECENT_OUTCOMES = 50;
const EVENT_ACKS = 200;
const MAX_AGE_MS = 1000;

/** One snapshot of the `ops` topic per change (and at most one a second otherwise), shared by every connected client. */
export class SnapshotCache {
  private cached: OpsSnapshot | null = null;

  constructor(private readonly state: ControlRoomState, private readonly risk: RiskRegisterCache, private readonly stream: ActionStream, private readonly kpis: KpisCache) {}

  get(nowMs = Date.now()): OpsSnapshot {
    const c = this.cached;
    if (c && c.version === this.state.version && c.pending.length === this.stream.pendingActions().length && nowMs - c.atMs < MAX_AGE_MS) return c;
    this.cached = this.build(nowMs);
    return this.cached;
  }

  private build(nowMs: number): OpsSnapshot {
    this.risk.refresh(nowMs);
    const alarms = this.state.alarms(nowMs);
    // the headline figures from the KPIs the `alarmKpis` query shares: one computation per change for both
    return opsPicture(this.state, nowMs, alarms, this.risk, this.stream.pendingActions(), this.kpis.get(nowMs, alarms));
  }
}

/**
 * The `alarmKpis` query's answer: computed once per change of the state (and at most
 * {@link MAX_AGE_MS} old otherwise), shared by every client, as the `ops` snapshot is. A computation
 * walks every alarm and the day's transitions (about 18 ms of the engine's thread with a few
 * thousand alarms): a client asking back to back no longer makes the engine do it each time.
 */
export class KpisCache {
  private cached: { version: number; kpis: AlarmKpis } | null = null;
  /** Computations made (tests). */
  computed = 0;

  constructor(private readonly state: ControlRoomState) {}

  /** `alarms`: the state's alarm list at `nowMs`, when the caller has it already. */
  get(nowMs = Date.now(), alarms?: readonly AlarmView[]): AlarmKpis {
    const c = this.cached;
    if (c && c.version === this.state.version && nowMs >= c.kpis.atMs && nowMs - c.kpis.atMs < MAX_AGE_MS) return c.kpis;
    this.computed++;
    const kpis = alarmKpis(this.state, nowMs, alarms);
    this.cached = { version: this.state.version, kpis };
    return kpis;
  }
}

/**
 * The `ops` topic's picture of a state at `nowMs`, bounded: the live engine's (with its pending
 * actions) and a replay's (folded to the instant, none pending) are the same assembly.
 */
export function opsPicture(state: ControlRoomState, nowMs: number, alarms: AlarmView[], risk: { readonly assets: readonly AssetRisk[]; readonly districts: DistrictRisk[] }, pending: OpsSnapshot['pending'],
  kpis: AlarmKpis = alarmKpis(state, nowMs, alarms)): OpsSnapshot {
  const hazards = state.hazardList(nowMs).filter((h) => h.stage !== 'closed');
  return {
    version: state.version, atMs: nowMs,
    alarms: alarms.slice(0, MAX_PUSHED_ALARMS),
    kpis: headlineKpis(kpis),
    hazards: { open: hazards.length, overdue: hazards.filter((h) => h.overdue).length, major: hazards.filter((h) => h.grade === 'major').length },
    openHazards: hazards.slice(0, MAX_OPEN_HAZARDS).map((h) => ({
      id: h.id, title: h.title, grade: h.grade, stage: h.stage, domain: h.domain, district: h.district, asset: h.asset,
      assignee: h.assignee, deadlineMs: h.deadlineMs, overdue: h.overdue, createdAtMs: h.createdAtMs,
    })),
    districts: risk.districts,
    assetRisk: colouredAssets(risk.assets),
    eventAcks: state.events.recent(EVENT_ACKS),
    pending,
    recent: lastOf(state.applied.values(), state.applied.size, RECENT_OUTCOMES),
  };
}

/** The assets not blue, by key, with their colour (one pass over tens of thousands, no list in between). */
function colouredAssets(assets: readonly AssetRisk[]): OpsSnapshot['assetRisk'] {
  const out: OpsSnapshot['assetRisk'] = {};
  for (const r of assets) if (r.colour !== 'blue') out[assetKey(r.domain, r.district, r.asset)] = r.colour;
  return out;
}

/** The last `n` of `size` values, in their order (the actions applied since the start: tens of thousands, 50 kept). */
function lastOf<T>(values: Iterable<T>, size: number, n: number): T[] {
  const out: T[] = [];
  let i = 0;
  for (const v of values) if (i++ >= size - n) out.push(v);
  return out;
}
