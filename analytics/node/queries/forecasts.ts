import { setImmediate } from 'node:timers/promises';
import type { z } from 'zod';
import type { AlarmRule } from '../../common/alarms/alarmRules.js';
import type { QUERY_PARAMS } from '../../common/engineApi.js';
import { confirmedForecast, DEFAULT_FORECAST, FORECAST_CONFIRM_MINUTES, FORECAST_METRICS, FORECAST_MIN_HIT_RATE, FORECAST_RELIABILITY, RAIN_OF, type Forecast, type ForecastView } from '../../common/forecast.js';
import { confirmedForecastWithRain, DEFAULT_RAIN_FORECAST, type BasedForecast } from '../../common/rainForecast.js';
import type { Database } from '../store/database.js';
import { filters, micros } from './query.js';

type Params = z.infer<(typeof QUERY_PARAMS)['forecasts']>;

/** Per metric, the first level an alarm rule sets: the lowest high setpoint (or the highest low one). */
export function warningRules(rules: readonly AlarmRule[]): Map<string, AlarmRule> {
  const out = new Map<string, AlarmRule>();
  for (const r of rules) {
    if (!FORECAST_METRICS.includes(r.metric) || (r.kind !== 'high' && r.kind !== 'low')) continue;
    const have = out.get(`${r.domain}/${r.metric}`);
    const first = !have || (r.kind === 'high' ? r.setpoint < have.setpoint : r.setpoint > have.setpoint);
    if (first) out.set(`${r.domain}/${r.metric}`, r);
  }
  return out;
}

/**
 * 预报预警 at `atMs`: every series of the forecast metrics whose warning level is forecast to be
 * crossed within the horizon, confirmed over the last minutes, soonest first. Read from the
 * 1-minute rollups of the window before `atMs` (nothing after it: a replayed instant sees what was
 * known then). A level with a rain gauge at the same asset (`RAIN_OF`) is forecast from the rain
 * where the rain gives a verdict (rainForecast.ts), over the longer window that needs.
 */
export async function forecasts(db: Database, rules: readonly AlarmRule[], p: Params, atMs: number, signal?: AbortSignal, hooks: ForecastHooks = {}): Promise<ForecastView[]> {
  return (await forecastsAll(db, rules, p, atMs, signal, hooks)).slice(0, p.limit);
}

/** Told of each series the forecasters run on (its key `domain/district/asset/metric`): tests and benches count the fit work. */
export interface ForecastHooks {
  onSeries?: (key: string) => void;
}

/**
 * The forecasts' order: soonest first, then by series (`domain/district/asset/metric`), so that the
 * order never depends on the order DuckDB returned the rows in (a filtered list is the unfiltered
 * one's sublist: the live cache relies on it).
 */
