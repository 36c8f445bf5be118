import type { Interrupt } from './playlist';

/**
 * What the takeover says, in the page's language and by names: an alarm's rule title and asset
 * name are read when drawn (the title frozen when the alarm arrived showed ids if the rules or the
 * registry came a moment later, and never changed language); an event keeps its own title.
 */
export function interruptTitle(i: Interrupt, ruleTitle: (rule: string) => string, assetName: (domain: string, district: string, asset: string) => string): string {
  if (i.kind !== 'alarm') return i.title;
  // the occurrence id is `<domain>/<district>/<asset>#<rule>@<raisedAtMs>`
  const rule = i.id.split('#')[1]?.split('@')[0];
  if (!rule) return i.title;
  return i.asset ? `${ruleTitle(rule)} · ${assetName(i.domain, i.district, i.asset)}` : ruleTitle(rule);
}
