import { describe, expect, it } from 'vitest';
import { KIND_NAMES } from '../i18n.js';
import { classifySite, clauseText, DANGER_RULES, holds, isSiteKind, judgeSite, rulesFired, ruleText, SITE_KINDS, type DangerRule, type SiteAttributes, type SiteKind } from './dangerousWorks.js';

describe('dangerous sub-projects (建办质〔2018〕31号)', () => {
  it.each([
    [2.9, 'none'], [3, 'dangerous'], [4.99, 'dangerous'], [5, 'beyond_scale'], [16, 'beyond_scale'],
  ] as const)('a foundation pit %s m deep is %s', (depth, cls) => {
    expect(classifySite('foundation_pit', { depth_m: depth }).class).toBe(cls);
  });

  it.each([
    [{ height_m: 4.9, span_m: 9.9, load_kn_m2: 9.9, line_load_kn_m: 14.9 }, 'none'],
    [{ height_m: 5 }, 'dangerous'], [{ span_m: 10 }, 'dangerous'], [{ load_kn_m2: 10 }, 'dangerous'], [{ line_load_kn_m: 15 }, 'dangerous'],
    [{ height_m: 8 }, 'beyond_scale'], [{ span_m: 18 }, 'beyond_scale'], [{ load_kn_m2: 15 }, 'beyond_scale'], [{ line_load_kn_m: 20 }, 'beyond_scale'],
    [{ height_m: 7.9, span_m: 17.9, load_kn_m2: 14.9, line_load_kn_m: 19.9 }, 'dangerous'],
  ] as const)('formwork support %o is %s', (attrs, cls) => {
    expect(classifySite('high_formwork', attrs).class).toBe(cls);
  });

  it('classifies lifting by the single piece and crane installation by capacity', () => {
    expect(classifySite('lifting', { single_lift_kn: 9 }).class).toBe('none');
    expect(classifySite('lifting', { single_lift_kn: 10 }).class).toBe('dangerous');
    expect(classifySite('lifting', { single_lift_kn: 100 }).class).toBe('beyond_scale');
    expect(classifySite('tower_crane', { install_weight_kn: 299 }).class).toBe('dangerous');
    expect(classifySite('tower_crane', { install_weight_kn: 300 })).toEqual({ class: 'beyond_scale', reasons: ['起重量300kN及以上的起重机械安装和拆卸工程'] });
    expect(classifySite('tower_crane', { install_weight_kn: 300 }, 'en')).toEqual({ class: 'beyond_scale', reasons: ['Installing and dismantling cranes with a capacity of 300 kN or more'] });
  });

  it('says which rules fired, and ignores missing or non-finite attributes', () => {
    expect(classifySite('high_formwork', { height_m: 9, span_m: 20 }).reasons).toHaveLength(2);
    expect(classifySite('foundation_pit', {}).class).toBe('none');
    expect(classifySite('foundation_pit', { depth_m: Number.NaN }).class).toBe('none');
  });
});

