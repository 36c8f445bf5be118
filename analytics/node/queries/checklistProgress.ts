import type { z } from 'zod';
import type { ChecklistProgress, Checklists } from '../../common/checklists.js';
import type { QUERY_PARAMS } from '../../common/engineApi.js';
import type { HazardView } from '../../common/ops/controlRoomViews.js';
import type { Database } from '../store/database.js';
import { ASSETS_AS_OF } from './query.js';

type Params = z.infer<(typeof QUERY_PARAMS)['checklist']>;

/**
 * 排查进度: per domain and district, assets inspected in the window, findings, failures, open cases,
 * per checklist item. The counts come from DuckDB; the open cases from the control room's state.
 */
export async function checklistProgress(db: Database, p: Params, checklists: Checklists, openHazards: () => readonly (HazardView & { overdue: boolean })[], asOfMs?: number): Promise<ChecklistProgress[]> {
  // as of an instant (replay): the window ends there and the registry is the one then
  const window = asOfMs === undefined ? `ts > now() - INTERVAL ${p.days} DAY` : `ts > make_timestamptz($h::BIGINT) - INTERVAL ${p.days} DAY AND ts <= make_timestamptz($h::BIGINT)`;
  const where = `${window}${p.domain ? ' AND domain = $domain' : ''}${p.district ? ' AND district = $district' : ''}`;
  const values: Record<string, string | bigint> = asOfMs === undefined ? {} : { h: BigInt(Math.floor(asOfMs)) * 1000n };
  const assets = asOfMs === undefined ? 'assets' : ASSETS_AS_OF;
  if (p.domain) values['domain'] = p.domain;
  if (p.district) values['district'] = p.district;
  const assetWhere = `true${p.domain ? ' AND domain = $domain' : ''}${p.district ? ' AND district = $district' : ''}`;
  const rows = await db.queryRows(`
    WITH a AS (SELECT domain, district, count(*) AS assets FROM ${assets} WHERE ${assetWhere} GROUP BY ALL),
         i AS (SELECT domain, district, count(DISTINCT asset) AS inspected, count(*) AS findings, count(*) FILTER (WHERE result = 'fail') AS failed
               FROM inspections WHERE ${where} GROUP BY ALL)
    SELECT coalesce(a.domain, i.domain) AS domain, coalesce(a.district, i.district) AS district, coalesce(a.assets, 0) AS assets,
           coalesce(i.inspected, 0) AS inspected, coalesce(i.findings, 0) AS findings, coalesce(i.failed, 0) AS failed
    FROM a FULL JOIN i ON a.domain = i.domain AND a.district = i.district ORDER BY 1, 2`, values);
  const itemRows = await db.queryRows(`SELECT domain, district, item, count(*) AS checked, count(*) FILTER (WHERE result = 'fail') AS failed
    FROM inspections WHERE ${where} GROUP BY ALL`, values);
  const byKey = new Map<string, Map<string, { checked: number; failed: number }>>();
  for (const r of itemRows) {
    const k = `${String(r['domain'])}/${String(r['district'])}`;
    const m = byKey.get(k) ?? new Map<string, { checked: number; failed: number }>();
    m.set(String(r['item']), { checked: Number(r['checked']), failed: Number(r['failed']) });
    byKey.set(k, m);
  }
  // the open cases as of the answer, after the SQL
  const open = openHazards();
  return rows.map((r) => {
    const domain = String(r['domain']);
    const district = String(r['district']);
    const m = byKey.get(`${domain}/${district}`);
    const list = checklists.find((c) => c.domain === domain)?.items ?? [];
    const hz = open.filter((h) => h.domain === domain && h.district === district);
    return {
      domain, district, assets: Number(r['assets']), inspectedAssets: Number(r['inspected']), findings: Number(r['findings']), failed: Number(r['failed']),
      openHazards: hz.length, overdueHazards: hz.filter((h) => h.overdue).length,
      items: list.map((it) => ({ ...it, checked: m?.get(it.zh)?.checked ?? 0, failed: m?.get(it.zh)?.failed ?? 0 })),
    };
  });
}
