import type { z } from 'zod';
import type { AlarmRule } from '../../common/alarms/alarmRules.js';
import type { ChecklistProgress, Checklists } from '../../common/checklists.js';
import type { QUERY_PARAMS } from '../../common/engineApi.js';
import { alarmKpis, type AlarmKpis } from '../../common/ops/alarmKpis.js';
import { ControlRoomState, type SuppressionProfile } from '../../common/ops/controlRoomState.js';
import type { AlarmView, HazardView, OpsSnapshot } from '../../common/ops/controlRoomViews.js';
import { NO_NOTES, type HandoverNotes } from '../../common/ops/handoverReport.js';
import { mayDo, type OpsAction, type OpsEvent, type Role } from '../../common/ops/opsEvents.js';
import type { AssetRisk, DistrictRisk, RiskChange } from '../../common/risk/riskRegister.js';
import type { CommittedBatch } from '../ingest/ingestor.js';
import { checklistProgress } from '../queries/checklistProgress.js';
import type { Batch } from '../store/batch.js';
import { insertAlarms, type BatchWriter } from '../store/batchWriter.js';
import type { Database } from '../store/database.js';
import { insertHandoverReport, readHandoverReport } from '../store/handoverReports.js';
import { readFailedInspections } from '../store/inspectionRows.js';
import { ActionRefused, precheckAction } from './actionPrecheck.js';
import { permitFacts } from '../queries/permits.js';
import { judgePermits } from '../../common/permits/permitRules.js';
import { permitCaseAction } from '../../common/permits/permitCase.js';
import { message } from '../../common/i18n.js';
import { ActionStream, type ActionStreamOptions } from './actionStream.js';
import { AlarmService } from './alarmService.js';
import { AssetRegistry } from './assetRegistry.js';
import { buildHandover, type HandoverReport } from './handover.js';
import { InspectionTally } from './inspectionTally.js';
import { RiskRegisterCache } from './riskRegisterCache.js';
import { KpisCache, SnapshotCache } from './snapshotCache.js';
import type { ContingencyPlan } from '../../common/incidents/contingencyPlan.js';
import type { Incident } from '../../common/incidents/incident.js';
import type { IncidentReport } from '../../common/incidents/incidentReport.js';
import { incidentReport, keepIncidentReport } from './incidentReports.js';
import { RedEvents } from './redEvents.js';

type P<N extends keyof typeof QUERY_PARAMS> = z.infer<(typeof QUERY_PARAMS)[N]>;

/**
 * The closed loop inside one engine: alarms evaluated on ingest, operator actions through the
 * outbox and the OPS stream, hazards, and the risk register computed from all of it. It wires the
 * pieces together, runs their timers and answers the engine API's control-room queries.
 */
export class ControlRoom {
  readonly state: ControlRoomState;
  readonly alarms: AlarmService;
  readonly actionStream: ActionStream;
  readonly risk: RiskRegisterCache;
  private readonly registry = new AssetRegistry();
  private readonly inspections = new InspectionTally();
  /** Red city events: an incident may open from one. */
  private readonly redEvents = new RedEvents();
  private readonly snapshots: SnapshotCache;
  private readonly kpisCache: KpisCache;
  private timers: NodeJS.Timeout[] = [];
  private readonly listeners = new Set<(raised: boolean) => void>();
  lastError: string | null = null;

  constructor(readonly rules: AlarmRule[], profiles: SuppressionProfile[], readonly checklists: Checklists, private readonly db: Database, private readonly writer: BatchWriter, stream: ActionStreamOptions,
    readonly plans: readonly ContingencyPlan[] = []) {
    this.state = new ControlRoomState(profiles);
    this.alarms = new AlarmService(rules, this.state);
    this.actionStream = new ActionStream(this.state, writer, stream);
    this.actionStream.onApplied((e, r) => {
      // a closed incident's report is kept with its SHA-256 as it closes (on every engine alike)
      if (r.ok && e.action.kind === 'incident.close') {
        const closed = this.state.incidents.byId.get(e.action.incident);
        if (closed) keepIncidentReport(writer, closed).catch((err: unknown) => (this.lastError = `keeping incident report: ${err instanceof Error ? err.message : String(err)}`));
      }
      this.changed();
    });
    this.risk = new RiskRegisterCache(this.state, this.registry, this.inspections, writer, {
      changed: () => this.changed(),
      failed: (why) => (this.lastError = why),
    });
    this.kpisCache = new KpisCache(this.state);
    this.snapshots = new SnapshotCache(this.state, this.risk, this.actionStream, this.kpisCache);
  }

