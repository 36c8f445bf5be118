import { describe, expect, it } from 'vitest';
import { ACTION_NAMES, DOMAIN_NAMES, KIND_NAMES, METRIC_NAMES, TEXTS } from './i18n.js';

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Half-width punctuation left in a Chinese text, as `key: text` lines. A colon between two digits is
 * a clock time or a ratio (“08:00”, “2026-01-31 20:00”), not punctuation, and stays half-width.
 */
function halfWidthIn(table: Record<string, Readonly<Record<'zh' | 'en', string>>>): string[] {
  return Object.entries(table).flatMap(([key, { zh }]) => {
    if (!CJK.test(zh)) return [];
    const bare = zh.replace(/\d:\d/g, '');
    return /[:,()]/.test(bare) ? [`${key}: ${zh}`] : [];
  });
}

describe('Chinese texts use full-width punctuation', () => {
  it('writes every colon, comma and parenthesis of a Chinese text of the i18n table full-width (：，（）)', () => {
    expect(halfWidthIn(TEXTS)).toEqual([]);
  });

  it('does the same in the name tables (domains, metrics, kinds, actions)', () => {
    expect(halfWidthIn({ ...DOMAIN_NAMES, ...METRIC_NAMES, ...KIND_NAMES, ...ACTION_NAMES })).toEqual([]);
  });

  it('would catch a half-width colon, comma or parenthesis, and lets a clock time be', () => {
    const probe = { a: { zh: '责任单位: —', en: '' }, b: { zh: '甲,乙', en: '' }, c: { zh: '报警(紧急)', en: '' }, d: { zh: '交班时间 08:00', en: '' }, e: { zh: 'English', en: '' } };
    expect(halfWidthIn(probe)).toEqual(['a: 责任单位: —', 'b: 甲,乙', 'c: 报警(紧急)']);
  });
});
