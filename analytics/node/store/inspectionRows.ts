import type { Domain } from '../../common/city.js';
import type { FailedInspection } from '../../common/ops/hazardCases.js';
import type { Database } from './database.js';

export interface InspectionCountRow {
  domain: string;
  district: string;
  asset: string;
  failed: number;
  passed: number;
}

/** Failed and passed inspections per asset over the last 30 days (the risk register's evidence). */
export async function readInspectionCounts(db: Database): Promise<InspectionCountRow[]> {
  const rows = await db.queryRows(`SELECT domain, district, asset, count(*) FILTER (WHERE result = 'fail') AS failed,
      count(*) FILTER (WHERE result = 'pass') AS passed FROM inspections WHERE ts > now() - INTERVAL 30 DAY GROUP BY ALL`);
  return rows.map((r) => ({ domain: String(r['domain']), district: String(r['district']), asset: String(r['asset']), failed: Number(r['failed']), passed: Number(r['passed']) }));
}

/** Failed inspection items of the last 30 days, oldest first: each raises its hazard again after a restart. */
export async function readFailedInspections(db: Database): Promise<FailedInspection[]> {
  const rows = await db.queryRows(`SELECT epoch_ms(ts)::DOUBLE AS ts, domain, district, msg_id, asset, item, level, note, inspector
    FROM inspections WHERE result = 'fail' AND ts > now() - INTERVAL 30 DAY ORDER BY ts`);
  return rows.map((r) => ({
    id: String(r['msg_id']), tsMs: Number(r['ts']), domain: r['domain'] as Domain, district: String(r['district']), asset: String(r['asset']), item: String(r['item']),
    level: r['level'] === 'major' ? 'major' : 'general', inspector: String(r['inspector']), note: r['note'] === null ? null : String(r['note']),
  }));
}
