import type { DuckDBConnection } from '@duckdb/node-api';
import type { Domain } from '../../common/city.js';
import type { AlarmTransition } from '../../common/ops/alarmTransition.js';

/** What a restart brings back from `alarm_log`: the last two days and every alarm still standing, in order. */
export async function readAlarmsToRestore(conn: DuckDBConnection): Promise<AlarmTransition[]> {
  const rows = (await conn.runAndReadAll(`
    WITH last AS (SELECT point, arg_max(active, ts) AS active FROM alarm_log GROUP BY point)
    SELECT epoch_ms(ts)::DOUBLE AS at_ms, point, rule, priority, domain, district, asset, metric, latching, active, value
    FROM alarm_log
    WHERE ts > now() - INTERVAL 2 DAY OR point IN (SELECT point FROM last WHERE active)
    ORDER BY ts, active`)).getRowObjects();
  return rows.map((row) => ({
    atMs: Number(row['at_ms']), point: String(row['point']), rule: String(row['rule']), priority: row['priority'] as AlarmTransition['priority'],
    domain: row['domain'] as Domain, district: String(row['district']), asset: String(row['asset']), metric: String(row['metric']),
    latching: row['latching'] === true, active: row['active'] === true, value: row['value'] === null ? null : Number(row['value']),
  }));
}
