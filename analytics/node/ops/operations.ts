import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { AlarmRule } from '../../common/alarms/alarmRules.js';
import { ChecklistsSchema, type ChecklistProgress, type Checklists } from '../../common/checklists.js';
import type { Domain } from '../../common/city.js';
import type { QUERY_PARAMS } from '../../common/engineApi.js';
import { mayDo, type OpsAction, type OpsEvent, type Role } from '../../common/ops/opsEvents.js';
import { alarmKpis, OpsState, type AlarmView, type HazardView, type OpsSnapshot, type SuppressionProfile } from '../../common/ops/opsState.js';
import { applyHazard, isHazardRefusal } from '../../common/hazards/hazardCase.js';
import { assessAll, assetKey, districtRisks, RiskTracker, type AssetRisk, type DistrictRisk, type InspectionCounts, type RegisterAsset, type RiskChange } from '../../common/risk/riskRegister.js';
import type { CommittedBatch } from '../ingest/ingestor.js';
import type { Batch } from '../store/batch.js';
import { insertAlarms, type BatchWriter } from '../store/batchWriter.js';
import type { Database } from '../store/database.js';
import { AlarmService } from './alarmService.js';
import { OpsChannel, type OpsChannelOptions } from './opsChannel.js';
import { buildHandover, type HandoverReport } from './handover.js';

interface RegistryEntry extends RegisterAsset {
  owner: string | null;
  supervisor: string | null;
  approver: string | null;
}

export class ActionRefused extends Error {}

