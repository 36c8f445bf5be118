import type { AlarmView, HazardView } from '../ops/controlRoomViews.js';
import { assessRisk, type RiskAssessment, type RiskColour } from './riskMatrix.js';
import { assetKey } from '../vocabulary.js';

export { assetKey };

/**
 * The risk register: every asset and every district gets a colour from the matrix, from the
 * evidence the engine holds (standing alarms, open hazards, inspections of the last 30 days).
 * Pure; the engine keeps the changes with their reasons.
 */
export interface RegisterAsset {
  domain: string;
  district: string;
  asset: string;
  name: string;
  /** Baseline likelihood 1–5 from the registry (`attrs.risk_baseline`), 1 when absent. */
  baseline: number;
}

export interface InspectionCounts {
  failed: number;
  passed: number;
}

export interface AssetRisk extends RiskAssessment {
  domain: string;
  district: string;
  asset: string;
  name: string;
}

export interface DistrictRisk {
  district: string;
  colour: RiskColour;
  counts: Record<RiskColour, number>;
  worst: string | null;
}

export interface RiskChange {
  atMs: number;
  key: string;
  from: RiskColour | null;
  to: RiskColour;
  reasons: string[];
  /** The same reasons as codes (assets), for the screens and reports to say in their language. */
  factors: RiskAssessment['factors'];
}


/** Groups without copying the group on every item (a copy per item is quadratic: 20,000 assets in one district held the engine for 1.5 s). */
function groupInto<T>(by: Map<string, T[]>, key: string, item: T): void {
  const g = by.get(key);
  if (g) g.push(item);
  else by.set(key, [item]);
}

export function assessAll(assets: RegisterAsset[], alarms: AlarmView[], hazards: (HazardView & { overdue: boolean })[],
  inspections: Map<string, InspectionCounts>): AssetRisk[] {
  const alarmsBy = new Map<string, AlarmView[]>();
  for (const a of alarms) {
    if (!a.active) continue;
    const k = assetKey(a.domain, a.district, a.asset);
    groupInto(alarmsBy, k, a);
  }
  const hazardsBy = new Map<string, (HazardView & { overdue: boolean })[]>();
  for (const h of hazards) {
    if (h.stage === 'closed' || h.asset === null) continue;
    const k = assetKey(h.domain, h.district, h.asset);
    groupInto(hazardsBy, k, h);
  }
  // counted in one pass per list, without a closure or an array per asset: 20,000 assets are assessed
  // on every change of the state (and on every seek of a replay), and allocations there cost more than the matrix
  const NO_INSPECTIONS: InspectionCounts = { failed: 0, passed: 0 };
  const out: AssetRisk[] = new Array<AssetRisk>(assets.length);
  for (let i = 0; i < assets.length; i++) {
    const x = assets[i] as RegisterAsset;
    const k = assetKey(x.domain, x.district, x.asset);
    const al = alarmsBy.get(k);
    const hz = hazardsBy.get(k);
    const ins = inspections.get(k) ?? NO_INSPECTIONS;
    const alarmCounts = { critical: 0, high: 0, medium: 0, low: 0 };
    if (al) for (const a of al) alarmCounts[a.priority]++;
    const hazardCounts = { major: 0, general: 0, overdue: 0 };
    if (hz) {
      for (const h of hz) {
        if (h.grade === 'major') hazardCounts.major++;
        else if (h.grade === 'general') hazardCounts.general++;
        if (h.overdue) hazardCounts.overdue++;
      }
    }
    const r = assessRisk(x.domain, { baseline: x.baseline, alarms: alarmCounts, openHazards: hazardCounts, failedInspections30d: ins.failed, passedInspections30d: ins.passed });
    out[i] = { likelihood: r.likelihood, severity: r.severity, score: r.score, colour: r.colour, reasons: r.reasons, factors: r.factors, domain: x.domain, district: x.district, asset: x.asset, name: x.name };
  }
  return out;
}

export function districtRisks(risks: AssetRisk[]): DistrictRisk[] {
  const by = new Map<string, AssetRisk[]>();
  for (const r of risks) groupInto(by, r.district, r);
  return [...by].map(([district, rs]) => {
    const counts: Record<RiskColour, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
    for (const r of rs) counts[r.colour]++;
    const colour: RiskColour = counts.red > 0 ? 'red' : counts.orange > 0 ? 'orange' : counts.yellow > 0 ? 'yellow' : 'blue';
    let worst: AssetRisk | undefined;
    for (const r of rs) if (worst === undefined || r.score > worst.score) worst = r;
    return { district, colour, counts, worst: worst ? assetKey(worst.domain, worst.district, worst.asset) : null };
  }).sort((a, b) => a.district.localeCompare(b.district));
}

/** Remembers each key's colour and records a change (with the reasons) when it moves. */
export class RiskTracker {
  private readonly colours = new Map<string, RiskColour>();
  readonly changes: RiskChange[] = [];

  constructor(private readonly maxChanges = 20_000) {}

  update(nowMs: number, risks: AssetRisk[], districts: DistrictRisk[]): RiskChange[] {
    const out: RiskChange[] = [];
    const see = (key: string, to: RiskColour, reasons: string[], factors: RiskAssessment['factors'] = []): void => {
      const from = this.colours.get(key) ?? null;
      if (from === to) return;
      this.colours.set(key, to);
      // the first sight of a blue asset is not a change worth recording
      if (from === null && to === 'blue') return;
      out.push({ atMs: nowMs, key, from, to, reasons: reasons.length ? reasons : ['baseline'], factors });
    };
    for (const r of risks) see(assetKey(r.domain, r.district, r.asset), r.colour, r.reasons, r.factors);
    for (const d of districts) see(`district/${d.district}`, d.colour, d.worst ? [`worst asset ${d.worst}`] : []);
    this.changes.push(...out);
    if (this.changes.length > this.maxChanges) this.changes.splice(0, this.changes.length - this.maxChanges);
    return out;
  }
}
