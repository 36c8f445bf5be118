import type { Domain } from '../../../analytics/common/city';
import type { TextKey } from '../lib/i18n';
import type { Threshold } from '../panels/trend/buildTrendOption';

export interface MetricPanel {
  domain: Domain;
  metric: string;
  unit: string;
  thresholds: Threshold[];
}

export interface DomainScreenDef {
  id: string;
  title: TextKey;
  domains: Domain[];
  trends: MetricPanel[];
  bars: MetricPanel[];
}

const gasLel: Threshold[] = [
  { value: 25, label: '一级报警 25%LEL (GB/T 50493-2019)', severity: 'orange' },
  { value: 50, label: '二级报警 50%LEL', severity: 'red' },
];

/**
 * The domain screens and the measures that matter on each, with their thresholds and where each
 * threshold comes from. The alarm rules of the closed loop will take over these numbers.
 */
export const DOMAIN_SCREENS: DomainScreenDef[] = [
  {
    id: 'lifelines', title: 'screen_lifelines', domains: ['gas', 'water', 'drainage', 'heat', 'power', 'pipeline', 'tunnel'],
    trends: [
      { domain: 'gas', metric: 'lel_pct', unit: '%LEL', thresholds: gasLel },
      { domain: 'water', metric: 'pressure_mpa', unit: 'MPa', thresholds: [{ value: 0.14, label: '最低服务压力 0.14MPa (CJJ 207-2013)', severity: 'orange' }] },
      { domain: 'drainage', metric: 'level_m', unit: 'm', thresholds: [{ value: 1.5, label: '溢流预警 1.5m', severity: 'orange' }] },
      { domain: 'tunnel', metric: 'ch4_lel_pct', unit: '%LEL', thresholds: [{ value: 20, label: '报警 20%LEL (GB 50838-2015)', severity: 'orange' }] },
      { domain: 'power', metric: 'load_pct', unit: '%', thresholds: [{ value: 90, label: '重载 90%', severity: 'orange' }, { value: 100, label: '过载', severity: 'red' }] },
      { domain: 'heat', metric: 'supply_temp_c', unit: '°C', thresholds: [] },
    ],
    bars: [
      { domain: 'gas', metric: 'lel_pct', unit: '%LEL', thresholds: gasLel },
      { domain: 'tunnel', metric: 'h2s_ppm', unit: 'ppm', thresholds: [{ value: 6.6, label: 'MAC 10mg/m³ (GBZ 2.1-2019)', severity: 'orange' }] },
    ],
  },
  {
    id: 'bridges', title: 'screen_bridges', domains: ['bridge', 'road'],
    trends: [
      { domain: 'bridge', metric: 'vehicle_load_t', unit: 't', thresholds: [{ value: 55, label: '设计荷载 55t', severity: 'orange' }] },
      { domain: 'bridge', metric: 'strain_ue', unit: 'με', thresholds: [{ value: 500, label: '应变预警值', severity: 'orange' }] },
      { domain: 'bridge', metric: 'deflection_mm', unit: 'mm', thresholds: [{ value: 30, label: '挠度预警值', severity: 'orange' }] },
      { domain: 'road', metric: 'settlement_mm', unit: 'mm', thresholds: [{ value: 10, label: '沉降预警 10mm', severity: 'orange' }] },
    ],
    bars: [
      { domain: 'bridge', metric: 'vehicle_load_t', unit: 't', thresholds: [{ value: 55, label: '设计荷载', severity: 'orange' }] },
      { domain: 'road', metric: 'settlement_mm', unit: 'mm', thresholds: [{ value: 10, label: '沉降预警', severity: 'orange' }] },
    ],
  },
  {
    id: 'construction', title: 'screen_construction', domains: ['construction'],
    trends: [
      { domain: 'construction', metric: 'crane_load_pct', unit: '%', thresholds: [{ value: 90, label: '力矩预警 90% (GB 5144-2006)', severity: 'orange' }, { value: 100, label: '力矩限制 100%', severity: 'red' }] },
      { domain: 'construction', metric: 'wind_speed_ms', unit: 'm/s', thresholds: [{ value: 10.8, label: '六级风停止作业 (JGJ 196-2010)', severity: 'red' }] },
      { domain: 'construction', metric: 'pit_displacement_mm', unit: 'mm', thresholds: [{ value: 30, label: '位移预警 (GB 50497-2019)', severity: 'orange' }] },
      { domain: 'construction', metric: 'formwork_settlement_mm', unit: 'mm', thresholds: [{ value: 10, label: '沉降预警 10mm', severity: 'orange' }] },
    ],
    bars: [
      { domain: 'construction', metric: 'crane_load_pct', unit: '%', thresholds: [{ value: 90, label: '预警', severity: 'orange' }, { value: 100, label: '限制', severity: 'red' }] },
      { domain: 'construction', metric: 'pit_displacement_mm', unit: 'mm', thresholds: [{ value: 30, label: '预警', severity: 'orange' }] },
    ],
  },
  {
    id: 'housing', title: 'screen_housing', domains: ['building', 'flood'],
    trends: [
      { domain: 'flood', metric: 'river_level_m', unit: 'm', thresholds: [{ value: 4.5, label: '警戒水位 4.5m', severity: 'orange' }, { value: 5.5, label: '保证水位 5.5m', severity: 'red' }] },
      { domain: 'flood', metric: 'rainfall_mm_h', unit: 'mm/h', thresholds: [{ value: 16, label: '暴雨 16mm/h (GB/T 28592-2012)', severity: 'yellow' }, { value: 30, label: '大暴雨', severity: 'orange' }] },
      { domain: 'building', metric: 'tilt_deg', unit: '°', thresholds: [{ value: 0.4, label: '倾斜率0.7% (GB 50292-2015)', severity: 'orange' }] },
      { domain: 'building', metric: 'crack_width_mm', unit: 'mm', thresholds: [{ value: 1, label: '裂缝预警 1mm', severity: 'orange' }] },
    ],
    bars: [
      { domain: 'flood', metric: 'river_level_m', unit: 'm', thresholds: [{ value: 4.5, label: '警戒', severity: 'orange' }, { value: 5.5, label: '保证', severity: 'red' }] },
      { domain: 'building', metric: 'tilt_deg', unit: '°', thresholds: [{ value: 0.4, label: '预警', severity: 'orange' }] },
    ],
  },
  {
    id: 'waste', title: 'screen_waste', domains: ['waste', 'park'],
    trends: [
      { domain: 'waste', metric: 'methane_pct', unit: '%vol', thresholds: [{ value: 1.25, label: '构筑物内 1.25% (GB 16889-2008)', severity: 'orange' }, { value: 5, label: '5%', severity: 'red' }] },
      { domain: 'waste', metric: 'leachate_level_m', unit: 'm', thresholds: [] },
      { domain: 'park', metric: 'crowd_count', unit: '人', thresholds: [] },
    ],
    bars: [
      { domain: 'park', metric: 'crowd_count', unit: '人', thresholds: [] },
      { domain: 'waste', metric: 'methane_pct', unit: '%vol', thresholds: [{ value: 1.25, label: '预警', severity: 'orange' }] },
    ],
  },
];

/** The overview's 24-hour trends of key metrics. */
export const OVERVIEW_TRENDS: MetricPanel[] = [
  { domain: 'gas', metric: 'lel_pct', unit: '%LEL', thresholds: gasLel },
  { domain: 'water', metric: 'pressure_mpa', unit: 'MPa', thresholds: [{ value: 0.14, label: '0.14MPa', severity: 'orange' }] },
  { domain: 'flood', metric: 'river_level_m', unit: 'm', thresholds: [{ value: 4.5, label: '警戒', severity: 'orange' }, { value: 5.5, label: '保证', severity: 'red' }] },
  { domain: 'bridge', metric: 'vehicle_load_t', unit: 't', thresholds: [{ value: 55, label: '设计荷载', severity: 'orange' }] },
];

export type ScreenId = 'overview' | 'asset' | (typeof DOMAIN_SCREENS)[number]['id'];
export const SCREEN_IDS: string[] = ['overview', ...DOMAIN_SCREENS.map((s) => s.id), 'asset'];
