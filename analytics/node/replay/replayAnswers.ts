import type { AlarmRule } from '../../common/alarms/alarmRules.js';
import type { Checklists } from '../../common/checklists.js';
import type { QueryName, QueryParamsOf, QueryResults, Timeline, TimelineMarker } from '../../common/engineApi.js';
import { alarmKpis } from '../../common/ops/alarmKpis.js';
import type { OpsSnapshot } from '../../common/ops/controlRoomViews.js';
import type { RiskChange } from '../../common/risk/riskRegister.js';
import { micros } from '../../common/vocabulary.js';
import { SQL_QUERIES } from '../queries/catalog.js';
import { baseline } from '../queries/baseline.js';
import { forecasts } from '../queries/forecasts.js';
import { permits } from '../queries/permits.js';
import { checklistProgress } from '../queries/checklistProgress.js';
import { runNamedQuery } from '../queries/query.js';
import type { Database } from '../store/database.js';
import { OperationalHistory } from './operationalHistory.js';
import { incidentReport } from '../ops/incidentReports.js';
import { correlate, CorrelationPointsCache } from '../analysis/correlation.js';
import type { SuppressionProfile } from '../../common/ops/controlRoomState.js';

type AnswerAt<N extends QueryName> = (p: QueryParamsOf<N>, atMs: number, signal: AbortSignal) => Promise<QueryResults[N]> | QueryResults[N];

/** The answers that are live whatever the clock (the engine's own health, its operator-action link, a shift's report). */
export interface LiveOnly {
  health(): QueryResults['health'];
  feeds(): QueryResults['feeds'];
  opsStatus(): QueryResults['opsStatus'];
  handover(p: QueryParamsOf<'handover'>): Promise<QueryResults['handover']>;
  /** The SQL console's schema and saved queries: the same whatever the clock (none without a console). */
  sqlSchema?(): Promise<QueryResults['sqlSchema']>;
  sqlSaved?(): Promise<QueryResults['sqlSaved']>;
  /** The contingency plans in force (none over a bundle). */
  incidentPlans?(): QueryResults['incidentPlans'];
}

export interface ReplaySource {
  db: Database;
  rules: readonly AlarmRule[];
  checklists: Checklists;
  profiles: SuppressionProfile[];
  mode: 'live' | 'bundle';
  /** What can be replayed: a bundle's window; live, from the oldest data kept to now. */
  window(): Promise<{ fromMs: number; toMs: number }>;
  /** How far the history reads at once (a bundle: its end; live: now). */
  horizon: () => number;
  /** Alarm transitions older than this are not read (a live engine: its raw retention bounds the history's memory). */
  oldest?: number;
  /** The most facts the history holds (the oldest are folded into a base beyond it). */
  maxFacts?: number;
}

const COLOUR_ORDER = { red: 0, orange: 1, yellow: 2, blue: 3 };

/**
 * Every query of the contract answered as of an instant (docs/replay.md): the SQL queries with the
 * instant as their "now" and nothing after it counted, the control room's from the operational state
 * folded up to the instant. The live engine answers a connection whose clock was set back with it,
 * and a bundle opened with `cityops open` answers every connection with it.
 */
export class ReplayAnswers {
  readonly history: OperationalHistory;
  /** A bundle's correlation points, placed once (a bundle never changes while open). */
  private readonly points = new CorrelationPointsCache();

  constructor(private readonly src: ReplaySource, private readonly live: LiveOnly) {
    this.history = new OperationalHistory(src.db, {
      profiles: src.profiles, horizon: src.horizon, ...(src.oldest !== undefined ? { oldest: src.oldest } : {}), ...(src.maxFacts !== undefined ? { maxFacts: src.maxFacts } : {}),
    });
    // a bundle never changes: its correlation points are placed once, now, before the analyst asks
    if (src.mode === 'bundle') this.points.preload(src.db);
  }

  async answer<N extends QueryName>(name: N, p: QueryParamsOf<N>, atMs: number, signal: AbortSignal): Promise<QueryResults[N]> {
    return (this.answers[name] as AnswerAt<N>)(p, atMs, signal);
  }

