import type { Domain } from '../../../analytics/common/city';
import type { TextKey } from '../lib/i18n';
import type { MetricPanel } from '../panels/metricPanel';

export interface DomainScreenDef {
  id: string;
  title: TextKey;
  domains: Domain[];
  trends: MetricPanel[];
  bars: MetricPanel[];
}

/**
 * The domain screens and the measures that matter on each. Their threshold lines are the alarm
 * rules in force (panels/metricPanel.ts), not numbers written here.
 */
export const DOMAIN_SCREENS: DomainScreenDef[] = [
  {
    id: 'lifelines', title: 'screen_lifelines', domains: ['gas', 'water', 'drainage', 'heat', 'power', 'pipeline', 'tunnel'],
    trends: [
      { domain: 'gas', metric: 'lel_pct', unit: '%LEL' },
      { domain: 'water', metric: 'pressure_mpa', unit: 'MPa' },
      { domain: 'drainage', metric: 'level_m', unit: 'm' },
      { domain: 'tunnel', metric: 'ch4_lel_pct', unit: '%LEL' },
      { domain: 'power', metric: 'load_pct', unit: '%' },
      { domain: 'heat', metric: 'supply_temp_c', unit: '°C' },
    ],
    bars: [
      { domain: 'gas', metric: 'lel_pct', unit: '%LEL' },
      { domain: 'tunnel', metric: 'h2s_ppm', unit: 'ppm' },
    ],
  },
  {
    id: 'bridges', title: 'screen_bridges', domains: ['bridge', 'road'],
    trends: [
      { domain: 'bridge', metric: 'vehicle_load_t', unit: 't' },
      { domain: 'bridge', metric: 'strain_ue', unit: 'με' },
      { domain: 'bridge', metric: 'deflection_mm', unit: 'mm' },
      { domain: 'road', metric: 'settlement_mm', unit: 'mm' },
    ],
    bars: [
      { domain: 'bridge', metric: 'vehicle_load_t', unit: 't' },
      { domain: 'road', metric: 'settlement_mm', unit: 'mm' },
    ],
  },
  {
    id: 'construction', title: 'screen_construction', domains: ['construction'],
    trends: [
      { domain: 'construction', metric: 'crane_load_pct', unit: '%' },
      { domain: 'construction', metric: 'wind_speed_ms', unit: 'm/s' },
      { domain: 'construction', metric: 'pit_displacement_mm', unit: 'mm' },
      { domain: 'construction', metric: 'formwork_settlement_mm', unit: 'mm' },
    ],
    bars: [
      { domain: 'construction', metric: 'crane_load_pct', unit: '%' },
      { domain: 'construction', metric: 'pit_displacement_mm', unit: 'mm' },
    ],
  },
  {
    id: 'housing', title: 'screen_housing', domains: ['building', 'flood'],
    trends: [
      { domain: 'flood', metric: 'river_level_m', unit: 'm' },
      { domain: 'flood', metric: 'rainfall_mm_h', unit: 'mm/h' },
      { domain: 'building', metric: 'tilt_deg', unit: '°' },
      { domain: 'building', metric: 'crack_width_mm', unit: 'mm' },
    ],
    bars: [
      { domain: 'flood', metric: 'river_level_m', unit: 'm' },
      { domain: 'building', metric: 'tilt_deg', unit: '°' },
    ],
  },
  {
    id: 'waste', title: 'screen_waste', domains: ['waste', 'park'],
    trends: [
      { domain: 'waste', metric: 'methane_pct', unit: '%vol' },
      { domain: 'waste', metric: 'leachate_level_m', unit: 'm' },
      { domain: 'park', metric: 'crowd_count', unit: '人' },
    ],
    bars: [
      { domain: 'park', metric: 'crowd_count', unit: '人' },
      { domain: 'waste', metric: 'methane_pct', unit: '%vol' },
    ],
  },
];

/** The overview's 24-hour trends of key metrics. */
export const OVERVIEW_TRENDS: MetricPanel[] = [
  { domain: 'gas', metric: 'lel_pct', unit: '%LEL' },
  { domain: 'water', metric: 'pressure_mpa', unit: 'MPa' },
  { domain: 'flood', metric: 'river_level_m', unit: 'm' },
  { domain: 'bridge', metric: 'vehicle_load_t', unit: 't' },
];

export type ScreenId = 'overview' | 'asset' | (typeof DOMAIN_SCREENS)[number]['id'];
export const SCREEN_IDS: string[] = ['overview', ...DOMAIN_SCREENS.map((s) => s.id), 'asset'];
