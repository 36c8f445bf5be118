/**
 * Classification of construction sub-projects by the national rules for dangerous works
 * (危险性较大的分部分项工程): 住房和城乡建设部令第37号 and 建办质〔2018〕31号, annex 1 (危大工程)
 * and annex 2 (超过一定规模的危大工程). The full table, with the clause of each rule, is in
 * docs/dangerous-works.md. Pure: the input is the site's attributes from the asset registry.
 */
export type DangerClass = 'none' | 'dangerous' | 'beyond_scale';

export interface DangerResult {
  class: DangerClass;
  /** Each rule that fired, in the words of the regulation. */
  reasons: string[];
}

export interface SiteAttributes {
  /** Foundation pit excavation depth (m). */
  depth_m?: number;
  /** Formwork support: erection height (m), span (m), total construction load (kN/m²), concentrated line load (kN/m). */
  height_m?: number;
  span_m?: number;
  load_kn_m2?: number;
  line_load_kn_m?: number;
  /** Heaviest single piece lifted with non-standard lifting equipment or methods (kN). */
  single_lift_kn?: number;
  /** Lifting capacity of a crane being installed or dismantled (kN), and its total erection height (m). */
  install_weight_kn?: number;
  crane_height_m?: number;
  /** Floor-standing steel tube scaffold height (m). */
  scaffold_height_m?: number;
}

export type SiteKind = 'foundation_pit' | 'high_formwork' | 'lifting' | 'tower_crane' | 'scaffold';

interface Rule {
  kind: SiteKind;
  level: Exclude<DangerClass, 'none'>;
  test: (a: SiteAttributes) => boolean;
  /** The regulation's wording, and the same in English for the English screens. */
  text: string;
  textEn: string;
}

const ge = (v: number | undefined, limit: number): boolean => v !== undefined && Number.isFinite(v) && v >= limit;

export const DANGER_RULES: readonly Rule[] = [
  { kind: 'foundation_pit', level: 'beyond_scale', test: (a) => ge(a.depth_m, 5), text: '开挖深度超过5m（含5m）的基坑（槽）的土方开挖、支护、降水工程', textEn: 'Excavation, support and dewatering of foundation pits (trenches) 5 m deep or more' },
  { kind: 'foundation_pit', level: 'dangerous', test: (a) => ge(a.depth_m, 3), text: '开挖深度超过3m（含3m）的基坑（槽）的土方开挖、支护、降水工程', textEn: 'Excavation, support and dewatering of foundation pits (trenches) 3 m deep or more' },
  { kind: 'high_formwork', level: 'beyond_scale', test: (a) => ge(a.height_m, 8), text: '混凝土模板支撑工程：搭设高度8m及以上', textEn: 'Concrete formwork shoring: erected 8 m high or more' },
  { kind: 'high_formwork', level: 'beyond_scale', test: (a) => ge(a.span_m, 18), text: '混凝土模板支撑工程：搭设跨度18m及以上', textEn: 'Concrete formwork shoring: span of 18 m or more' },
  { kind: 'high_formwork', level: 'beyond_scale', test: (a) => ge(a.load_kn_m2, 15), text: '混凝土模板支撑工程：施工总荷载15kN/m²及以上', textEn: 'Concrete formwork shoring: total construction load of 15 kN/m² or more' },
  { kind: 'high_formwork', level: 'beyond_scale', test: (a) => ge(a.line_load_kn_m, 20), text: '混凝土模板支撑工程：集中线荷载20kN/m及以上', textEn: 'Concrete formwork shoring: concentrated line load of 20 kN/m or more' },
  { kind: 'high_formwork', level: 'dangerous', test: (a) => ge(a.height_m, 5), text: '混凝土模板支撑工程：搭设高度5m及以上', textEn: 'Concrete formwork shoring: erected 5 m high or more' },
  { kind: 'high_formwork', level: 'dangerous', test: (a) => ge(a.span_m, 10), text: '混凝土模板支撑工程：搭设跨度10m及以上', textEn: 'Concrete formwork shoring: span of 10 m or more' },
  { kind: 'high_formwork', level: 'dangerous', test: (a) => ge(a.load_kn_m2, 10), text: '混凝土模板支撑工程：施工总荷载（荷载效应基本组合的设计值）10kN/m²及以上', textEn: 'Concrete formwork shoring: total construction load (design value, basic load combination) of 10 kN/m² or more' },
  { kind: 'high_formwork', level: 'dangerous', test: (a) => ge(a.line_load_kn_m, 15), text: '混凝土模板支撑工程：集中线荷载（设计值）15kN/m及以上', textEn: 'Concrete formwork shoring: concentrated line load (design value) of 15 kN/m or more' },
  { kind: 'lifting', level: 'beyond_scale', test: (a) => ge(a.single_lift_kn, 100), text: '采用非常规起重设备、方法，且单件起吊重量在100kN及以上的起重吊装工程', textEn: 'Lifting with non-standard equipment or methods, single lifts of 100 kN or more' },
  { kind: 'lifting', level: 'dangerous', test: (a) => ge(a.single_lift_kn, 10), text: '采用非常规起重设备、方法，且单件起吊重量在10kN及以上的起重吊装工程', textEn: 'Lifting with non-standard equipment or methods, single lifts of 10 kN or more' },
  { kind: 'tower_crane', level: 'beyond_scale', test: (a) => ge(a.install_weight_kn, 300), text: '起重量300kN及以上的起重机械安装和拆卸工程', textEn: 'Installing and dismantling cranes with a capacity of 300 kN or more' },
  { kind: 'tower_crane', level: 'beyond_scale', test: (a) => ge(a.crane_height_m, 200), text: '搭设总高度200m及以上的起重机械安装和拆卸工程', textEn: 'Installing and dismantling cranes erected 200 m high or more' },
  { kind: 'tower_crane', level: 'dangerous', test: () => true, text: '起重机械安装和拆卸工程', textEn: 'Installing and dismantling cranes' },
  { kind: 'scaffold', level: 'beyond_scale', test: (a) => ge(a.scaffold_height_m, 50), text: '搭设高度50m及以上的落地式钢管脚手架工程', textEn: 'Floor-standing steel tube scaffolds 50 m high or more' },
  { kind: 'scaffold', level: 'dangerous', test: (a) => ge(a.scaffold_height_m, 24), text: '搭设高度24m及以上的落地式钢管脚手架工程', textEn: 'Floor-standing steel tube scaffolds 24 m high or more' },
];

/** The class of a site: the highest level any rule reaches, with every rule that fired. */
export function classifySite(kind: SiteKind, attrs: SiteAttributes, lang: 'zh' | 'en' = 'zh'): DangerResult {
  const fired = DANGER_RULES.filter((r) => r.kind === kind && r.test(attrs));
  const cls: DangerClass = fired.some((r) => r.level === 'beyond_scale') ? 'beyond_scale' : fired.length > 0 ? 'dangerous' : 'none';
  return { class: cls, reasons: fired.filter((r) => r.level === cls).map((r) => (lang === 'en' ? r.textEn : r.text)) };
}
