import type { AlarmView } from '../../../analytics/common/ops/controlRoomViews';
import type { Provenance } from '../../../analytics/common/engineApi';
import type { TextKey } from './i18n';
import { RISK_COLORS } from '../panels/theme';
import { PRIORITIES } from '../../../analytics/common/vocabulary';

/** The four priorities in the four national colours. */
export const PRIORITY_COLOR: Record<AlarmView['priority'], string> = {
  critical: RISK_COLORS.red, high: RISK_COLORS.orange, medium: RISK_COLORS.yellow, low: RISK_COLORS.blue,
};
export const PRIORITY_LEVEL: Record<AlarmView['priority'], 'red' | 'orange' | 'yellow' | 'blue'> = {
  critical: 'red', high: 'orange', medium: 'yellow', low: 'blue',
};
export const PRIORITY_ORDER = PRIORITIES;

export const stateKey = (s: AlarmView['state']): TextKey => `state_${s}` as TextKey;
export const prioKey = (p: AlarmView['priority']): TextKey => `prio_${p}` as TextKey;
export const stageKey = (s: string): TextKey => `stage_${s}` as TextKey;
export const gradeKey = (g: string): TextKey => (g === 'major' ? 'grade_major' : 'grade_general');
export const riskKey = (c: string): TextKey => `risk_${c}` as TextKey;

/** Where the alarm and hazard figures come from, for the provenance popover. */
export function opsProvenance(atMs: number | null): Provenance | null {
  return atMs === null ? null : { query: 'ops (alarm rules on city.telemetry, operator events on ops.>)', subjects: 'city.telemetry.>, city.inspection.>, ops.>', fromMs: null, toMs: null, generatedAtMs: atMs };
}

/** The rows of an alarm list, the same on the wall and the console (analytics/common/ops/alarmRows.ts). */
export { alarmRows as orderAlarms } from '../../../analytics/common/ops/alarmRows';
