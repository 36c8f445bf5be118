import type { AlarmRule } from '../../../analytics/common/alarms/alarmRules';
import type { Domain } from '../../../analytics/common/city';
import type { Lang } from '../lib/i18n';
import { PRIORITY_LEVEL } from '../lib/alarmDisplay';
import type { Severity } from './theme';

/** Which measure a chart panel (trend or TOP 10 bars) shows. */
export interface MetricPanel {
  domain: Domain;
  metric: string;
  unit: string;
}

export interface Threshold {
  value: number;
  /** Text already in the wall's language. */
  label: string;
  severity: Severity;
}

/**
 * A metric's threshold lines: the setpoints of the alarm rules in force for it (the engine's
 * `alarmRules`), titled as the alarm is and coloured by its priority, so a line on the wall is
 * where an alarm is raised. Rate and no-data rules have no level to draw.
 */
export function thresholdsFromRules(rules: Iterable<AlarmRule>, panel: Pick<MetricPanel, 'domain' | 'metric'>, lang: Lang): Threshold[] {
  const out: Threshold[] = [];
  for (const r of rules) {
    if (r.domain !== panel.domain || r.metric !== panel.metric || (r.kind !== 'high' && r.kind !== 'low')) continue;
    out.push({ value: r.setpoint, label: r.title[lang], severity: PRIORITY_LEVEL[r.priority] });
  }
  return out.sort((a, b) => a.value - b.value);
}