export function forecastOrder(a: ForecastView, b: ForecastView): number {
  if (a.etaMs !== b.etaMs) return a.etaMs - b.etaMs;
  const ka = seriesKey(a);
  const kb = seriesKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

const seriesKey = (f: { domain: string; district: string; asset: string; metric: string }): string => `${f.domain}/${f.district}/${f.asset}/${f.metric}`;

/**
 * Every forecast of {@link forecasts} that `p`'s domain, district and asset select, in
 * {@link forecastOrder}, `p.limit` not applied. Each series is forecast from its own rows and its
 * rain gauge's (same domain, district and asset): a filter only selects series, it never changes
 * one's forecast. The engine's thread is given back between series (a city under rain has hundreds
 * of catchments to fit), and `signal` is looked at then.
 */
export async function forecastsAll(db: Database, rules: readonly AlarmRule[], p: Omit<Params, 'limit'>, atMs: number, signal?: AbortSignal, hooks: ForecastHooks = {}): Promise<ForecastView[]> {
  const warn = warningRules(rules);
  if (warn.size === 0) return [];
  const f = filters(p, { domain: 'domain', district: 'district', asset: 'asset' });
  const confirm = FORECAST_CONFIRM_MINUTES * 60_000;
  const from = atMs - DEFAULT_FORECAST.windowMs - confirm;
  const fromRain = atMs - DEFAULT_RAIN_FORECAST.windowMin * 60_000 - confirm;
  // metric names are [a-z0-9_] by the rules' schema and these tables
  const ruled = [...new Set([...warn.values()].map((r) => r.metric))];
  const rained = ruled.filter((m) => RAIN_OF[m] !== undefined);
  const list = (ms: readonly string[]): string => ms.map((m) => `'${m}'`).join(', ') || 'NULL';
  const rows = await db.queryRows(`
    SELECT domain, district, asset, metric, list(epoch_ms(bucket)::DOUBLE ORDER BY bucket) AS t, list(sum / n ORDER BY bucket) AS v
    FROM (SELECT bucket, domain, district, asset, metric, sum(sum) AS sum, sum(n) AS n FROM rollup_1m
          WHERE ((metric IN (${list(ruled)}) AND bucket >= make_timestamptz($from::BIGINT))
              OR (metric IN (${list([...rained, ...rained.map((m) => RAIN_OF[m] as string)])}) AND bucket >= make_timestamptz($fromRain::BIGINT)))
            AND bucket <= make_timestamptz($to::BIGINT) - INTERVAL 1 MINUTE${f.where}
          GROUP BY ALL HAVING sum(n) > 0)
    GROUP BY ALL`, { ...f.values, from: micros(from), fromRain: micros(fromRain), to: micros(atMs) }, { signal });
  // columns come back JSON-encoded when they are lists; a minute's point stands at the minute's end (its data is known then)
  const series = (r: Record<string, unknown>): { t: number[]; v: number[] } => ({
    t: ((typeof r['t'] === 'string' ? JSON.parse(r['t']) : r['t']) as number[]).map((x) => x + 60_000),
    v: (typeof r['v'] === 'string' ? JSON.parse(r['v']) : r['v']) as number[],
  });
  const key = (r: Record<string, unknown>, metric: unknown): string => seriesKey({ domain: String(r['domain']), district: String(r['district']), asset: String(r['asset']), metric: String(metric) });
  const byKey = new Map(rows.map((r) => [key(r, r['metric']), r]));
  const out: ForecastView[] = [];
  let gaveBackAt = performance.now();
  for (const r of rows) {
    const metric = String(r['metric']);
    const rule = warn.get(`${String(r['domain'])}/${metric}`);
    if (!rule) continue;
    if (performance.now() - gaveBackAt >= GIVE_BACK_EVERY_MS) {
      await setImmediate();
      signal?.throwIfAborted();
      gaveBackAt = performance.now();
    }
    hooks.onSeries?.(key(r, metric));
    const { t, v } = series(r);
    const rainRow = RAIN_OF[metric] !== undefined && rule.kind === 'high' ? byKey.get(key(r, RAIN_OF[metric])) : undefined;
    const rain = rainRow ? series(rainRow) : null;
    const fc: BasedForecast | null = rain
      ? confirmedForecastWithRain(t, v, rain.t, rain.v, rule.setpoint, atMs)
      : withTrend(confirmedForecast(t, v, rule.setpoint, rule.kind === 'high' ? 'up' : 'down', atMs));
    if (!fc) continue;
    // a metric and basis the backtest did not judge is not shown
    const reliability = FORECAST_RELIABILITY[`${metric}/${fc.basis}`];
    if (!reliability || reliability.hitRate < FORECAST_MIN_HIT_RATE) continue;
    out.push({
      domain: String(r['domain']), district: String(r['district']), asset: String(r['asset']), metric,
      rule: rule.id, title: rule.title, level: rule.setpoint, atMs, ...fc, reliability,
    });
  }
  return out.sort(forecastOrder);
}

/** The forecasters run at most this long (ms) on the engine's thread before ingest, alarms and other answers get a turn. */
const GIVE_BACK_EVERY_MS = 5;

const withTrend = (f: Forecast | null): BasedForecast | null => (f ? { ...f, basis: 'trend', rainMmH: null } : null);
