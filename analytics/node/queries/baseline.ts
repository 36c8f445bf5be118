import type { z } from 'zod';
import { judgeBaseline, type BaselineAsset, type BaselineResult, type BaselineTrendPoint } from '../../common/baseline.js';
import type { QUERY_PARAMS } from '../../common/engineApi.js';
import { contains, loadDistrictShapes, type DistrictShape } from '../sim/geo.js';
import type { Database } from '../store/database.js';
import { filters, micros } from './query.js';

type Params = z.infer<(typeof QUERY_PARAMS)['baseline']>;

let shapes: Map<string, DistrictShape> | null = null;

/** The districts' boundaries (bundled GeoJSON), read once. */
function districtShapes(): Map<string, DistrictShape> {
  shapes ??= new Map(loadDistrictShapes().map((s) => [s.code, s]));
  return shapes;
}

/**
 * The facts of every asset of the registry as it stood at `atMs`: its latest version then, its
 * newest inspection up to then, its newest reading in the hour before, and whether its kind is
 * monitored (some asset of the kind reported in the day before). Rollups hold each hour's newest
 * reading: the hour before `atMs` is read from them, not from the raw readings, except the
 * readings committed since the last rollup pass (found by batch number: the newest row groups).
 */
export async function baselineFacts(db: Database, p: Params, atMs: number, signal?: AbortSignal): Promise<BaselineAsset[]> {
  const f = filters(p, { domain: 'domain', district: 'district' });
  const rows = await db.queryRows(`
    -- each asset's latest version up to t (arg_max over a registry republished every few minutes: ~30× a window function)
    WITH a AS (SELECT domain, district, asset,
                      arg_max({name: name, kind: kind, lat: lat, lon: lon, owner: owner, supervisor: supervisor, approver: approver}, (ts, received_at)) AS r
               FROM asset_versions WHERE ts <= make_timestamptz($t::BIGINT)${f.where} GROUP BY ALL),
         i AS (SELECT domain, district, asset, epoch_ms(max(ts))::DOUBLE AS last_inspection FROM inspections
               WHERE ts <= make_timestamptz($t::BIGINT)${f.where} GROUP BY ALL),
         -- what the rollups do not hold yet: the batches committed since the last rollup pass (seconds of data)
         fresh AS (SELECT domain, district, asset, max(ts) AS last_ts FROM readings
                   WHERE batch_no > (SELECT rolled_batch FROM ingest_totals) AND ts <= make_timestamptz($t::BIGINT)
                     AND ts >= make_timestamptz($t::BIGINT) - INTERVAL 1 HOUR GROUP BY ALL),
         r AS (SELECT domain, district, asset, epoch_ms(max(last_ts))::DOUBLE AS last_reading FROM (
                 SELECT domain, district, asset, last_ts FROM rollup_1h
                 WHERE bucket >= make_timestamptz($t::BIGINT) - INTERVAL 2 HOUR AND bucket <= make_timestamptz($t::BIGINT)
                   AND last_ts <= make_timestamptz($t::BIGINT)
                 UNION ALL SELECT domain, district, asset, last_ts FROM fresh)
               WHERE true${f.where} GROUP BY ALL),
         day AS (SELECT DISTINCT domain, district, asset FROM rollup_1h
                 WHERE bucket >= make_timestamptz($t::BIGINT) - INTERVAL 25 HOUR AND bucket <= make_timestamptz($t::BIGINT) AND last_ts <= make_timestamptz($t::BIGINT)
                 UNION SELECT domain, district, asset FROM fresh),
         m AS (SELECT DISTINCT a.domain, a.r.kind AS kind FROM a JOIN day USING (domain, district, asset))
    SELECT a.domain, a.district, a.asset, a.r.name AS name, a.r.kind AS kind, a.r.lat AS lat, a.r.lon AS lon, a.r.owner AS owner,
           a.r.supervisor AS supervisor, a.r.approver AS approver, i.last_inspection, r.last_reading, m.kind IS NOT NULL AS monitored
    FROM a LEFT JOIN i USING (domain, district, asset) LEFT JOIN r USING (domain, district, asset)
           LEFT JOIN m ON m.domain = a.domain AND m.kind = a.r.kind
    ORDER BY a.domain, a.district, a.asset`, { ...f.values, t: micros(atMs) }, { signal });
  const sh = districtShapes();
  return rows.map((r) => {
    const shape = sh.get(String(r['district']));
    const lat = Number(r['lat']);
    const lon = Number(r['lon']);
    const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
    return {
      domain: String(r['domain']), district: String(r['district']), asset: String(r['asset']), name: String(r['name']), kind: String(r['kind']),
      owner: String(r['owner']), supervisor: String(r['supervisor']), approver: typeof r['approver'] === 'string' ? r['approver'] : null,
      // a district without a bundled boundary cannot be judged on location: not counted as a gap
      located: shape === undefined ? true : contains(shape, lon, lat),
      lastInspectionMs: num(r['last_inspection']), lastReadingMs: num(r['last_reading']), monitored: r['monitored'] === true,
    };
  });
}

/** The ends of the `days` days before the day of `atMs` (local midnights), oldest first. */
export function dayEnds(atMs: number, days: number): number[] {
  const d = new Date(atMs);
  const midnight = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const out: number[] = [];
  for (let k = days - 1; k >= 0; k--) {
    const end = new Date(midnight);
    end.setDate(end.getDate() - k);
    out.push(end.getTime());
  }
  return out;
}

/** 摸清底数 at `atMs`, with the completeness at the end of each of the days before (the trend). */
export async function baseline(db: Database, p: Params, atMs: number, signal?: AbortSignal): Promise<BaselineResult> {
  const now = judgeBaseline(await baselineFacts(db, p, atMs, signal), atMs, p.limit);
  const trend: BaselineTrendPoint[] = [];
  for (const t of dayEnds(atMs, p.days - 1)) {
    signal?.throwIfAborted();
    const j = judgeBaseline(await baselineFacts(db, p, t, signal), t, 0);
    trend.push({ atMs: t, assets: j.assets, complete: j.complete });
  }
  trend.push({ atMs, assets: now.assets, complete: now.complete });
  return { ...now, trend };
}
