import { SHIYAN_DISTRICTS } from '../../../analytics/common/city';
import type { Lang } from './i18n';

/** A district by its name in the page's language (its code is a key, never shown to a reader). */
export function districtLabel(lang: Lang, code: string): string {
  const d = SHIYAN_DISTRICTS.find((x) => x.code === code);
  return d ? (lang === 'zh' ? d.zh : d.en) : code;
}