  async start(): Promise<void> {
    await this.registry.load(this.db);
    await this.redEvents.load(this.db);
    await this.alarms.restore(this.db.writer);
    await this.inspections.reload(this.db);
    // failed inspections of the last 30 days raise their hazards again (same ids on every engine)
    for (const i of await readFailedInspections(this.db)) this.state.inspectionFailed(i, this.registry.responsible(i.domain, i.district, i.asset));
    await this.actionStream.start();
    this.risk.refresh(Date.now());
    const every = (ms: number, fn: () => Promise<void> | void): void => {
      const t = setInterval(() => {
        Promise.resolve().then(fn).then(() => (this.lastError = null), (e: unknown) => (this.lastError = e instanceof Error ? e.message : String(e)));
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(1_000, async () => {
      const silent = this.alarms.tick(Date.now());
      if (silent.length > 0) {
        await this.writer.exclusive((c) => insertAlarms(c, silent));
        this.alarms.apply(silent);
        this.changed();
      }
    });
    every(1_000, () => {
      this.risk.refresh(Date.now());
    });
    every(600_000, () => this.inspections.reload(this.db));
  }

  /** Called on every change; `raised` when an alarm was raised (walls show those at once). */
  onChange(fn: (raised: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(raised = false): void {
    for (const fn of this.listeners) {
      try {
        fn(raised);
      } catch {
        // a listener's failure must not stop the loop
      }
    }
  }

  /**
   * As readings are taken (and when their batch closes): their alarm transitions join the batch,
   * and they are shown at once. Showing them
   * before the commit lands is safe: a batch is retried until it commits, and if the engine dies
   * first the same readings are read again from the stream and raise the same occurrences (same
   * data time, same ids), so nothing shown is ever contradicted.
   */
  beforeCommit(batch: Batch): void {
    const fresh = this.alarms.evaluate(batch);
    if (fresh.length > 0) {
      this.alarms.apply(fresh);
      this.changed(fresh.some((t) => t.active));
    }
  }

  /** After a batch committed: the registry and the failed inspections enter the state (its alarms already did). */
  committed(b: CommittedBatch): void {
    this.registry.addCommitted(b.assets);
    this.redEvents.addCommitted(b.events);
    for (const i of b.inspections) {
      this.inspections.addCommitted(i);
      if (i.inspection.result === 'fail') {
        const x = i.inspection;
        this.state.inspectionFailed({ id: x.id, tsMs: i.tsMs, domain: i.origin.domain, district: i.origin.district, asset: x.asset, item: x.item, level: x.level ?? 'general', inspector: x.inspector, note: x.note ?? null },
          this.registry.responsible(i.origin.domain, i.origin.district, x.asset));
      }
    }
    if (b.inspections.length > 0) this.changed();
  }

  /** The registry's name of `domain/district/asset` (the key itself when unknown). */
  assetName(key: string): string {
    return this.registry.name(key);
  }

  /** Recomputes the register when something changed; colour changes are kept with their reasons. */
  refreshRisk(nowMs: number, force = false): RiskChange[] {
    return this.risk.refresh(nowMs, force);
  }

  /**
   * An operator action from the engine API: checked against the role and this engine's state
   * (`ActionRefused`), then written to the outbox and handed to the stream.
   */
  async submit(action: OpsAction, device: string, role: Role): Promise<OpsEvent> {
    const a = action.kind === 'hazard.raise' && action.fromPermit ? await this.permitCase(action.hazard, role) : action;
    return this.actionStream.submit(precheckAction(this.state, this.registry, a, device, role, Date.now(), { plans: this.plans, redEvent: (id) => this.redEvents.get(id) }), device, role);
  }

  /** Opening a permit finding as a case: the action is built from the finding as this engine judges it now. */
  private async permitCase(id: string, role: Role): Promise<OpsAction> {
    if (!mayDo(role, 'hazard.raise')) throw new ActionRefused(message('msg_role_may_not', { role, action: 'hazard.raise' }));
    const facts = await permitFacts(this.db, { limit: 0 }, Date.now());
    const nowMs = Date.now();
    const f = facts.flatMap((x) => judgePermits(x, nowMs)).find((x) => x.id === id);
    if (!f) throw new ActionRefused(message('msg_no_permit_finding', { finding: id }));
    return permitCaseAction(f, this.registry.responsible(f.domain, f.district, f.asset));
  }

  // ---- views for the engine API and the HTTP API ----

  alarmList(p: P<'alarms'>, nowMs = Date.now()): AlarmView[] {
    return this.state.alarms(nowMs).filter((a) => (!p.domain || a.domain === p.domain) && (!p.district || a.district === p.district)
      && (!p.priority || a.priority === p.priority) && (!p.state || a.state === p.state) && (p.all || a.annunciated)).slice(0, p.limit);
  }

  hazardList(p: P<'hazards'>, nowMs = Date.now()): (HazardView & { overdue: boolean })[] {
    return this.state.hazardList(nowMs).filter((h) => (!p.domain || h.domain === p.domain) && (!p.district || h.district === p.district)
      && (!p.stage || h.stage === p.stage) && (p.open === undefined || (h.stage !== 'closed') === p.open)
      && (p.overdue === undefined || h.overdue === p.overdue)).slice(0, p.limit);
  }

  riskList(p: P<'risks'>): { assets: AssetRisk[]; districts: DistrictRisk[] } {
    return this.risk.list(p);
  }

  riskChanges(p: P<'riskChanges'>): RiskChange[] {
    return this.risk.changeList(p);
  }

  checklistProgress(p: P<'checklist'>): Promise<ChecklistProgress[]> {
    return checklistProgress(this.db, p, this.checklists, () => this.state.hazardList(Date.now()).filter((h) => h.stage !== 'closed'));
  }

  /** Incidents (应急处置), open first, then newest. */
  incidentList(p: P<'incidents'>): Incident[] {
    return this.state.incidents.list().filter((i) => p.open === undefined || (i.closed === null) === p.open).slice(0, p.limit);
  }

  /** A closed incident's report with its SHA-256 and whether it matches the kept one. */
  incidentReport(p: P<'incidentReport'>): Promise<IncidentReport | null> {
    return incidentReport(this.db, this.state.incidents.byId.get(p.incident));
  }

  kpis(nowMs = Date.now()): AlarmKpis {
    return alarmKpis(this.state, nowMs);
  }

  /**
   * The `alarmKpis` query: computed once per change of the control room's state (and at most a
   * second old otherwise), shared by every client, as the `ops` snapshot is. A computation walks
   * every alarm and the day's transitions (about 18 ms of the engine's thread with a few thousand):
   * a client asking back to back no longer makes the engine do it each time.
   */
  liveKpis(nowMs = Date.now()): AlarmKpis {
    return this.kpisCache.get(nowMs);
  }

  /** The `ops` topic's snapshot: one per change (and at most one a second otherwise), shared by every client. */
  snapshot(nowMs = Date.now()): OpsSnapshot {
    return this.snapshots.get(nowMs);
  }

  /**
   * The shift handover report; `keep` stores it in DuckDB with its SHA-256 (the signatures refer to
   * it). Once a leader has signed a shift, its report is the kept one they signed, with the
   * signatures so far: signing and showing the signatures never generate it anew.
   */
  async handover(fromMs: number, toMs: number, keep: boolean, notes: HandoverNotes = NO_NOTES): Promise<HandoverReport> {
    const signatures = this.state.signatures.filter((g) => g.shiftStartMs === fromMs && g.shiftEndMs === toMs);
    const signed = signatures[0] ? await readHandoverReport(this.db, signatures[0].reportSha256) : null;
    if (signed) return { ...signed, signatures };
    const report = buildHandover(this.state, this.risk.changes, this.kpis(toMs), fromMs, toMs, Date.now(), notes);
    if (keep) await this.writer.exclusive((c) => insertHandoverReport(c, report, JSON.stringify(report)));
    return report;
  }

  stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    return this.actionStream.close();
  }
}
