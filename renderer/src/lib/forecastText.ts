import type { ForecastView } from '../../../analytics/common/forecast';
import { t, type Lang } from './i18n';

/**
 * "按当前趋势，预计25分钟后达到河道超警戒水位（20–30分钟）", or from the rain "按当前雨强（48 mm/h）持续，
 * 预计…": a forecast as every screen words it.
 */
export function forecastText(lang: Lang, f: ForecastView): string {
  const minutes = (ms: number): number => Math.max(1, Math.round((ms - f.atMs) / 60_000));
  const vars = { min: minutes(f.etaMs), what: lang === 'zh' ? f.title.zh : f.title.en, from: minutes(f.earliestMs), to: minutes(f.latestMs) };
  return f.basis === 'rain' && f.rainMmH !== null
    ? t(lang, 'forecast_eta_rain', { ...vars, rain: Math.round(f.rainMmH * 10) / 10 })
    : t(lang, 'forecast_eta', vars);
}

/** What the forecast stands on and that it never becomes an alarm (a row's tooltip). */
export function forecastHint(lang: Lang, f: ForecastView): string {
  return t(lang, f.basis === 'rain' ? 'forecast_hint_rain' : 'forecast_hint');
}

/** "回测命中92%·成真61%·提前中位48分钟": how such forecasts fared in the backtest (docs/forecast.md). */
export function forecastReliabilityText(lang: Lang, f: ForecastView): string {
  const pct = (x: number): number => Math.round(x * 100);
  return t(lang, 'forecast_reliability', { hit: pct(f.reliability.hitRate), precision: pct(f.reliability.precision), lead: f.reliability.medianLeadMin });
}