  /** What can be replayed (a connection's clock is kept within it). */
  window(): Promise<{ fromMs: number; toMs: number }> {
    return this.src.window();
  }

  /** The `ops` topic's picture as of the instant. */
  async snapshotAt(atMs: number): Promise<OpsSnapshot> {
    await this.history.loadUpTo(atMs);
    return this.history.snapshotAt(atMs);
  }

  /**
   * `read` over the state as of the instant, run with no await between the fold and it: the state is
   * the history's cursor, which another screen's seek moves (an awaited state could be another instant's).
   */
  private async withStateAt<T>(atMs: number, read: (s: ReturnType<OperationalHistory['stateAt']>) => T): Promise<T> {
    await this.history.loadUpTo(atMs);
    return read(this.history.stateAt(atMs));
  }

  private readonly answers: { [N in QueryName]: AnswerAt<N> } = {
    health: () => this.live.health(),
    feeds: () => this.live.feeds(),
    opsStatus: () => this.live.opsStatus(),
    handover: (p) => this.live.handover(p),
    alarmRules: () => [...this.src.rules],
    alarms: (p, t) => this.withStateAt(t, (s) => s.alarms(t).filter((a) => (!p.domain || a.domain === p.domain) && (!p.district || a.district === p.district)
      && (!p.priority || a.priority === p.priority) && (!p.state || a.state === p.state) && (p.all || a.annunciated)).slice(0, p.limit)),
    alarmKpis: (_p, t) => this.withStateAt(t, (s) => alarmKpis(s, t)),
    hazards: (p, t) => this.withStateAt(t, (s) => s.hazardList(t).filter((h) => (!p.domain || h.domain === p.domain) && (!p.district || h.district === p.district)
      && (!p.stage || h.stage === p.stage) && (p.open === undefined || (h.stage !== 'closed') === p.open)
      && (p.overdue === undefined || h.overdue === p.overdue)).slice(0, p.limit)),
    risks: async (p, t) => {
      const r = await this.history.risksAt(t);
      const assets = r.assets.filter((x) => (!p.domain || x.domain === p.domain) && (!p.district || x.district === p.district) && (!p.colour || x.colour === p.colour))
        .sort((a, b) => COLOUR_ORDER[a.colour] - COLOUR_ORDER[b.colour] || b.score - a.score || a.asset.localeCompare(b.asset)).slice(0, p.limit);
      return { assets, districts: r.districts.filter((d) => !p.district || d.district === p.district) };
    },
    riskChanges: async (p, t) => {
      const rows = await this.src.db.queryRows(`SELECT epoch_ms(ts)::DOUBLE AS at_ms, key, from_colour, to_colour, reasons FROM risk_changes
        WHERE ts <= make_timestamptz($h::BIGINT)${p.key ? ' AND key = $key' : ''} ORDER BY ts DESC LIMIT ${p.limit}`, { h: micros(t), ...(p.key ? { key: p.key } : {}) });
      return rows.map((r): RiskChange => ({
        atMs: Number(r['at_ms']), key: String(r['key']), from: r['from_colour'] === null ? null : (String(r['from_colour']) as RiskChange['to']),
        to: String(r['to_colour']) as RiskChange['to'], reasons: String(r['reasons']).split('; ').filter(Boolean), factors: [],
      }));
    },
    checklist: async (p, t) => {
      // the cases open at t, read now: the shared state moves with another screen's seek while the SQL runs
      const open = await this.withStateAt(t, (s) => s.hazardList(t).filter((h) => h.stage !== 'closed'));
      return checklistProgress(this.src.db, p, this.src.checklists, () => open, t);
    },
    baseline: (p, t, s) => baseline(this.src.db, p, t, s),
    forecasts: (p, t, s) => forecasts(this.src.db, this.src.rules, p, t, s),
    permits: async (p, t, s) => {
      // the cases' stages at t, read before the SQL runs (the shared state moves with another screen's seek)
      const stages = await this.withStateAt(t, (st) => new Map([...st.hazards.values()].map((h) => [h.id, h.stage])));
      return permits(this.src.db, p, t, (id) => stages.get(id) ?? null, s);
    },
    timeline: (p) => this.timeline(p),
    // clusters as of the cursor: nothing after it counts
    correlation: (p, t, s) => correlate(this.src.db, p, t, s, this.src.mode === 'bundle' ? { cache: this.points } : {}),
    sqlSchema: () => this.live.sqlSchema?.() ?? [],
    sqlSaved: () => this.live.sqlSaved?.() ?? { saved: [], ready: [] },
    incidents: (p, t) => this.withStateAt(t, (s) => s.incidents.list().filter((i) => p.open === undefined || (i.closed === null) === p.open).slice(0, p.limit)),
    incidentReport: async (p, t) => incidentReport(this.src.db, await this.withStateAt(t, (s) => s.incidents.byId.get(p.incident))),
    incidentPlans: () => this.live.incidentPlans?.() ?? [],
    series: (p, t, s) => runNamedQuery(this.src.db, SQL_QUERIES.series, p, t, s, true),
    latest: (p, t, s) => runNamedQuery(this.src.db, SQL_QUERIES.latest, p, t, s, true),
    kpis: (p, t, s) => runNamedQuery(this.src.db, SQL_QUERIES.kpis, p, t, s, true),
    events: (p, t, s) => runNamedQuery(this.src.db, SQL_QUERIES.events, p, t, s, true),
    assets: (p, t, s) => runNamedQuery(this.src.db, SQL_QUERIES.assets, p, t, s, true),
    asset: (p, t, s) => runNamedQuery(this.src.db, SQL_QUERIES.asset, p, t, s, true),
    alarmLog: (p, t, s) => runNamedQuery(this.src.db, SQL_QUERIES.alarmLog, p, t, s, true),
    inspections: (p, t, s) => runNamedQuery(this.src.db, SQL_QUERIES.inspections, p, t, s, true),
    quarantine: (p, t, s) => runNamedQuery(this.src.db, SQL_QUERIES.quarantine, p, t, s, true),
    districts: (p, t, s) => runNamedQuery(this.src.db, SQL_QUERIES.districts, p, t, s, true),
  };

