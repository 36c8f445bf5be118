import { DOMAIN_NAMES, t, type Lang } from '../lib/i18n';

const PRIORITIES = { critical: 'prio_critical', high: 'prio_high', medium: 'prio_medium', low: 'prio_low' } as const;
const COLOURS = { red: 'severity_red', orange: 'severity_orange', yellow: 'severity_yellow', blue: 'severity_blue' } as const;

/**
 * A category value as a chart names it in the page's language: the codes the data model stores
 * (domains, alarm priorities, risk and event colours) by their names, in a column of that kind;
 * anything else as it is. The table keeps the stored values (they are what a query filters on).
 */
export function valueLabel(lang: Lang, column: string, value: string): string {
  const c = column.toLowerCase();
  if (/(^|_)domains?$/.test(c) && Object.hasOwn(DOMAIN_NAMES, value)) return DOMAIN_NAMES[value]?.[lang] ?? value;
  if (/(^|_)priority$/.test(c) && Object.hasOwn(PRIORITIES, value)) return t(lang, PRIORITIES[value as keyof typeof PRIORITIES]);
  if (/(^|_)(severity|colou?r)$/.test(c) && Object.hasOwn(COLOURS, value)) return t(lang, COLOURS[value as keyof typeof COLOURS]);
  return value;
}
