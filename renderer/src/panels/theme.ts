import { COLOURS } from '../../../analytics/common/vocabulary';
/** The wall's dark theme and the four national risk colours (红橙黄蓝). */
export const THEME = {
  background: '#040d1a',
  panel: '#0a1a2f',
  panelBorder: '#1d3a5f',
  text: '#e6f0ff',
  textDim: '#8fa7c4',
  grid: '#1f3550',
  accent: '#35c2ff',
  accent2: '#7ee0a1',
  stale: '#6b7785',
  font: '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif',
} as const;

export const RISK_COLORS = { red: '#e8262d', orange: '#ff8c1a', yellow: '#f2d31b', blue: '#1f6fe0', none: '#15314f' } as const;
export type RiskLevel = keyof typeof RISK_COLORS;
export const SEVERITIES = COLOURS;
export type Severity = (typeof SEVERITIES)[number];