  /** The window and its markers: alarms raised, red and orange events, hazard cases raised and moved on (newest `limit`, oldest first). */
  async timeline(p: QueryParamsOf<'timeline'>): Promise<Timeline> {
    const window = await this.src.window();
    const from = Math.max(window.fromMs, p.fromMs ?? window.fromMs);
    const to = Math.min(window.toMs, p.toMs ?? window.toMs);
    const rows = await this.src.db.queryRows(`
      SELECT * FROM (
        SELECT epoch_ms(ts)::DOUBLE AS at_ms, 'alarm' AS kind, priority AS level, rule AS what, domain, district, asset FROM alarm_log
          WHERE active AND ts >= make_timestamptz($from::BIGINT) AND ts <= make_timestamptz($to::BIGINT)
        UNION ALL
        SELECT epoch_ms(ts)::DOUBLE, 'event', severity, title, domain, district, asset FROM events
          WHERE severity IN ('red', 'orange') AND ts >= make_timestamptz($from::BIGINT) AND ts <= make_timestamptz($to::BIGINT)
        UNION ALL
        SELECT epoch_ms(ts)::DOUBLE, 'hazard', coalesce(json_extract_string(payload, '$.action.grade'), ''), kind,
               coalesce(json_extract_string(payload, '$.action.domain'), ''), coalesce(json_extract_string(payload, '$.action.district'), ''),
               json_extract_string(payload, '$.action.asset') FROM ops_log
          WHERE ok AND kind LIKE 'hazard.%' AND kind NOT IN ('hazard.comment', 'hazard.attach') AND ts >= make_timestamptz($from::BIGINT) AND ts <= make_timestamptz($to::BIGINT)
      ) ORDER BY at_ms DESC LIMIT ${p.limit}`, { from: micros(from), to: micros(to) });
    const markers = rows.map((r): TimelineMarker => ({
      atMs: Number(r['at_ms']), kind: String(r['kind']) as TimelineMarker['kind'], level: String(r['level']), what: String(r['what']),
      domain: String(r['domain']), district: String(r['district']), asset: r['asset'] === null ? null : String(r['asset']),
    })).reverse();
    return { mode: this.src.mode, window, markers };
  }
}
