import { describe, expect, it } from 'vitest';
import { classifySite, DANGER_RULES } from './dangerousWorks.js';

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
