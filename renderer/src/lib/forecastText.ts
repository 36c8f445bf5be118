import type { ForecastView } from '../../../analytics/common/forecast';
import { t, type Lang } from './i18n';

/** "按当前趋势，预计25分钟后达到河道超警戒水位（20–30分钟）": a forecast as every screen words it. */
export function forecastText(lang: Lang, f: ForecastView): string {
  const minutes = (ms: number): number => Math.max(1, Math.round((ms - f.atMs) / 60_000));
  return t(lang, 'forecast_eta', { min: minutes(f.etaMs), what: lang === 'zh' ? f.title.zh : f.title.en, from: minutes(f.earliestMs), to: minutes(f.latestMs) });
}
