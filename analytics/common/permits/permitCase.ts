import { t, type TextKey } from '../i18n.js';
import type { OpsAction } from '../ops/opsEvents.js';
import type { PermitFinding } from './permitRules.js';

type Raise = Extract<OpsAction, { kind: 'hazard.raise' }>;

/** The department a finding holds responsible: its permit's issuer, or (missing) the competent authority, in Chinese. */
export function responsibleDepartment(f: Pick<PermitFinding, 'department' | 'type'>): string {
  return f.department ?? t('zh', `pauth_${f.type}` as TextKey);
}

/**
 * The operator action that opens a finding as a hazard case: its id is the finding's (so a second
 * opening, on any engine, is refused in stream order), the approving department responsible is the
 * case's approver (谁审批谁负责), and the finding is its source. Built by the engine from the finding
 * it holds, never from what a client says the finding is.
 */
export function permitCaseAction(f: PermitFinding, registry: Raise['responsible']): Raise {
  const department = responsibleDepartment(f);
  const title = t('zh', 'permit_case_title', { type: t('zh', `pt_${f.type}` as TextKey), kind: t('zh', `pfk_${f.kind}` as TextKey), department });
  return {
    kind: 'hazard.raise', hazard: f.id, grade: f.grade, title: `${f.name} · ${title}`.slice(0, 300), domain: f.domain as Raise['domain'],
    district: f.district, asset: f.asset, fromAlarm: null,
    fromPermit: { finding: f.id, kind: f.kind, type: f.type, number: f.number, department },
    responsible: { ...registry, approver: department.slice(0, 200) },
  };
}
