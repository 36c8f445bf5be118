/**
 * The risk register's matrix (风险分级管控): risk = likelihood × severity, each 1–5, in the four
 * national colours — red 重大, orange 较大, yellow 一般, blue 低. Severity comes from what the asset
 * is (the consequence if it fails); likelihood starts from a baseline and is raised by standing
 * alarms, open hazards and failed inspections, and lowered by passed inspections. Every change
 * keeps its reason. The bands are configurable; the defaults are documented in docs/risk-matrix.md.
 */
/** The four colours of risk (红橙黄蓝), worst first: the one vocabulary for risk and event severity. */
export { COLOURS as RISK_COLOURS, type Colour as RiskColour } from '../vocabulary.js';
import { COLOURS as RISK_COLOURS, type Colour as RiskColour } from '../vocabulary.js';
import { riskReasonText } from '../i18n.js';
export const isRiskColour = (s: string): s is RiskColour => (RISK_COLOURS as readonly string[]).includes(s);

export interface RiskBands {
  /** Lowest score of each colour (scores run 1–25). */
  red: number;
  orange: number;
  yellow: number;
}

export const DEFAULT_BANDS: RiskBands = { red: 15, orange: 9, yellow: 4 };

/** Consequence class by domain: lifelines whose failure can kill or cut a city off rank highest. */
export const SEVERITY_BY_DOMAIN: Record<string, number> = {
  gas: 5, bridge: 5, construction: 4, building: 4, flood: 4, tunnel: 4, heat: 3, power: 3, water: 3,
  pipeline: 3, drainage: 2, road: 2, waste: 2, park: 2,
};

export interface RiskEvidence {
  baseline: number;
  alarms: { critical: number; high: number; medium: number; low: number };
  openHazards: { major: number; general: number; overdue: number };
  failedInspections30d: number;
  passedInspections30d: number;
}

export type RiskFactor = 'critical_alarms' | 'high_alarms' | 'major_hazards' | 'general_hazards' | 'overdue_hazards' | 'failed_inspections' | 'passed_inspections' | 'routine_capped';

export interface RiskAssessment {
  likelihood: number;
  severity: number;
  score: number;
  colour: RiskColour;
  /** Why, in words (kept with every change)... */
  reasons: string[];
  /** ...and as codes, for the screens to say in their language. */
  factors: { factor: RiskFactor; n: number; delta: number }[];
}

const clamp = (x: number): number => Math.max(1, Math.min(5, Math.round(x)));

export function colourOf(score: number, b: RiskBands = DEFAULT_BANDS): RiskColour {
  return score >= b.red ? 'red' : score >= b.orange ? 'orange' : score >= b.yellow ? 'yellow' : 'blue';
}

export function assessRisk(domain: string, e: RiskEvidence, b: RiskBands = DEFAULT_BANDS): RiskAssessment {
  const reasons: string[] = [];
  const factors: RiskAssessment['factors'] = [];
  let l = e.baseline;
  // the English reasons are the i18n table's, so logs and screens never say two different things
  const add = (delta: number, factor: RiskFactor, n: number): void => {
    if (delta === 0) return;
    l += delta;
    reasons.push(riskReasonText('en', { factor, n, delta }));
    factors.push({ factor, n, delta });
  };
  if (e.alarms.critical > 0) add(2, 'critical_alarms', e.alarms.critical);
  else if (e.alarms.high > 0) add(1, 'high_alarms', e.alarms.high);
  if (e.openHazards.major > 0) add(2, 'major_hazards', e.openHazards.major);
  else if (e.openHazards.general > 0) add(1, 'general_hazards', e.openHazards.general);
  if (e.openHazards.overdue > 0) add(1, 'overdue_hazards', e.openHazards.overdue);
  if (e.failedInspections30d > 0) add(1, 'failed_inspections', e.failedInspections30d);
  if (e.failedInspections30d === 0 && e.passedInspections30d >= 3 && e.alarms.critical + e.alarms.high === 0) add(-1, 'passed_inspections', e.passedInspections30d);
  const severity = clamp(SEVERITY_BY_DOMAIN[domain] ?? 3);
  // Routine findings (general hazards, failed inspection items, overdue general cases) are "low in
  // harm and quickly put right" (一般事故隐患, 安监总局令第16号 第三条): alone they never make a major
  // risk. Red needs direct evidence (a critical or high alarm standing, an open major hazard) or the
  // survey's own baseline; otherwise the likelihood stops below the red band (docs/risk-matrix.md).
  const direct = e.alarms.critical + e.alarms.high + e.openHazards.major > 0;
  if (!direct) {
    const belowRed = Math.max(1, Math.ceil(b.red / severity) - 1);
    const cap = Math.max(belowRed, clamp(e.baseline));
    if (clamp(l) > cap) {
      const delta = cap - clamp(l);
      reasons.push(riskReasonText('en', { factor: 'routine_capped', n: 0, delta }));
      factors.push({ factor: 'routine_capped', n: 0, delta });
      l = cap;
    }
  }
  const likelihood = clamp(l);
  const score = likelihood * severity;
  return { likelihood, severity, score, colour: colourOf(score, b), reasons, factors };
}

/** A district's colour is its worst asset's. */
export function worstColour(colours: RiskColour[]): RiskColour {
  const order: readonly RiskColour[] = RISK_COLOURS;
  return colours.reduce<RiskColour>((w, c) => (order.indexOf(c) < order.indexOf(w) ? c : w), 'blue');
}
