import type { CorrelationCluster } from '../../../analytics/common/analysis';
import { DOMAINS, type Domain } from '../../../analytics/common/city';
import type { OpsAction } from '../../../analytics/common/ops/opsEvents';
import { domainName, t, type Lang } from '../lib/i18n';
import { memberWhat } from '../panels/correlation/forming';

/** One case per cluster: the same cluster raised at two consoles is one case (the engine refuses the second id). */
export const clusterHazardId = (cluster: string): string => `cl-${cluster.replace(/[^A-Za-z0-9_.:-]/g, '_')}`.slice(0, 120);

/**
 * The hazard case for a whole cluster of correlated incidents: major when a red event or a critical
 * alarm is among them, placed at its first member (the one that started it), titled with every
 * lifeline involved; the members are listed in the case's first comment.
 */
export function hazardFromCluster(c: CorrelationCluster, lang: Lang, ruleTitle: (rule: string) => string): { raise: OpsAction; comment: OpsAction } | null {
  const first = [...c.members].sort((a, b) => a.tsMs - b.tsMs)[0];
  if (!first || !(DOMAINS as readonly string[]).includes(first.domain) || !/^[0-9]{6}$/.test(first.district)) return null;
  const hazard = clusterHazardId(c.id);
  const major = c.members.some((m) => m.level === 'red' || m.level === 'critical');
  const domains = c.domains.map((d) => domainName(lang, d)).join('、');
  const title = `${t(lang, 'corr_card_title')}：${domains}（${c.members.length}）`.slice(0, 300);
  const list = [...c.members].sort((a, b) => a.tsMs - b.tsMs)
    .map((m) => `${new Date(m.tsMs).toISOString()} ${domainName(lang, m.domain)} ${memberWhat(m, ruleTitle)}${m.asset ? ` (${m.asset})` : ''}`).join('\n');
  return {
    raise: {
      kind: 'hazard.raise', hazard, grade: major ? 'major' : 'general', title,
      domain: first.domain as Domain, district: first.district, asset: first.asset, fromAlarm: null,
      responsible: { owner: null, supervisor: null, approver: null },
    },
    comment: { kind: 'hazard.comment', hazard, text: list.slice(0, 2000) },
  };
}
