import { describe, expect, it } from 'vitest';
import { DESKTOP_REFUSAL_CODES, DesktopRefusalSchema, type DesktopRefusal } from '../../../analytics/common/desktopApi';
import { settingsRefusalText } from './settingsRefusal';

const samples: Record<DesktopRefusal['code'], DesktopRefusal> = {
  no_wall: { code: 'no_wall', wall: '9x9', walls: ['1x1', '2x2'] },
  no_encryption: { code: 'no_encryption' },
  basic_text_keyring: { code: 'basic_text_keyring' },
};

describe('a settings refusal from the shell', () => {
  it('is worded for every code in both languages, through the i18n table, with what it names', () => {
    for (const code of DESKTOP_REFUSAL_CODES) {
      const r = DesktopRefusalSchema.parse(samples[code]);
      const zh = settingsRefusalText('zh', r);
      const en = settingsRefusalText('en', r);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(en).toMatch(/^[\x20-\x7e]+$/);
      expect(zh).not.toMatch(/\{[a-z]+\}/);
      expect(en).not.toMatch(/\{[a-z]+\}/);
    }
    expect(settingsRefusalText('zh', samples.no_wall)).toBe('没有名为“9x9”的大屏配置（现有：1x1、2x2），未保存');
    expect(settingsRefusalText('en', samples.no_wall)).toContain("'9x9' (walls: 1x1, 2x2)");
    expect(settingsRefusalText('en', { code: 'no_wall', wall: 'x', walls: [] })).toContain('(walls: none)');
  });
});
