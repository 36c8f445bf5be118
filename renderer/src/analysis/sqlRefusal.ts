import { SQL_REFUSALS, type SqlRefusalCode } from '../../../analytics/common/analysis';
import type { EngineRequestError } from '../lib/engineRequestError';
import { t, type Lang } from '../lib/i18n';

/**
 * A refused statement said in the page's language with the engine's detail: the refusal's code
 * (`sql_refused_write` or `write`) when the engine sent one, else a code at the start of the text
 * (`write: …`). Null when the error is not a refused statement.
 */
export function refusalText(lang: Lang, e: Pick<EngineRequestError, 'refusal' | 'message'>): string | null {
  const fromRefusal = e.refusal?.code.replace(/^sql_refused_/, '');
  const detail = e.refusal ? String(e.refusal.params['detail'] ?? '') : '';
  const m = /^[a-z_]+: ([a-z_]+)(?:: |$)(.*)$/s.exec(e.message);
  const code = (SQL_REFUSALS as readonly string[]).includes(fromRefusal ?? '') ? fromRefusal : m && (SQL_REFUSALS as readonly string[]).includes(m[1] ?? '') ? m[1] : null;
  if (!code) return null;
  const said = t(lang, `sql_refused_${code as SqlRefusalCode}`);
  const more = detail || (m?.[1] === code ? (m[2] ?? '') : '');
  return more ? `${said}${t(lang, 'colon')}${more}` : said;
}
