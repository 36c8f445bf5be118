import type { AlarmKpis } from './alarmKpis.js';
import type { AlarmView, Signature } from './controlRoomViews.js';
import type { RiskChange } from '../risk/riskRegister.js';

/** The shift handover (交接班): generated from the data of the shift, signed by both leaders, kept. */
export interface HandoverReport {
  fromMs: number;
  toMs: number;
  generatedAtMs: number;
  alarms: {
    raised: number;
    raisedByPriority: Record<string, number>;
    standing: AlarmView[];
    shelved: AlarmView[];
  };
  hazards: {
    opened: HazardSummary[];
    closed: HazardSummary[];
    overdue: HazardSummary[];
    stillOpen: number;
  };
  risksTurnedRed: RiskChange[];
  kpis: AlarmKpis;
  signatures: Signature[];
  /** SHA-256 of the report without its signatures: what both leaders sign. */
  sha256: string;
}

export interface HazardSummary {
  id: string;
  title: string;
  grade: string;
  stage: string;
  domain: string;
  district: string;
  asset: string | null;
  assignee: string | null;
  deadlineMs: number | null;
}
