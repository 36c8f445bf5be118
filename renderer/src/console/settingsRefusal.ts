import type { DesktopRefusal } from '../../../analytics/common/desktopApi';
import { t, type Lang } from '../lib/i18n';

/** A settings refusal from the shell, worded in the console's language. */
export function settingsRefusalText(lang: Lang, r: DesktopRefusal): string {
  switch (r.code) {
    case 'no_wall': return t(lang, 'settings_refused_no_wall', { wall: r.wall, walls: r.walls.join(lang === 'zh' ? '、' : ', ') || t(lang, 'settings_none') });
    case 'no_encryption': return t(lang, 'settings_refused_no_encryption');
    case 'basic_text_keyring': return t(lang, 'settings_refused_basic_text_keyring');
  }
}
