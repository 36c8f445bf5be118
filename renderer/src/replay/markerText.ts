import type { TimelineMarker } from '../../../analytics/common/engineApi';
import { HAZARD_STAGES } from '../../../analytics/common/vocabulary';
import { t, type Lang } from '../lib/i18n';

const isStage = (s: string): s is (typeof HAZARD_STAGES)[number] => (HAZARD_STAGES as readonly string[]).includes(s);

/**
 * What a timeline marker is about, in words: an alarm by its rule's title, a hazard by its stage,
 * an event by its own title (the engine sends a rule id, a stage code or a title as `what`).
 */
export function markerText(lang: Lang, m: TimelineMarker, ruleTitle: (rule: string, lang: Lang) => string): string {
  if (m.kind === 'alarm') return ruleTitle(m.what, lang);
  if (m.kind === 'hazard') return isStage(m.what) ? t(lang, `stage_${m.what}`) : m.what;
  return m.what;
}
