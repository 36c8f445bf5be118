import type { z } from 'zod';
import type { QUERY_PARAMS } from '../../common/engineApi.js';
import type { Permit } from '../../common/feedSchemas.js';
import { judgeCampaign, type PermitFacts, type PermitsResult } from '../../common/permits/permitRules.js';
import type { HazardStage } from '../../common/vocabulary.js';
import type { Database } from '../store/database.js';
import { filters, micros } from './query.js';

type Params = z.infer<(typeof QUERY_PARAMS)['permits']>;

/**
 * Every building and construction site of the registry as it stood at `atMs` (its latest version
 * then), with its newest permits record up to then (null when none came: not checked yet). Both
 * read with arg_max: registry and permits are republished, and a window function costs ~30×.
 */
export async function permitFacts(db: Database, p: Params, atMs: number, signal?: AbortSignal): Promise<PermitFacts[]> {
  const f = filters(p, { domain: 'domain', district: 'district' });
  const rows = await db.queryRows(`
    WITH a AS (SELECT domain, district, asset, arg_max({name: name, lat: lat, lon: lon}, (ts, received_at)) AS r
               FROM asset_versions WHERE ts <= make_timestamptz($t::BIGINT) AND domain IN ('building', 'construction')${f.where} GROUP BY ALL),
         pv AS (SELECT domain, district, asset, arg_max({ts: epoch_ms(ts)::DOUBLE, use: use, permits: permits::VARCHAR}, (ts, received_at)) AS v
                FROM permit_versions WHERE ts <= make_timestamptz($t::BIGINT)${f.where} GROUP BY ALL)
    SELECT a.domain, a.district, a.asset, a.r.name AS name, a.r.lat AS lat, a.r.lon AS lon, pv.v.ts AS pts, pv.v.use AS use, pv.v.permits AS permits
    FROM a LEFT JOIN pv USING (domain, district, asset)
    ORDER BY a.domain, a.district, a.asset`, { ...f.values, t: micros(atMs) }, { signal });
  return rows.map((r) => ({
    domain: String(r['domain']), district: String(r['district']), asset: String(r['asset']), name: String(r['name']),
    lat: Number(r['lat']), lon: Number(r['lon']),
    record: typeof r['permits'] === 'string'
      ? { tsMs: Number(r['pts']), use: typeof r['use'] === 'string' ? r['use'] : null, permits: JSON.parse(r['permits']) as Permit[] }
      : null,
  }));
}

/** The permit campaign at `atMs`: findings with their departments and cases, progress per district (docs/permits.md). */
export async function permits(db: Database, p: Params, atMs: number, stageOf: (id: string) => HazardStage | null, signal?: AbortSignal): Promise<PermitsResult> {
  const r = judgeCampaign(await permitFacts(db, p, atMs, signal), atMs, stageOf, 5000);
  const findings = r.findings.filter((x) => p.kind === undefined || x.kind === p.kind).slice(0, p.limit);
  return { ...r, findings };
}
