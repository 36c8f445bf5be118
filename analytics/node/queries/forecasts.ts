import type { z } from 'zod';
import type { AlarmRule } from '../../common/alarms/alarmRules.js';
import type { QUERY_PARAMS } from '../../common/engineApi.js';
import { confirmedForecast, DEFAULT_FORECAST, FORECAST_CONFIRM_MINUTES, FORECAST_METRICS, type ForecastView } from '../../common/forecast.js';
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
 * known then).
 */
export async function forecasts(db: Database, rules: readonly AlarmRule[], p: Params, atMs: number, signal?: AbortSignal): Promise<ForecastView[]> {
  const warn = warningRules(rules);
  if (warn.size === 0) return [];
  const f = filters(p, { domain: 'domain', district: 'district', asset: 'asset' });
  const from = atMs - DEFAULT_FORECAST.windowMs - FORECAST_CONFIRM_MINUTES * 60_000;
  // metric names are [a-z0-9_] by the rules' schema
  const metrics = [...new Set([...warn.values()].map((r) => r.metric))].map((m) => `'${m}'`).join(', ');
  const rows = await db.queryRows(`
    SELECT domain, district, asset, metric, list(epoch_ms(bucket)::DOUBLE ORDER BY bucket) AS t, list(sum / n ORDER BY bucket) AS v
    FROM (SELECT bucket, domain, district, asset, metric, sum(sum) AS sum, sum(n) AS n FROM rollup_1m
          WHERE metric IN (${metrics}) AND bucket >= make_timestamptz($from::BIGINT) AND bucket <= make_timestamptz($to::BIGINT) - INTERVAL 1 MINUTE${f.where}
          GROUP BY ALL HAVING sum(n) > 0)
    GROUP BY ALL`, { ...f.values, from: micros(from), to: micros(atMs) }, { signal });
  const out: ForecastView[] = [];
  for (const r of rows) {
    const rule = warn.get(`${String(r['domain'])}/${String(r['metric'])}`);
    if (!rule) continue;
    // columns come back JSON-encoded when they are lists
    const t = (typeof r['t'] === 'string' ? JSON.parse(r['t']) : r['t']) as number[];
    const v = (typeof r['v'] === 'string' ? JSON.parse(r['v']) : r['v']) as number[];
    // a minute's point stands at the minute's end: the data of the minute is known then
    const fc = confirmedForecast(t.map((x) => x + 60_000), v, rule.setpoint, rule.kind === 'high' ? 'up' : 'down', atMs);
    if (!fc) continue;
    out.push({
      domain: String(r['domain']), district: String(r['district']), asset: String(r['asset']), metric: String(r['metric']),
      rule: rule.id, title: rule.title, level: rule.setpoint, atMs, ...fc,
    });
  }
  return out.sort((a, b) => a.etaMs - b.etaMs).slice(0, p.limit);
}