describe('the rules in both languages', () => {
  it('every rule has English wording without Chinese characters, and Chinese wording from the regulation', () => {
    for (const r of DANGER_RULES) {
      expect(r.textEn).not.toMatch(/[\u4e00-\u9fff]/);
      expect(r.text).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

const ref = (r: DangerRule): string => clauseText(r.clause);
const firedRefs = (kind: SiteKind, attrs: SiteAttributes): string[] => rulesFired(kind, attrs).map((r) => `${ref(r)} ${r.text}`);
const key = (r: DangerRule): string => `${ref(r)} ${r.text}`;
const numeric = DANGER_RULES.flatMap((r) => ('attr' in r.when ? [{ r, attr: r.when.attr, limit: r.when.atLeast }] : []));
const attrsOf = (attr: string, v: unknown): SiteAttributes => ({ [attr]: v }) as SiteAttributes;

describe('every item of annexes 1 and 2 of 建办质〔2018〕31号 is a rule', () => {
  // the annexes' items as the regulation numbers them (docs/dangerous-works.md has their wording)
  const ANNEX_1 = ['一（一）', '一（二）', '二（一）', '二（二）', '二（三）', '三（一）', '三（二）', '三（三）', '四（一）', '四（二）', '四（三）', '四（四）', '四（五）', '四（六）', '五', '六', '七（一）', '七（二）', '七（三）', '七（四）', '七（五）', '七（六）'];
  const ANNEX_2 = ['一', '二（一）', '二（二）', '二（三）', '三（一）', '三（二）', '四（一）', '四（二）', '四（三）', '五（一）', '五（二）', '六', '七（一）', '七（二）', '七（三）', '七（四）', '七（五）', '七（六）'];

  it('covers each item of annex 1 at the level 危大工程 and each item of annex 2 at the level beyond scale, and nothing else', () => {
    const covered = new Set(DANGER_RULES.map((r) => `${ref(r)} ${r.level}`));
    const expected = [...ANNEX_1.map((i) => `附件1 ${i} dangerous`), ...ANNEX_2.map((i) => `附件2 ${i} beyond_scale`)];
    expect(expected.filter((e) => !covered.has(e))).toEqual([]);
    expect([...covered].filter((c) => !expected.includes(c))).toEqual([]);
  });

  it('has a rule, a name in both languages and an attribute-free verdict for every kind', () => {
    for (const kind of SITE_KINDS) {
      expect(DANGER_RULES.some((r) => r.kind === kind), kind).toBe(true);
      expect(KIND_NAMES[kind]?.zh, kind).toMatch(/[\u4e00-\u9fff]/);
      expect(KIND_NAMES[kind]?.en, kind).toMatch(/^[A-Z][^\u4e00-\u9fff]*$/);
      expect(['none', 'dangerous', 'beyond_scale']).toContain(classifySite(kind, {}).class);
    }
    expect(isSiteKind('curtain_wall')).toBe(true);
    expect(isSiteKind('bridge')).toBe(false);
    expect(isSiteKind('__proto__')).toBe(false);
  });

  it('names every clause by annex, item and sub-item in Chinese and in English', () => {
    expect(clauseText({ annex: 2, item: 3, sub: 2 })).toBe('附件2 三（二）');
    expect(clauseText({ annex: 1, item: 5 })).toBe('附件1 五');
    expect(clauseText({ annex: 2, item: 3, sub: 2 }, 'en')).toBe('Annex 2, 3(2)');
    expect(clauseText({ annex: 1, item: 6 }, 'en')).toBe('Annex 1, 6');
    for (const r of DANGER_RULES) {
      expect(r.clause.item).toBeGreaterThanOrEqual(1);
      expect(r.clause.item).toBeLessThanOrEqual(7);
      expect(clauseText(r.clause)).toMatch(/^附件[12] [一二三四五六七](（[一二三四五六]）)?$/);
      expect(clauseText(r.clause, 'en')).toMatch(/^Annex [12], [1-7](\([1-6]\))?$/);
    }
  });

  it('writes each rule in Chinese with full-width punctuation and in English without Chinese characters', () => {
    for (const r of DANGER_RULES) {
      expect(ruleText(r, 'zh')).toBe(r.text);
      expect(ruleText(r, 'en')).toBe(r.textEn);
      expect(r.text, r.textEn).toMatch(/[\u4e00-\u9fff]/);
      expect(r.text, r.textEn).not.toMatch(/[:,()]/);
      expect(r.textEn, r.text).not.toMatch(/[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/);
    }
  });
});

describe('every numeric limit, just below, at and above', () => {
  it.each(numeric.map((n) => [n.r.kind, n.attr, n.limit, ref(n.r), n.r] as const))('%s: %s ≥ %s (%s)', (kind, attr, limit, _clause, r) => {
    expect(firedRefs(kind, attrsOf(attr, limit - 0.01))).not.toContain(key(r));
    expect(firedRefs(kind, attrsOf(attr, limit))).toContain(key(r));
    expect(firedRefs(kind, attrsOf(attr, limit + 0.01))).toContain(key(r));
    // at the limit the site is at least of the rule's level, and the reason carries the clause
    const v = judgeSite(kind, attrsOf(attr, limit));
    expect(v.class === r.level || v.class === 'beyond_scale').toBe(true);
    if (r.level === 'beyond_scale') expect(v.rules.map(key)).toContain(key(r));
  });

  it.each(numeric.map((n) => [n.r.kind, n.attr, ref(n.r), n.r] as const))('%s: %s absent, negative, not finite or not a number never fires %s', (kind, attr, _clause, r) => {
    for (const v of [undefined, null, -1, -1e9, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1e9', true]) {
      expect(firedRefs(kind, attrsOf(attr, v)), String(v)).not.toContain(key(r));
    }
    expect(firedRefs(kind, {})).not.toContain(key(r));
  });

  it.each([
    // the new kinds at each boundary, as class and clause
    ['load_bearing_support', { point_load_kn: 6.99 }, 'dangerous', ['附件1 二（三）']],
    ['load_bearing_support', { point_load_kn: 7 }, 'beyond_scale', ['附件2 二（三）']],
    ['lifting', { single_lift_kn: 9.99, installed_by_crane: true }, 'dangerous', ['附件1 三（二）']],
    ['tower_crane', { crane_base_elevation_m: 199.9 }, 'dangerous', ['附件1 三（三）']],
    ['tower_crane', { crane_base_elevation_m: 200 }, 'beyond_scale', ['附件2 三（二）']],
    ['tower_crane', { install_weight_kn: 300, crane_height_m: 200, crane_base_elevation_m: 250 }, 'beyond_scale', ['附件2 三（二）', '附件2 三（二）', '附件2 三（二）']],
    ['attached_lifting_scaffold', { lift_height_m: 149.9 }, 'dangerous', ['附件1 四（二）']],
    ['attached_lifting_scaffold', { lift_height_m: 150 }, 'beyond_scale', ['附件2 四（二）']],
    ['cantilever_scaffold', { segment_height_m: 19.9 }, 'dangerous', ['附件1 四（三）']],
    ['cantilever_scaffold', { segment_height_m: 20 }, 'beyond_scale', ['附件2 四（三）']],
    ['curtain_wall', { height_m: 49.9 }, 'dangerous', ['附件1 七（一）']],
    ['curtain_wall', { height_m: 50 }, 'beyond_scale', ['附件2 七（一）']],
    ['steel_structure', { span_m: 35.9 }, 'dangerous', ['附件1 七（二）']],
    ['steel_structure', { span_m: 36 }, 'beyond_scale', ['附件2 七（二）']],
    ['space_frame', { span_m: 59.9 }, 'dangerous', ['附件1 七（二）']],
    ['space_frame', { span_m: 60 }, 'beyond_scale', ['附件2 七（二）']],
    ['manual_dug_pile', { depth_m: 15.9 }, 'dangerous', ['附件1 七（三）']],
    ['manual_dug_pile', { depth_m: 16 }, 'beyond_scale', ['附件2 七（三）']],
    ['structure_jacking', { weight_kn: 999 }, 'none', []],
    ['structure_jacking', { weight_kn: 1000 }, 'beyond_scale', ['附件2 七（五）']],
  ] as const)('%s %o is %s by %o', (kind, attrs, cls, clauses) => {
    const v = judgeSite(kind, attrs);
    expect(v.class).toBe(cls);
    expect(v.rules.map(ref)).toEqual(clauses);
  });
});

describe('items that hold by their kind or by a flag', () => {
  it.each([
    ['tool_formwork', 'beyond_scale', '附件2 二（一）'], ['suspended_platform', 'dangerous', '附件1 四（四）'],
    ['unloading_platform', 'dangerous', '附件1 四（五）'], ['special_scaffold', 'dangerous', '附件1 四（六）'],
    ['underground_excavation', 'beyond_scale', '附件2 六'], ['underwater_works', 'beyond_scale', '附件2 七（四）'],
    ['precast_installation', 'dangerous', '附件1 七（五）'], ['new_technology', 'beyond_scale', '附件2 七（六）'],
  ] as const)('a %s site is always %s (%s)', (kind, cls, clause) => {
    expect(judgeSite(kind, {}).class).toBe(cls);
    expect(judgeSite(kind, {}).rules.map(ref)).toEqual([clause]);
  });

  it.each([
    ['demolition', 'affects_surroundings', 'dangerous', '附件1 五'],
    ['demolition', 'special_structure', 'beyond_scale', '附件2 五（一）'],
    ['demolition', 'hazardous_release', 'beyond_scale', '附件2 五（一）'],
    ['demolition', 'heritage_area', 'beyond_scale', '附件2 五（二）'],
    ['foundation_pit', 'complex_conditions', 'dangerous', '附件1 一（二）'],
    ['lifting', 'installed_by_crane', 'dangerous', '附件1 三（二）'],
  ] as const)('%s fires on %s only when it is true: %s (%s)', (kind, name, cls, clause) => {
    expect(judgeSite(kind, attrsOf(name, true)).class).toBe(cls);
    expect(judgeSite(kind, attrsOf(name, true)).rules.map(ref)).toEqual([clause]);
    for (const v of [false, undefined, null, 'true', 1, 'yes']) expect(judgeSite(kind, attrsOf(name, v)).class, String(v)).toBe('none');
  });

  it('a demolition without any flag, and a pit under 3 m without the complex-conditions flag, are not dangerous works', () => {
    expect(classifySite('demolition', {})).toEqual({ class: 'none', reasons: [] });
    expect(classifySite('foundation_pit', { depth_m: 2.99, complex_conditions: false }).class).toBe('none');
    expect(classifySite('foundation_pit', { depth_m: 2.99, complex_conditions: true }).class).toBe('dangerous');
  });

  it('a demolition of a bridge in a historic area names both annex 2 clauses, in Chinese and in English', () => {
    const v = judgeSite('demolition', { special_structure: true, heritage_area: true, affects_surroundings: true });
    expect(v.rules.map(ref)).toEqual(['附件2 五（一）', '附件2 五（二）']);
    expect(classifySite('demolition', { heritage_area: true }, 'en').reasons).toEqual(['Demolition within the reach of protected cultural relics, outstanding historic buildings or historic and cultural areas']);
  });

  it('formwork taller than its support is wide fires only when it stands alone, strictly taller, with a positive width', () => {
    const tall = '附件1 二（二） 混凝土模板支撑工程：高度大于支撑水平投影宽度且相对独立无联系构件';
    expect(firedRefs('high_formwork', { height_m: 4, support_width_m: 3.99, isolated_support: true })).toEqual([tall]);
    expect(judgeSite('high_formwork', { height_m: 4, support_width_m: 3.99, isolated_support: true }).class).toBe('dangerous');
    expect(firedRefs('high_formwork', { height_m: 4, support_width_m: 4, isolated_support: true })).toEqual([]);
    expect(firedRefs('high_formwork', { height_m: 4, support_width_m: 3, isolated_support: false })).toEqual([]);
    expect(firedRefs('high_formwork', { height_m: 4, support_width_m: 3 })).toEqual([]);
    expect(firedRefs('high_formwork', { height_m: 4, support_width_m: 0, isolated_support: true })).toEqual([]);
    expect(firedRefs('high_formwork', { height_m: 4, support_width_m: -1, isolated_support: true })).toEqual([]);
    expect(firedRefs('high_formwork', { height_m: Number.POSITIVE_INFINITY, support_width_m: 3, isolated_support: true })).toEqual([]);
    expect(holds({ tallerThanWide: true }, { support_width_m: 3, isolated_support: true })).toBe(false);
  });
});
