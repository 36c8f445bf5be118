import type { KeyEvent } from '../../../analytics/common/ops/handoverReport';
import { districtLabel } from '../lib/districtLabel';
import type { Lang } from '../lib/i18n';

type AssetName = (domain: string, district: string, asset: string) => string;

/**
 * A register key or alarm point of the handover as a reader names it: `district/420302` is the
 * district's name, `gas/420302/a-1` and `gas/420302/a-1#rule` are the asset's name.
 */
export function keyName(lang: Lang, key: string, assetName: AssetName): string {
  const [path = ''] = key.split('#');
  const [first = '', second = '', third] = path.split('/');
  if (first === 'district') return districtLabel(lang, second);
  return third === undefined ? path : assetName(first, second, third);
}

/** What a key event is about: the case's title, or the asset (and for an alarm, its rule's title). */
export function keyEventSubject(lang: Lang, e: KeyEvent, assetName: AssetName, ruleTitle: (rule: string) => string): string {
  if (e.kind === 'hazard_opened' || e.kind === 'hazard_closed' || e.kind === 'incident_opened' || e.kind === 'incident_closed') return e.what;
  if (e.kind === 'critical_alarm') return `${ruleTitle(e.what)} · ${keyName(lang, e.ref, assetName)}`;
  return keyName(lang, e.ref, assetName);
}
