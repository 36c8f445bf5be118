import type { Domain } from '../../../analytics/common/city';
import { t, type Lang, type TextKey } from '../lib/i18n';
import type { Threshold } from '../panels/trend/buildTrendOption';

/** A threshold as configured: its label is a key of the i18n table. */
export type ThresholdSpec = Omit<Threshold, 'label'> & { label: TextKey };

export interface MetricPanel {
  domain: Domain;
  metric: string;
  unit: string;
  thresholds: ThresholdSpec[];
}

export function thresholdsIn(lang: Lang, ts: ThresholdSpec[]): Threshold[] {
  return ts.map((x) => ({ ...x, label: t(lang, x.label) }));
}

export interface DomainScreenDef {
  id: string;
  title: TextKey;
  domains: Domain[];
  trends: MetricPanel[];
  bars: MetricPanel[];
}

const gasLel: ThresholdSpec[] = [
  { value: 25, label: 'th_gas_l1', severity: 'orange' },
  { value: 50, label: 'th_gas_l2', severity: 'red' },
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
      { domain: 'water', metric: 'pressure_mpa', unit: 'MPa', thresholds: [{ value: 0.14, label: 'th_water_min', severity: 'orange' }] },
      { domain: 'drainage', metric: 'level_m', unit: 'm', thresholds: [{ value: 1.5, label: 'th_overflow', severity: 'orange' }] },
      { domain: 'tunnel', metric: 'ch4_lel_pct', unit: '%LEL', thresholds: [{ value: 20, label: 'th_tunnel_ch4', severity: 'orange' }] },
      { domain: 'power', metric: 'load_pct', unit: '%', thresholds: [{ value: 90, label: 'th_heavy_load', severity: 'orange' }, { value: 100, label: 'th_overload', severity: 'red' }] },
      { domain: 'heat', metric: 'supply_temp_c', unit: '°C', thresholds: [] },
    ],
    bars: [
      { domain: 'gas', metric: 'lel_pct', unit: '%LEL', thresholds: gasLel },
      { domain: 'tunnel', metric: 'h2s_ppm', unit: 'ppm', thresholds: [{ value: 6.6, label: 'th_h2s', severity: 'orange' }] },
    ],
  },
  {
    id: 'bridges', title: 'screen_bridges', domains: ['bridge', 'road'],
    trends: [
      { domain: 'bridge', metric: 'vehicle_load_t', unit: 't', thresholds: [{ value: 55, label: 'th_design_load', severity: 'orange' }] },
      { domain: 'bridge', metric: 'strain_ue', unit: 'με', thresholds: [{ value: 500, label: 'th_strain', severity: 'orange' }] },
      { domain: 'bridge', metric: 'deflection_mm', unit: 'mm', thresholds: [{ value: 30, label: 'th_deflection', severity: 'orange' }] },
      { domain: 'road', metric: 'settlement_mm', unit: 'mm', thresholds: [{ value: 10, label: 'th_settle_10', severity: 'orange' }] },
    ],
    bars: [
      { domain: 'bridge', metric: 'vehicle_load_t', unit: 't', thresholds: [{ value: 55, label: 'th_design_load_short', severity: 'orange' }] },
      { domain: 'road', metric: 'settlement_mm', unit: 'mm', thresholds: [{ value: 10, label: 'th_settle', severity: 'orange' }] },
    ],
  },
  {
    id: 'construction', title: 'screen_construction', domains: ['construction'],
    trends: [
      { domain: 'construction', metric: 'crane_load_pct', unit: '%', thresholds: [{ value: 90, label: 'th_crane_warn', severity: 'orange' }, { value: 100, label: 'th_crane_limit', severity: 'red' }] },
      { domain: 'construction', metric: 'wind_speed_ms', unit: 'm/s', thresholds: [{ value: 10.8, label: 'th_wind', severity: 'red' }] },
      { domain: 'construction', metric: 'pit_displacement_mm', unit: 'mm', thresholds: [{ value: 30, label: 'th_pit', severity: 'orange' }] },
      { domain: 'construction', metric: 'formwork_settlement_mm', unit: 'mm', thresholds: [{ value: 10, label: 'th_settle_10', severity: 'orange' }] },
    ],
    bars: [
      { domain: 'construction', metric: 'crane_load_pct', unit: '%', thresholds: [{ value: 90, label: 'th_warn', severity: 'orange' }, { value: 100, label: 'th_limit', severity: 'red' }] },
      { domain: 'construction', metric: 'pit_displacement_mm', unit: 'mm', thresholds: [{ value: 30, label: 'th_warn', severity: 'orange' }] },
    ],
  },
  {
    id: 'housing', title: 'screen_housing', domains: ['building', 'flood'],
    trends: [
      { domain: 'flood', metric: 'river_level_m', unit: 'm', thresholds: [{ value: 4.5, label: 'th_warning_level', severity: 'orange' }, { value: 5.5, label: 'th_guarantee', severity: 'red' }] },
      { domain: 'flood', metric: 'rainfall_mm_h', unit: 'mm/h', thresholds: [{ value: 16, label: 'th_rainstorm', severity: 'yellow' }, { value: 30, label: 'th_heavy_rain', severity: 'orange' }] },
      { domain: 'building', metric: 'tilt_deg', unit: '°', thresholds: [{ value: 0.4, label: 'th_tilt', severity: 'orange' }] },
      { domain: 'building', metric: 'crack_width_mm', unit: 'mm', thresholds: [{ value: 1, label: 'th_crack', severity: 'orange' }] },
    ],
    bars: [
      { domain: 'flood', metric: 'river_level_m', unit: 'm', thresholds: [{ value: 4.5, label: 'th_warning_short', severity: 'orange' }, { value: 5.5, label: 'th_guarantee_short', severity: 'red' }] },
      { domain: 'building', metric: 'tilt_deg', unit: '°', thresholds: [{ value: 0.4, label: 'th_warn', severity: 'orange' }] },
    ],
  },
  {
    id: 'waste', title: 'screen_waste', domains: ['waste', 'park'],
    trends: [
      { domain: 'waste', metric: 'methane_pct', unit: '%vol', thresholds: [{ value: 1.25, label: 'th_landfill', severity: 'orange' }, { value: 5, label: 'th_landfill_5', severity: 'red' }] },
      { domain: 'waste', metric: 'leachate_level_m', unit: 'm', thresholds: [] },
      { domain: 'park', metric: 'crowd_count', unit: '人', thresholds: [] },
    ],
    bars: [
      { domain: 'park', metric: 'crowd_count', unit: '人', thresholds: [] },
      { domain: 'waste', metric: 'methane_pct', unit: '%vol', thresholds: [{ value: 1.25, label: 'th_warn', severity: 'orange' }] },
    ],
  },
];

/** The overview's 24-hour trends of key metrics. */
export const OVERVIEW_TRENDS: MetricPanel[] = [
  { domain: 'gas', metric: 'lel_pct', unit: '%LEL', thresholds: gasLel },
  { domain: 'water', metric: 'pressure_mpa', unit: 'MPa', thresholds: [{ value: 0.14, label: 'th_water_min_short', severity: 'orange' }] },
  { domain: 'flood', metric: 'river_level_m', unit: 'm', thresholds: [{ value: 4.5, label: 'th_warning_short', severity: 'orange' }, { value: 5.5, label: 'th_guarantee_short', severity: 'red' }] },
  { domain: 'bridge', metric: 'vehicle_load_t', unit: 't', thresholds: [{ value: 55, label: 'th_design_load_short', severity: 'orange' }] },
];

export type ScreenId = 'overview' | 'asset' | (typeof DOMAIN_SCREENS)[number]['id'];
export const SCREEN_IDS: string[] = ['overview', ...DOMAIN_SCREENS.map((s) => s.id), 'asset'];
