/**
 * Classification of construction sub-projects by the national rules for dangerous works
 * (危险性较大的分部分项工程): 住房和城乡建设部令第37号 and 建办质〔2018〕31号, annex 1 (危大工程)
 * and annex 2 (超过一定规模的危大工程). Every item of both annexes is a rule below, with its clause;
 * the table, and where its wording is uncertain, is in docs/dangerous-works.md. Pure: the input is
 * the site's kind and attributes from the asset registry.
 */
export type DangerClass = 'none' | 'dangerous' | 'beyond_scale';

export interface DangerResult {
  class: DangerClass;
  /** Each rule that fired, in the words of the regulation. */
  reasons: string[];
}

/**
 * A site's attributes as the registry carries them (`attrs` of the asset record). A number means the
 * same quantity for every kind that reads it (`depth_m` of a pit and of a hand-dug pile, `span_m` of
 * formwork and of a steel structure); which kind reads which is in docs/dangerous-works.md.
 */
export interface SiteAttributes {
  /** Excavation depth (m): foundation pit, manually dug pile. */
  depth_m?: number;
  /** Foundation pit under 3 m whose geology, surroundings or pipelines are complex, or that affects neighbouring buildings. */
  complex_conditions?: boolean;
  /** Formwork support: erection height (m); curtain wall: construction height (m). */
  height_m?: number;
  /** Formwork support, steel structure, space frame or membrane: span (m). */
  span_m?: number;
  /** Formwork support: total construction load (kN/m²) and concentrated line load (kN/m), design values. */
  load_kn_m2?: number;
  line_load_kn_m?: number;
  /** Formwork support: width of its horizontal projection (m), and whether it stands alone, unconnected to other members. */
  support_width_m?: number;
  isolated_support?: boolean;
  /** Load-bearing support system (e.g. for steel erection): heaviest single concentrated load (kN). */
  point_load_kn?: number;
  /** Heaviest single piece lifted with non-standard lifting equipment or methods (kN). */
  single_lift_kn?: number;
  /** The work is installed with hoisting machinery. */
  installed_by_crane?: boolean;
  /** Lifting capacity of a crane being installed or dismantled (kN), its total erection height (m), the elevation of its base (m). */
  install_weight_kn?: number;
  crane_height_m?: number;
  crane_base_elevation_m?: number;
  /** Floor-standing steel tube scaffold height (m). */
  scaffold_height_m?: number;
  /** Attached lifting scaffold or operating platform: lifting height (m). */
  lift_height_m?: number;
  /** Cantilevered scaffold: erection height of one segment (m). */
  segment_height_m?: number;
  /** Demolition that may affect pedestrians, traffic, power or communication lines or other structures. */
  affects_surroundings?: boolean;
  /** Demolition of a wharf, bridge, viaduct, chimney or water tower. */
  special_structure?: boolean;
  /** Demolition liable to spread toxic gas, liquid or dust, or to cause a fire or explosion. */
  hazardous_release?: boolean;
  /** Demolition within the reach of a protected cultural relic, a listed historic building or a historic area. */
  heritage_area?: boolean;
  /** Large structure lifted, jacked, slid or rotated as a whole: its weight (kN). */
  weight_kn?: number;
}

/** The kinds of sub-project, in the order of the annexes. */
export const SITE_KINDS = [
  'foundation_pit', 'high_formwork', 'tool_formwork', 'load_bearing_support', 'lifting', 'tower_crane',
  'scaffold', 'attached_lifting_scaffold', 'cantilever_scaffold', 'suspended_platform', 'unloading_platform', 'special_scaffold',
  'demolition', 'underground_excavation', 'curtain_wall', 'steel_structure', 'space_frame', 'manual_dug_pile',
  'underwater_works', 'precast_installation', 'structure_jacking', 'new_technology',
] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export function isSiteKind(kind: string): kind is SiteKind {
  return (SITE_KINDS as readonly string[]).includes(kind);
}

