import { t, type Lang } from './i18n';

/** The wall's clock time of day (the operations centre is in China Standard Time). */
function timeOfDay(atMs: number): string {
  return new Date(atMs).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

/** "已确认 · console-1 · 03:12:40": who handled an alarm or event at a console, how and when. */
export function acknowledgedText(lang: Lang, by: string, atMs: number, how: 'acked' | 'shelved' = 'acked'): string {
  return t(lang, how === 'acked' ? 'interrupt_acked' : 'interrupt_shelved', { who: by || '—', time: timeOfDay(atMs) });
}
