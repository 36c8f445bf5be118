import type { Domain } from '../../common/city.js';

/**
 * How each kind of city asset behaves in the simulator: its metrics, units, normal level, daily
 * rhythm and noise. Figures are typical of Chinese municipal monitoring (orders of magnitude, not
 * any real site's data).
 */
export interface MetricProfile {
  metric: string;
  unit: string;
  base: number;
  /** Amplitude of the daily rhythm, as a fraction of base (peaks at `peakHour` local time). */
  daily: number;
  peakHour: number;
  /** Standard deviation of the noise, absolute. */
  noise: number;
  min: number;
  max: number;
  decimals: number;
}

export interface AssetKindProfile {
  domain: Domain;
  kind: string;
  zh: string;
  /** How many of the city's assets are of this kind, relatively. */
  weight: number;
  metrics: MetricProfile[];
  owners: string[];
  supervisor: string;
  approver: string;
  attrs?: (r: () => number) => Record<string, string | number | boolean>;
}

const m = (metric: string, unit: string, base: number, noise: number, min: number, max: number, daily = 0, peakHour = 14, decimals = 2): MetricProfile =>
  ({ metric, unit, base, daily, peakHour, noise, min, max, decimals });

export const ASSET_KINDS: AssetKindProfile[] = [
  { domain: 'water', kind: 'pipe_monitor', zh: '供水管网监测点', weight: 8,
    metrics: [m('pressure_mpa', 'MPa', 0.36, 0.008, 0, 1.6, -0.12, 8, 3), m('flow_m3h', 'm3/h', 420, 15, 0, 2000, 0.35, 8, 1), m('residual_cl_mgl', 'mg/L', 0.55, 0.03, 0, 4, 0, 0, 2)],
    owners: ['十堰市供水有限公司'], supervisor: '十堰市城市管理执法委员会', approver: '十堰市住房和城乡建设局' },
  { domain: 'drainage', kind: 'manhole', zh: '排水检查井', weight: 6,
    metrics: [m('level_m', 'm', 0.45, 0.03, 0, 5, 0.2, 19, 2), m('flow_m3h', 'm3/h', 180, 12, 0, 3000, 0.3, 19, 1)],
    owners: ['十堰市排水管理处'], supervisor: '十堰市城市管理执法委员会', approver: '十堰市住房和城乡建设局' },
  { domain: 'power', kind: 'substation', zh: '变电站', weight: 4,
    metrics: [m('load_pct', '%', 58, 2, 0, 130, 0.3, 20, 1), m('cable_temp_c', '°C', 38, 0.8, -20, 120, 0.15, 20, 1)],
    owners: ['国网十堰供电公司'], supervisor: '十堰市发展和改革委员会', approver: '十堰市发展和改革委员会' },
  { domain: 'gas', kind: 'regulator_station', zh: '燃气调压站', weight: 6,
    metrics: [m('lel_pct', '%LEL', 1.2, 0.4, 0, 100, 0, 0, 1), m('pressure_kpa', 'kPa', 2.6, 0.05, 0, 400, -0.08, 18, 2)],
    owners: ['十堰市燃气有限公司'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局' },
  { domain: 'gas', kind: 'market_detector', zh: '集贸市场可燃气体探测器', weight: 4,
    metrics: [m('lel_pct', '%LEL', 0.8, 0.3, 0, 100, 0.2, 11, 1)],
    owners: ['市场经营户联合会'], supervisor: '十堰市市场监督管理局', approver: '十堰市住房和城乡建设局' },
  { domain: 'heat', kind: 'heat_exchanger', zh: '换热站', weight: 3,
    metrics: [m('supply_temp_c', '°C', 82, 1.2, 0, 130, 0.05, 6, 1), m('return_temp_c', '°C', 52, 1, 0, 110, 0.05, 6, 1), m('pressure_mpa', 'MPa', 0.62, 0.01, 0, 1.6, 0, 0, 3)],
    owners: ['十堰市热力有限公司'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市发展和改革委员会' },
  { domain: 'bridge', kind: 'bridge', zh: '桥梁', weight: 4,
    metrics: [m('strain_ue', 'με', 120, 8, -500, 1500, 0.4, 17, 1), m('deflection_mm', 'mm', 6, 0.4, -10, 120, 0.4, 17, 2), m('vehicle_load_t', 't', 22, 6, 0, 120, 0.3, 17, 1)],
    owners: ['十堰市城市道路桥梁管理处'], supervisor: '十堰市城市管理执法委员会', approver: '十堰市交通运输局',
    attrs: (r) => ({ span_m: Math.round(30 + r() * 200), design_load_t: 55 }) },
  { domain: 'road', kind: 'road_segment', zh: '道路监测段', weight: 4,
    metrics: [m('settlement_mm', 'mm', 1.2, 0.1, -5, 200, 0, 0, 2), m('surface_temp_c', '°C', 16, 0.5, -30, 75, 0.5, 14, 1)],
    owners: ['十堰市城市道路桥梁管理处'], supervisor: '十堰市城市管理执法委员会', approver: '十堰市交通运输局' },
  { domain: 'pipeline', kind: 'pipeline_monitor', zh: '地下管线监测点', weight: 4,
    metrics: [m('pressure_mpa', 'MPa', 0.4, 0.01, 0, 4, 0, 0, 3), m('leak_noise_db', 'dB', 32, 2, 0, 120, 0, 0, 1)],
    owners: ['十堰市地下管线管理中心'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市自然资源和规划局' },
  { domain: 'tunnel', kind: 'utility_tunnel', zh: '综合管廊舱段', weight: 4,
    metrics: [m('o2_pct', '%vol', 20.9, 0.05, 0, 25, 0, 0, 2), m('ch4_lel_pct', '%LEL', 0.5, 0.2, 0, 100, 0, 0, 1),
      m('h2s_ppm', 'ppm', 0.4, 0.15, 0, 100, 0, 0, 2), m('water_level_mm', 'mm', 8, 2, 0, 2000, 0, 0, 0)],
    owners: ['十堰市综合管廊运营有限公司'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局' },
  { domain: 'waste', kind: 'landfill', zh: '垃圾处理设施', weight: 2,
    metrics: [m('leachate_level_m', 'm', 2.1, 0.05, 0, 20, 0, 0, 2), m('methane_pct', '%vol', 0.3, 0.08, 0, 100, 0.2, 15, 2)],
    owners: ['十堰市环境卫生管理处'], supervisor: '十堰市城市管理执法委员会', approver: '十堰市生态环境局' },
  { domain: 'park', kind: 'park', zh: '城市公园', weight: 3,
    metrics: [m('crowd_count', 'persons', 900, 60, 0, 50000, 0.8, 16, 0)],
    owners: ['十堰市园林绿化管理处'], supervisor: '十堰市城市管理执法委员会', approver: '十堰市自然资源和规划局' },
  { domain: 'construction', kind: 'tower_crane', zh: '塔式起重机', weight: 3,
    metrics: [m('crane_load_pct', '%', 45, 8, 0, 150, 0.5, 10, 1), m('wind_speed_ms', 'm/s', 3.5, 0.8, 0, 60, 0.4, 15, 1)],
    owners: ['中建三局十堰项目部', '湖北十堰城建集团'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局',
    attrs: (r) => ({ rated_load_t: 8 + Math.round(r() * 8), install_weight_kn: 300 + Math.round(r() * 600) }) },
  { domain: 'construction', kind: 'foundation_pit', zh: '深基坑', weight: 3,
    metrics: [m('pit_displacement_mm', 'mm', 6, 0.3, -50, 300, 0, 0, 2), m('water_level_m', 'm', -4.5, 0.05, -30, 5, 0, 0, 2)],
    owners: ['湖北十堰城建集团', '十堰市房地产开发公司'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局',
    attrs: (r) => ({ depth_m: Math.round((2 + r() * 14) * 10) / 10 }) },
  { domain: 'construction', kind: 'high_formwork', zh: '高支模', weight: 2,
    metrics: [m('formwork_settlement_mm', 'mm', 2, 0.2, -20, 200, 0, 0, 2), m('axial_force_kn', 'kN', 18, 1, 0, 300, 0, 0, 1)],
    owners: ['中建三局十堰项目部'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局',
    attrs: (r) => ({ height_m: Math.round((4 + r() * 10) * 10) / 10, span_m: Math.round((8 + r() * 14) * 10) / 10, load_kn_m2: Math.round(8 + r() * 10) }) },
  // a few more dangerous sub-projects of 建办质〔2018〕31号, so the console shows their class and clause
  { domain: 'construction', kind: 'attached_lifting_scaffold', zh: '附着式升降脚手架', weight: 1,
    metrics: [m('wind_speed_ms', 'm/s', 3.5, 0.8, 0, 60, 0.4, 15, 1)],
    owners: ['中建三局十堰项目部'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局',
    attrs: (r) => ({ lift_height_m: Math.round(60 + r() * 150) }) },
  { domain: 'construction', kind: 'cantilever_scaffold', zh: '悬挑式脚手架', weight: 1,
    metrics: [m('axial_force_kn', 'kN', 12, 0.8, 0, 300, 0, 0, 1)],
    owners: ['湖北十堰城建集团'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局',
    attrs: (r) => ({ segment_height_m: Math.round((12 + r() * 12) * 10) / 10 }) },
  { domain: 'construction', kind: 'curtain_wall', zh: '建筑幕墙安装', weight: 1,
    metrics: [m('wind_speed_ms', 'm/s', 3.5, 0.8, 0, 60, 0.4, 15, 1)],
    owners: ['中建三局十堰项目部', '十堰市房地产开发公司'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局',
    attrs: (r) => ({ height_m: Math.round(20 + r() * 80) }) },
  { domain: 'construction', kind: 'steel_structure', zh: '钢结构安装', weight: 1,
    metrics: [m('strain_ue', 'με', 90, 6, -500, 1500, 0.2, 14, 1), m('deflection_mm', 'mm', 4, 0.3, -10, 120, 0.2, 14, 2)],
    owners: ['中建三局十堰项目部'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局',
    attrs: (r) => ({ span_m: Math.round((20 + r() * 30) * 10) / 10 }) },
  { domain: 'construction', kind: 'manual_dug_pile', zh: '人工挖孔桩', weight: 1,
    metrics: [m('o2_pct', '%vol', 20.8, 0.05, 0, 25, 0, 0, 2), m('h2s_ppm', 'ppm', 0.3, 0.1, 0, 100, 0, 0, 2)],
    owners: ['湖北十堰城建集团'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局',
    attrs: (r) => ({ depth_m: Math.round((6 + r() * 16) * 10) / 10 }) },
  { domain: 'construction', kind: 'underground_excavation', zh: '盾构隧道', weight: 1,
    metrics: [m('settlement_mm', 'mm', 2.5, 0.15, -5, 200, 0, 0, 2)],
    owners: ['十堰市城市轨道交通建设公司'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市交通运输局',
    attrs: (r) => ({ method: r() < 0.7 ? 'shield' : 'pipe_jacking' }) },
  { domain: 'construction', kind: 'demolition', zh: '拆除工程', weight: 1,
    metrics: [m('crack_width_mm', 'mm', 0.2, 0.01, 0, 50, 0, 0, 3)],
    owners: ['十堰市房屋征收服务中心'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局',
    attrs: (r) => ({ affects_surroundings: true, special_structure: r() < 0.4, heritage_area: r() < 0.2 }) },
  { domain: 'building', kind: 'old_building', zh: '老旧房屋', weight: 5,
    metrics: [m('tilt_deg', '°', 0.12, 0.01, 0, 10, 0, 0, 3), m('crack_width_mm', 'mm', 0.18, 0.01, 0, 50, 0, 0, 3)],
    owners: ['业主委员会', '十堰市房屋征收服务中心'], supervisor: '十堰市住房和城乡建设局', approver: '十堰市自然资源和规划局',
    attrs: (r) => ({ built_year: 1965 + Math.round(r() * 35), storeys: 2 + Math.round(r() * 5) }) },
  { domain: 'flood', kind: 'river_gauge', zh: '河道水位站', weight: 3,
    metrics: [m('river_level_m', 'm', 2.4, 0.03, 0, 20, 0, 0, 2), m('rainfall_mm_h', 'mm/h', 0.3, 0.3, 0, 200, 0, 0, 1)],
    owners: ['十堰市水利和湖泊局'], supervisor: '十堰市应急管理局', approver: '十堰市水利和湖泊局',
    attrs: (r) => ({ warning_level_m: 4.5, guarantee_level_m: 5.5, low_lying: r() < 0.3 }) },
];

/** Hours of the day in Shiyan (UTC+8). */
export function localHour(tsMs: number): number {
  return (((tsMs / 3_600_000) + 8) % 24 + 24) % 24;
}

/** The normal level of a metric at a moment: base plus the daily rhythm. */
export function rhythm(p: MetricProfile, tsMs: number): number {
  const phase = ((localHour(tsMs) - p.peakHour) / 24) * 2 * Math.PI;
  return p.base * (1 + p.daily * Math.cos(phase));
}