type NumberAttr = { [K in keyof SiteAttributes]-?: NonNullable<SiteAttributes[K]> extends number ? K : never }[keyof SiteAttributes];
type FlagAttr = { [K in keyof SiteAttributes]-?: NonNullable<SiteAttributes[K]> extends boolean ? K : never }[keyof SiteAttributes];

/** When a rule fires: always for its kind, at or above a limit, on a flag (any of several), or a formwork taller than it is wide. */
export type Condition =
  | { always: true }
  | { attr: NumberAttr; atLeast: number }
  | { flags: readonly FlagAttr[] }
  | { tallerThanWide: true };

/** A clause of 建办质〔2018〕31号: annex, item (一 … 七) and sub-item ((一) … (六)) where the item has them. */
export interface Clause {
  annex: 1 | 2;
  item: number;
  sub?: number;
}

export interface DangerRule {
  kind: SiteKind;
  level: Exclude<DangerClass, 'none'>;
  clause: Clause;
  when: Condition;
  /** The regulation's wording, and the same in English for the English screens. */
  text: string;
  textEn: string;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Whether a condition holds: a number that is absent, not a number or not finite never reaches a limit; a flag is on only when it is `true`. */
export function holds(c: Condition, a: SiteAttributes): boolean {
  if ('always' in c) return true;
  if ('attr' in c) {
    const v: unknown = a[c.attr];
    return finite(v) && v >= c.atLeast;
  }
  if ('flags' in c) return c.flags.some((f) => (a[f] as unknown) === true);
  const h: unknown = a.height_m;
  const w: unknown = a.support_width_m;
  return (a.isolated_support as unknown) === true && finite(h) && finite(w) && w > 0 && h > w;
}

const A1 = 1;
const A2 = 2;
const at = (annex: 1 | 2, item: number, sub?: number): Clause => (sub === undefined ? { annex, item } : { annex, item, sub });
const atLeast = (attr: NumberAttr, limit: number): Condition => ({ attr, atLeast: limit });
const ALWAYS: Condition = { always: true };
const flag = (...flags: FlagAttr[]): Condition => ({ flags });

/**
 * Within a kind, beyond-scale rules first; a rule with several alternative limits is one rule per
 * limit, so that the console says which limit was reached.
 */
export const DANGER_RULES: readonly DangerRule[] = [
  // 一、基坑工程
  { kind: 'foundation_pit', level: 'beyond_scale', clause: at(A2, 1), when: atLeast('depth_m', 5), text: '开挖深度超过5m（含5m）的基坑（槽）的土方开挖、支护、降水工程', textEn: 'Excavation, support and dewatering of foundation pits (trenches) 5 m deep or more' },
  { kind: 'foundation_pit', level: 'dangerous', clause: at(A1, 1, 1), when: atLeast('depth_m', 3), text: '开挖深度超过3m（含3m）的基坑（槽）的土方开挖、支护、降水工程', textEn: 'Excavation, support and dewatering of foundation pits (trenches) 3 m deep or more' },
  { kind: 'foundation_pit', level: 'dangerous', clause: at(A1, 1, 2), when: flag('complex_conditions'), text: '开挖深度虽未超过3m，但地质条件、周围环境和地下管线复杂，或影响毗邻建、构筑物安全的基坑（槽）的土方开挖、支护、降水工程', textEn: 'Excavation, support and dewatering of foundation pits (trenches) under 3 m deep where the geology, surroundings or underground pipelines are complex, or that affect the safety of neighbouring buildings and structures' },
  // 二、模板工程及支撑体系
  { kind: 'high_formwork', level: 'beyond_scale', clause: at(A2, 2, 2), when: atLeast('height_m', 8), text: '混凝土模板支撑工程：搭设高度8m及以上', textEn: 'Concrete formwork shoring: erected 8 m high or more' },
  { kind: 'high_formwork', level: 'beyond_scale', clause: at(A2, 2, 2), when: atLeast('span_m', 18), text: '混凝土模板支撑工程：搭设跨度18m及以上', textEn: 'Concrete formwork shoring: span of 18 m or more' },
  { kind: 'high_formwork', level: 'beyond_scale', clause: at(A2, 2, 2), when: atLeast('load_kn_m2', 15), text: '混凝土模板支撑工程：施工总荷载15kN/m²及以上', textEn: 'Concrete formwork shoring: total construction load of 15 kN/m² or more' },
  { kind: 'high_formwork', level: 'beyond_scale', clause: at(A2, 2, 2), when: atLeast('line_load_kn_m', 20), text: '混凝土模板支撑工程：集中线荷载20kN/m及以上', textEn: 'Concrete formwork shoring: concentrated line load of 20 kN/m or more' },
  { kind: 'high_formwork', level: 'dangerous', clause: at(A1, 2, 2), when: atLeast('height_m', 5), text: '混凝土模板支撑工程：搭设高度5m及以上', textEn: 'Concrete formwork shoring: erected 5 m high or more' },
  { kind: 'high_formwork', level: 'dangerous', clause: at(A1, 2, 2), when: atLeast('span_m', 10), text: '混凝土模板支撑工程：搭设跨度10m及以上', textEn: 'Concrete formwork shoring: span of 10 m or more' },
  { kind: 'high_formwork', level: 'dangerous', clause: at(A1, 2, 2), when: atLeast('load_kn_m2', 10), text: '混凝土模板支撑工程：施工总荷载（荷载效应基本组合的设计值）10kN/m²及以上', textEn: 'Concrete formwork shoring: total construction load (design value, basic load combination) of 10 kN/m² or more' },
  { kind: 'high_formwork', level: 'dangerous', clause: at(A1, 2, 2), when: atLeast('line_load_kn_m', 15), text: '混凝土模板支撑工程：集中线荷载（设计值）15kN/m及以上', textEn: 'Concrete formwork shoring: concentrated line load (design value) of 15 kN/m or more' },
  { kind: 'high_formwork', level: 'dangerous', clause: at(A1, 2, 2), when: { tallerThanWide: true }, text: '混凝土模板支撑工程：高度大于支撑水平投影宽度且相对独立无联系构件', textEn: 'Concrete formwork shoring taller than the width of its horizontal projection and standing alone, unconnected to other members' },
  { kind: 'tool_formwork', level: 'beyond_scale', clause: at(A2, 2, 1), when: ALWAYS, text: '各类工具式模板工程：包括滑模、爬模、飞模、隧道模等工程', textEn: 'Tool-type formwork of every kind: slip, climbing, flying and tunnel forms and the like' },
  { kind: 'tool_formwork', level: 'dangerous', clause: at(A1, 2, 1), when: ALWAYS, text: '各类工具式模板工程：包括滑模、爬模、飞模、隧道模等工程', textEn: 'Tool-type formwork of every kind: slip, climbing, flying and tunnel forms and the like' },
  { kind: 'load_bearing_support', level: 'beyond_scale', clause: at(A2, 2, 3), when: atLeast('point_load_kn', 7), text: '承重支撑体系：用于钢结构安装等满堂支撑体系，承受单点集中荷载7kN及以上', textEn: 'Load-bearing support: full-space support systems for steel erection and the like carrying a single concentrated load of 7 kN or more' },
  { kind: 'load_bearing_support', level: 'dangerous', clause: at(A1, 2, 3), when: ALWAYS, text: '承重支撑体系：用于钢结构安装等满堂支撑体系', textEn: 'Load-bearing support: full-space support systems for steel erection and the like' },
  // 三、起重吊装及起重机械安装拆卸工程
  { kind: 'lifting', level: 'beyond_scale', clause: at(A2, 3, 1), when: atLeast('single_lift_kn', 100), text: '采用非常规起重设备、方法，且单件起吊重量在100kN及以上的起重吊装工程', textEn: 'Lifting with non-standard equipment or methods, single lifts of 100 kN or more' },
  { kind: 'lifting', level: 'dangerous', clause: at(A1, 3, 1), when: atLeast('single_lift_kn', 10), text: '采用非常规起重设备、方法，且单件起吊重量在10kN及以上的起重吊装工程', textEn: 'Lifting with non-standard equipment or methods, single lifts of 10 kN or more' },
  { kind: 'lifting', level: 'dangerous', clause: at(A1, 3, 2), when: flag('installed_by_crane'), text: '采用起重机械进行安装的工程', textEn: 'Works installed with hoisting machinery' },
  { kind: 'tower_crane', level: 'beyond_scale', clause: at(A2, 3, 2), when: atLeast('install_weight_kn', 300), text: '起重量300kN及以上的起重机械安装和拆卸工程', textEn: 'Installing and dismantling cranes with a capacity of 300 kN or more' },
  { kind: 'tower_crane', level: 'beyond_scale', clause: at(A2, 3, 2), when: atLeast('crane_height_m', 200), text: '搭设总高度200m及以上的起重机械安装和拆卸工程', textEn: 'Installing and dismantling cranes erected 200 m high or more' },
  { kind: 'tower_crane', level: 'beyond_scale', clause: at(A2, 3, 2), when: atLeast('crane_base_elevation_m', 200), text: '搭设基础标高在200m及以上的起重机械安装和拆卸工程', textEn: 'Installing and dismantling cranes whose base stands at an elevation of 200 m or more' },
  { kind: 'tower_crane', level: 'dangerous', clause: at(A1, 3, 3), when: ALWAYS, text: '起重机械安装和拆卸工程', textEn: 'Installing and dismantling cranes' },
  // 四、脚手架工程
  { kind: 'scaffold', level: 'beyond_scale', clause: at(A2, 4, 1), when: atLeast('scaffold_height_m', 50), text: '搭设高度50m及以上的落地式钢管脚手架工程', textEn: 'Floor-standing steel tube scaffolds 50 m high or more' },
  { kind: 'scaffold', level: 'dangerous', clause: at(A1, 4, 1), when: atLeast('scaffold_height_m', 24), text: '搭设高度24m及以上的落地式钢管脚手架工程', textEn: 'Floor-standing steel tube scaffolds 24 m high or more' },
  { kind: 'attached_lifting_scaffold', level: 'beyond_scale', clause: at(A2, 4, 2), when: atLeast('lift_height_m', 150), text: '提升高度在150m及以上的附着式升降脚手架工程或附着式升降操作平台工程', textEn: 'Attached lifting scaffolds or attached lifting operating platforms with a lifting height of 150 m or more' },
  { kind: 'attached_lifting_scaffold', level: 'dangerous', clause: at(A1, 4, 2), when: ALWAYS, text: '附着式升降脚手架工程', textEn: 'Attached lifting scaffolds' },
  { kind: 'cantilever_scaffold', level: 'beyond_scale', clause: at(A2, 4, 3), when: atLeast('segment_height_m', 20), text: '分段架体搭设高度20m及以上的悬挑式脚手架工程', textEn: 'Cantilevered scaffolds with segments erected 20 m high or more' },
  { kind: 'cantilever_scaffold', level: 'dangerous', clause: at(A1, 4, 3), when: ALWAYS, text: '悬挑式脚手架工程', textEn: 'Cantilevered scaffolds' },
  { kind: 'suspended_platform', level: 'dangerous', clause: at(A1, 4, 4), when: ALWAYS, text: '高处作业吊篮', textEn: 'Suspended platforms for work at height (gondolas)' },
  { kind: 'unloading_platform', level: 'dangerous', clause: at(A1, 4, 5), when: ALWAYS, text: '卸料平台、操作平台工程', textEn: 'Unloading platforms and operating platforms' },
  { kind: 'special_scaffold', level: 'dangerous', clause: at(A1, 4, 6), when: ALWAYS, text: '异型脚手架工程', textEn: 'Scaffolds of unusual shape' },
  // 五、拆除工程
  { kind: 'demolition', level: 'beyond_scale', clause: at(A2, 5, 1), when: flag('special_structure', 'hazardous_release'), text: '码头、桥梁、高架、烟囱、水塔或拆除中容易引起有毒有害气（液）体或粉尘扩散、易燃易爆事故发生的特殊建、构筑物的拆除工程', textEn: 'Demolition of wharves, bridges, viaducts, chimneys, water towers, or of special buildings and structures whose demolition easily spreads toxic gas, liquid or dust or causes fires or explosions' },
  { kind: 'demolition', level: 'beyond_scale', clause: at(A2, 5, 2), when: flag('heritage_area'), text: '文物保护建筑、优秀历史建筑或历史文化风貌区影响范围内的拆除工程', textEn: 'Demolition within the reach of protected cultural relics, outstanding historic buildings or historic and cultural areas' },
  { kind: 'demolition', level: 'dangerous', clause: at(A1, 5), when: flag('affects_surroundings'), text: '可能影响行人、交通、电力设施、通讯设施或其它建、构筑物安全的拆除工程', textEn: 'Demolition that may affect the safety of pedestrians, traffic, power or communication facilities, or other buildings and structures' },
  // 六、暗挖工程
  { kind: 'underground_excavation', level: 'beyond_scale', clause: at(A2, 6), when: ALWAYS, text: '采用矿山法、盾构法、顶管法施工的隧道、洞室工程', textEn: 'Tunnels and caverns built by the mining method, shield tunnelling or pipe jacking' },
  { kind: 'underground_excavation', level: 'dangerous', clause: at(A1, 6), when: ALWAYS, text: '采用矿山法、盾构法、顶管法施工的隧道、洞室工程', textEn: 'Tunnels and caverns built by the mining method, shield tunnelling or pipe jacking' },
  // 七、其它
  { kind: 'curtain_wall', level: 'beyond_scale', clause: at(A2, 7, 1), when: atLeast('height_m', 50), text: '施工高度50m及以上的建筑幕墙安装工程', textEn: 'Installing building curtain walls at a construction height of 50 m or more' },
  { kind: 'curtain_wall', level: 'dangerous', clause: at(A1, 7, 1), when: ALWAYS, text: '建筑幕墙安装工程', textEn: 'Installing building curtain walls' },
  { kind: 'steel_structure', level: 'beyond_scale', clause: at(A2, 7, 2), when: atLeast('span_m', 36), text: '跨度36m及以上的钢结构安装工程', textEn: 'Erecting steel structures with a span of 36 m or more' },
  { kind: 'steel_structure', level: 'dangerous', clause: at(A1, 7, 2), when: ALWAYS, text: '钢结构、网架和索膜结构安装工程', textEn: 'Erecting steel structures, space frames and cable-membrane structures' },
  { kind: 'space_frame', level: 'beyond_scale', clause: at(A2, 7, 2), when: atLeast('span_m', 60), text: '跨度60m及以上的网架和索膜结构安装工程', textEn: 'Erecting space frames and cable-membrane structures with a span of 60 m or more' },
  { kind: 'space_frame', level: 'dangerous', clause: at(A1, 7, 2), when: ALWAYS, text: '钢结构、网架和索膜结构安装工程', textEn: 'Erecting steel structures, space frames and cable-membrane structures' },
  { kind: 'manual_dug_pile', level: 'beyond_scale', clause: at(A2, 7, 3), when: atLeast('depth_m', 16), text: '开挖深度16m及以上的人工挖孔桩工程', textEn: 'Manually dug piles excavated 16 m deep or more' },
  { kind: 'manual_dug_pile', level: 'dangerous', clause: at(A1, 7, 3), when: ALWAYS, text: '人工挖孔桩工程', textEn: 'Manually dug piles' },
  { kind: 'underwater_works', level: 'beyond_scale', clause: at(A2, 7, 4), when: ALWAYS, text: '水下作业工程', textEn: 'Underwater works' },
  { kind: 'underwater_works', level: 'dangerous', clause: at(A1, 7, 4), when: ALWAYS, text: '水下作业工程', textEn: 'Underwater works' },
  { kind: 'precast_installation', level: 'dangerous', clause: at(A1, 7, 5), when: ALWAYS, text: '装配式建筑混凝土预制构件安装工程', textEn: 'Installing precast concrete members of prefabricated buildings' },
  { kind: 'structure_jacking', level: 'beyond_scale', clause: at(A2, 7, 5), when: atLeast('weight_kn', 1000), text: '重量1000kN及以上的大型结构整体顶升、平移、转体等施工工艺', textEn: 'Jacking, sliding, rotating or similar whole-structure moves of large structures weighing 1000 kN or more' },
  { kind: 'new_technology', level: 'beyond_scale', clause: at(A2, 7, 6), when: ALWAYS, text: '采用新技术、新工艺、新材料、新设备可能影响工程施工安全，尚无国家、行业及地方技术标准的分部分项工程', textEn: 'Sub-projects using new technology, processes, materials or equipment that may affect construction safety and for which no national, industry or local technical standard exists yet' },
  { kind: 'new_technology', level: 'dangerous', clause: at(A1, 7, 6), when: ALWAYS, text: '采用新技术、新工艺、新材料、新设备可能影响工程施工安全，尚无国家、行业及地方技术标准的分部分项工程', textEn: 'Sub-projects using new technology, processes, materials or equipment that may affect construction safety and for which no national, industry or local technical standard exists yet' },
];

const CN_NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const numeral = (n: number): string => CN_NUMERALS[n] ?? String(n);

/** A clause as the regulation numbers it, "附件2 三（一）", or in English "Annex 2, 3(1)". */
export function clauseText(c: Clause, lang: 'zh' | 'en' = 'zh'): string {
  if (lang === 'en') return `Annex ${c.annex}, ${c.item}${c.sub === undefined ? '' : `(${c.sub})`}`;
  return `附件${c.annex} ${numeral(c.item)}${c.sub === undefined ? '' : `（${numeral(c.sub)}）`}`;
}

/** A rule in the page's language. */
export function ruleText(r: DangerRule, lang: 'zh' | 'en' = 'zh'): string {
  return lang === 'en' ? r.textEn : r.text;
}

export interface DangerVerdict {
  class: DangerClass;
  /** The rules at the class's level that fired, each with its clause. */
  rules: DangerRule[];
}

/** Every rule of the kind whose condition holds, at either level. */
export function rulesFired(kind: SiteKind, attrs: SiteAttributes): DangerRule[] {
  return DANGER_RULES.filter((r) => r.kind === kind && holds(r.when, attrs));
}

/** The class of a site: the highest level any rule reaches, with every rule that fired at that level. */
export function judgeSite(kind: SiteKind, attrs: SiteAttributes): DangerVerdict {
  const fired = rulesFired(kind, attrs);
  const cls: DangerClass = fired.some((r) => r.level === 'beyond_scale') ? 'beyond_scale' : fired.length > 0 ? 'dangerous' : 'none';
  return { class: cls, rules: fired.filter((r) => r.level === cls) };
}

/** The class with its reasons in words, without the clauses (`judgeSite` has them). */
export function classifySite(kind: SiteKind, attrs: SiteAttributes, lang: 'zh' | 'en' = 'zh'): DangerResult {
  const v = judgeSite(kind, attrs);
  return { class: v.class, reasons: v.rules.map((r) => ruleText(r, lang)) };
}
