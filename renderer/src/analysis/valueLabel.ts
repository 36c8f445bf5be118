import { districtLabel } from '../lib/districtLabel';
import { DOMAIN_NAMES, t, type Lang } from '../lib/i18n';

const PRIORITIES = { critical: 'prio_critical', high: 'prio_high', medium: 'prio_medium', low: 'prio_low' } as const;
const COLOURS = { red: 'severity_red', orange: 'severity_orange', yellow: 'severity_yellow', blue: 'severity_blue' } as const;
const STAGES = { found: 'stage_found', dispatched: 'stage_dispatched', rectifying: 'stage_rectifying', verifying: 'stage_verifying', closed: 'stage_closed' } as const;
const DEADLINES = { overdue: 'wb_deadline_overdue', in_time: 'wb_deadline_in_time', no_deadline: 'wb_deadline_none', closed: 'wb_deadline_closed' } as const;

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
  if (/(^|_)stage$/.test(c) && Object.hasOwn(STAGES, value)) return t(lang, STAGES[value as keyof typeof STAGES]);
  if (/(^|_)deadline$/.test(c) && Object.hasOwn(DEADLINES, value)) return t(lang, DEADLINES[value as keyof typeof DEADLINES]);
  if (/(^|_)district$/.test(c) && /^[0-9]{6}$/.test(value)) return districtLabel(lang, value);
  // a feed as the data model names it, domain/district
  const feed = /^([a-z]+)\/([0-9]{6})$/.exec(value);
  if (/(^|_)feed$/.test(c) && feed && Object.hasOwn(DOMAIN_NAMES, feed[1] ?? '')) return `${DOMAIN_NAMES[feed[1] ?? '']?.[lang] ?? ''}·${districtLabel(lang, feed[2] ?? '')}`;
  return value;
}