export function loadChecklists(path: string): Checklists {
  const r = ChecklistsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!r.success) throw new Error(`checklists ${path}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

type P<N extends keyof typeof QUERY_PARAMS> = z.infer<(typeof QUERY_PARAMS)[N]>;

const MAX_PUSHED_ALARMS = 300;

/**
 * The closed loop inside one engine: alarms evaluated on ingest, operator actions through the
 * outbox and the OPS stream, hazards, and the risk register computed from all of it.
 */
export class Operations {
  readonly state: OpsState;
  readonly alarms: AlarmService;
  readonly channel: OpsChannel;
  private readonly tracker = new RiskTracker();
  private readonly registry = new Map<string, RegistryEntry>();
  private inspections = new Map<string, InspectionCounts>();
  private risks: AssetRisk[] = [];
  private districts: DistrictRisk[] = [];
  private riskVersion = -1;
  private timers: NodeJS.Timeout[] = [];
  private readonly listeners = new Set<(raised: boolean) => void>();
  lastError: string | null = null;

  constructor(readonly rules: AlarmRule[], profiles: SuppressionProfile[], readonly checklists: Checklists, private readonly db: Database, private readonly writer: BatchWriter, channel: OpsChannelOptions) {
    this.state = new OpsState(profiles);
    this.alarms = new AlarmService(rules, this.state);
    this.channel = new OpsChannel(this.state, writer, channel);
    this.channel.onApplied(() => this.changed());
  }

  static loadProfiles(path: string): SuppressionProfile[] {
    return JSON.parse(readFileSync(path, 'utf8')) as SuppressionProfile[];
  }

  async start(): Promise<void> {
    await this.loadRegistry();
    await this.alarms.restore(this.db.writer);
    await this.loadInspections();
    // failed inspections of the last 30 days raise their hazards again (same ids on every engine)
    for (const r of await this.db.queryRows(`SELECT epoch_ms(ts)::DOUBLE AS ts, domain, district, msg_id, asset, item, level, note, inspector
      FROM inspections WHERE result = 'fail' AND ts > now() - INTERVAL 30 DAY ORDER BY ts`)) {
      this.inspectionFailed(String(r['msg_id']), Number(r['ts']), r['domain'] as Domain, String(r['district']), String(r['asset']), String(r['item']),
        r['level'] === 'major' ? 'major' : 'general', String(r['inspector']), r['note'] === null ? null : String(r['note']));
    }
    await this.channel.start();
    this.refreshRisk(Date.now());
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
      this.refreshRisk(Date.now());
    });
    every(600_000, () => this.loadInspections());
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
    for (const a of b.assets) {
      const r = a.record;
      const baseline = typeof r.attrs?.['risk_baseline'] === 'number' ? Math.max(1, Math.min(5, r.attrs['risk_baseline'])) : 1;
      this.registry.set(assetKey(a.origin.domain, a.origin.district, r.id), {
        domain: a.origin.domain, district: a.origin.district, asset: r.id, name: r.name, baseline,
        owner: r.owner, supervisor: r.supervisor, approver: r.approver ?? null,
      });
    }
    for (const i of b.inspections) {
      const k = assetKey(i.origin.domain, i.origin.district, i.inspection.asset);
      const c = this.inspections.get(k) ?? { failed: 0, passed: 0 };
      if (i.inspection.result === 'fail') c.failed++;
      else c.passed++;
      this.inspections.set(k, c);
      if (i.inspection.result === 'fail') {
        const x = i.inspection;
        this.inspectionFailed(x.id, i.tsMs, i.origin.domain, i.origin.district, x.asset, x.item, x.level ?? 'general', x.inspector, x.note ?? null);
      }
    }
    if (b.inspections.length > 0) this.changed();
  }

  private inspectionFailed(id: string, tsMs: number, domain: Domain, district: string, asset: string, item: string, level: 'major' | 'general', inspector: string, note: string | null): void {
    this.state.inspectionFailed({ id, tsMs, domain, district, asset, item, level, inspector, note }, this.responsible(domain, district, asset));
  }

  /** The registry's name of `domain/district/asset` (the key itself when unknown). */
  assetName(key: string): string {
    return this.registry.get(key)?.name ?? key;
  }

  private responsible(domain: string, district: string, asset: string | null): HazardView['responsible'] {
    const r = asset === null ? undefined : this.registry.get(assetKey(domain, district, asset));
    return { owner: r?.owner ?? null, supervisor: r?.supervisor ?? null, approver: r?.approver ?? null };
  }

  private async loadRegistry(): Promise<void> {
    for (const r of await this.db.queryRows(`SELECT domain, district, asset, name, owner, supervisor, approver,
        try_cast(json_extract(attrs, '$.risk_baseline') AS DOUBLE) AS baseline FROM assets`)) {
      const b = r['baseline'];
      this.registry.set(assetKey(String(r['domain']), String(r['district']), String(r['asset'])), {
        domain: String(r['domain']), district: String(r['district']), asset: String(r['asset']), name: String(r['name']),
        baseline: typeof b === 'number' ? Math.max(1, Math.min(5, b)) : 1,
        owner: r['owner'] === null ? null : String(r['owner']), supervisor: r['supervisor'] === null ? null : String(r['supervisor']),
        approver: r['approver'] === null ? null : String(r['approver']),
      });
    }
  }

  private async loadInspections(): Promise<void> {
    const m = new Map<string, InspectionCounts>();
    for (const r of await this.db.queryRows(`SELECT domain, district, asset, count(*) FILTER (WHERE result = 'fail') AS failed,
        count(*) FILTER (WHERE result = 'pass') AS passed FROM inspections WHERE ts > now() - INTERVAL 30 DAY GROUP BY ALL`)) {
      m.set(assetKey(String(r['domain']), String(r['district']), String(r['asset'])), { failed: Number(r['failed']), passed: Number(r['passed']) });
    }
    this.inspections = m;
  }

  /** Recomputes the register when something changed; colour changes are kept with their reasons. */
  refreshRisk(nowMs: number, force = false): RiskChange[] {
    if (!force && this.riskVersion === this.state.version && this.risks.length === this.registry.size) return [];
    this.riskVersion = this.state.version;
    this.risks = assessAll([...this.registry.values()], this.state.alarms(nowMs), this.state.hazardList(nowMs), this.inspections);
    this.districts = districtRisks(this.risks);
    const changes = this.tracker.update(nowMs, this.risks, this.districts);
    if (changes.length > 0) {
      void this.writer.exclusive(async (c) => {
        for (const ch of changes) {
          await c.run('INSERT INTO risk_changes VALUES (make_timestamptz($at::BIGINT), $key, $from, $to, $reasons)',
            { at: BigInt(Math.round(ch.atMs)) * 1000n, key: ch.key, from: ch.from, to: ch.to, reasons: ch.reasons.join('; ') });
        }
      }).catch((e: unknown) => (this.lastError = `risk changes: ${e instanceof Error ? e.message : String(e)}`));
      this.changed();
    }
    return changes;
  }

  /**
   * An operator action from the engine API: the role is checked, the action is checked against
   * this engine's state (an obviously refused action never reaches the stream), then it goes to
   * the outbox and the stream.
   */
  async submit(action: OpsAction, device: string, role: Role): Promise<OpsEvent> {
    if (!mayDo(role, action.kind)) throw new ActionRefused(`role ${role} may not ${action.kind}`);
    let a = action;
    const now = Date.now();
    if (a.kind === 'hazard.raise') {
      if (this.state.hazards.has(a.hazard)) throw new ActionRefused(`hazard ${a.hazard} exists`);
      a = { ...a, responsible: this.responsible(a.domain, a.district, a.asset) };
    } else if (a.kind.startsWith('hazard.') && 'hazard' in a) {
      const h = this.state.hazards.get(a.hazard);
      if (!h) throw new ActionRefused(`no hazard ${a.hazard}`);
      const cmd = a.kind === 'hazard.dispatch' ? { kind: 'dispatch' as const, by: device, assignee: a.assignee, deadlineMs: a.deadlineMs, ...(a.fiveItems ? { fiveItems: a.fiveItems } : {}) }
        : a.kind === 'hazard.start' ? { kind: 'start_rectification' as const, by: device }
          : a.kind === 'hazard.report' ? { kind: 'report_done' as const, by: device, note: a.note }
            : a.kind === 'hazard.verify' ? { kind: 'verify' as const, by: device, passed: a.passed, note: a.note }
              : a.kind === 'hazard.regrade' ? { kind: 'regrade' as const, by: device, grade: a.grade } : null;
      if (cmd) {
        const r = applyHazard(h, cmd, now);
        if (isHazardRefusal(r)) throw new ActionRefused(r.refused);
      }
    }
    return this.channel.submit(a, device, role);
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
    this.refreshRisk(Date.now());
    const order = { red: 0, orange: 1, yellow: 2, blue: 3 };
    const assets = this.risks.filter((r) => (!p.domain || r.domain === p.domain) && (!p.district || r.district === p.district) && (!p.colour || r.colour === p.colour))
      .sort((a, b) => order[a.colour] - order[b.colour] || b.score - a.score || a.asset.localeCompare(b.asset)).slice(0, p.limit);
    return { assets, districts: this.districts.filter((d) => !p.district || d.district === p.district) };
  }

  riskChanges(p: P<'riskChanges'>): RiskChange[] {
    return this.tracker.changes.filter((c) => !p.key || c.key === p.key).slice(-p.limit).reverse();
  }

  /** 排查进度: per domain and district, assets inspected in the window, findings, failures, open cases, per checklist item. */
  async checklistProgress(p: P<'checklist'>): Promise<ChecklistProgress[]> {
    const where = `ts > now() - INTERVAL ${p.days} DAY${p.domain ? ' AND domain = $domain' : ''}${p.district ? ' AND district = $district' : ''}`;
    const values: Record<string, string> = {};
    if (p.domain) values['domain'] = p.domain;
    if (p.district) values['district'] = p.district;
    const assetWhere = `true${p.domain ? ' AND domain = $domain' : ''}${p.district ? ' AND district = $district' : ''}`;
    const rows = await this.db.queryRows(`
      WITH a AS (SELECT domain, district, count(*) AS assets FROM assets WHERE ${assetWhere} GROUP BY ALL),
           i AS (SELECT domain, district, count(DISTINCT asset) AS inspected, count(*) AS findings, count(*) FILTER (WHERE result = 'fail') AS failed
                 FROM inspections WHERE ${where} GROUP BY ALL)
      SELECT coalesce(a.domain, i.domain) AS domain, coalesce(a.district, i.district) AS district, coalesce(a.assets, 0) AS assets,
             coalesce(i.inspected, 0) AS inspected, coalesce(i.findings, 0) AS findings, coalesce(i.failed, 0) AS failed
      FROM a FULL JOIN i ON a.domain = i.domain AND a.district = i.district ORDER BY 1, 2`, values);
    const itemRows = await this.db.queryRows(`SELECT domain, district, item, count(*) AS checked, count(*) FILTER (WHERE result = 'fail') AS failed
      FROM inspections WHERE ${where} GROUP BY ALL`, values);
    const byKey = new Map<string, Map<string, { checked: number; failed: number }>>();
    for (const r of itemRows) {
      const k = `${String(r['domain'])}/${String(r['district'])}`;
      const m = byKey.get(k) ?? new Map<string, { checked: number; failed: number }>();
      m.set(String(r['item']), { checked: Number(r['checked']), failed: Number(r['failed']) });
      byKey.set(k, m);
    }
    const now = Date.now();
    const open = this.state.hazardList(now).filter((h) => h.stage !== 'closed');
    return rows.map((r) => {
      const domain = String(r['domain']);
      const district = String(r['district']);
      const m = byKey.get(`${domain}/${district}`);
      const list = this.checklists.find((c) => c.domain === domain)?.items ?? [];
      const hz = open.filter((h) => h.domain === domain && h.district === district);
      return {
        domain, district, assets: Number(r['assets']), inspectedAssets: Number(r['inspected']), findings: Number(r['findings']), failed: Number(r['failed']),
        openHazards: hz.length, overdueHazards: hz.filter((h) => h.overdue).length,
        items: list.map((it) => ({ ...it, checked: m?.get(it.zh)?.checked ?? 0, failed: m?.get(it.zh)?.failed ?? 0 })),
      };
    });
  }

  kpis(nowMs = Date.now()): ReturnType<typeof alarmKpis> {
    return alarmKpis(this.state, nowMs);
  }

  /** One snapshot per change (and at most one a second otherwise), shared by every connected client. */
  snapshot(nowMs = Date.now()): OpsSnapshot {
    const c = this.cached;
    if (c && c.version === this.state.version && c.pending.length === this.channel.pendingActions().length && nowMs - c.atMs < 1000) return c;
    this.cached = this.buildSnapshot(nowMs);
    return this.cached;
  }

  private cached: OpsSnapshot | null = null;

  private buildSnapshot(nowMs: number): OpsSnapshot {
    this.refreshRisk(nowMs);
    const alarms = this.state.alarms(nowMs);
    const hazards = this.state.hazardList(nowMs).filter((h) => h.stage !== 'closed');
    return {
      version: this.state.version, atMs: nowMs,
      alarms: alarms.slice(0, MAX_PUSHED_ALARMS),
      kpis: {
        standing: alarms.filter((a) => a.active).length, unacknowledged: alarms.filter((a) => a.state === 'unack' || a.state === 'rtn_unack').length,
        floodNow: this.state.floods(nowMs).some((f) => f.startMs <= nowMs && nowMs < f.endMs),
        raisedLast10Min: this.state.history.filter((t) => t.active && t.atMs > nowMs - 600_000).length,
      },
      hazards: { open: hazards.length, overdue: hazards.filter((h) => h.overdue).length, major: hazards.filter((h) => h.grade === 'major').length },
      openHazards: hazards.slice(0, 30).map((h) => ({
        id: h.id, title: h.title, grade: h.grade, stage: h.stage, domain: h.domain, district: h.district, asset: h.asset,
        assignee: h.assignee, deadlineMs: h.deadlineMs, overdue: h.overdue, createdAtMs: h.createdAtMs,
      })),
      districts: this.districts,
      assetRisk: Object.fromEntries(this.risks.filter((r) => r.colour !== 'blue').map((r) => [assetKey(r.domain, r.district, r.asset), r.colour as 'red' | 'orange' | 'yellow'])),
      pending: this.channel.pendingActions(),
      recent: [...this.state.applied.values()].slice(-50),
    };
  }

  /** The shift handover report, kept in DuckDB with its SHA-256 (the signatures refer to it). */
  async handover(fromMs: number, toMs: number, keep: boolean): Promise<HandoverReport> {
    const report = buildHandover(this.state, this.tracker.changes, this.kpis(toMs), fromMs, toMs, Date.now());
    if (keep) {
      await this.writer.exclusive((c) => c.run('INSERT INTO handover_reports VALUES (make_timestamptz($f::BIGINT), make_timestamptz($t::BIGINT), now(), $sha, $json)', {
        f: BigInt(Math.round(fromMs)) * 1000n, t: BigInt(Math.round(toMs)) * 1000n, sha: report.sha256, json: JSON.stringify(report),
      }));
    }
    return report;
  }

  stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    return this.channel.close();
  }
}
