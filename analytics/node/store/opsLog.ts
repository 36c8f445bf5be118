import type { DuckDBConnection } from '@duckdb/node-api';
import type { Applied } from '../../common/ops/controlRoomViews.js';
import type { OpsEvent } from '../../common/ops/opsEvents.js';

/** One operator event as this engine applied it, in the order of application. */
export interface OpsLogRow {
  event: OpsEvent;
  streamSeq: number | null;
  applied: Applied;
  appliedAtMs: number;
}

/** The ids already logged (an engine that starts again reads the whole OPS stream again). */
export async function readOpsLogIds(c: DuckDBConnection): Promise<Set<string>> {
  const rows = (await c.runAndReadAll('SELECT id FROM ops_log')).getRows();
  return new Set(rows.map((r) => String(r[0])));
}

/** Appends applied operator events (their order of application is kept by `applied_at`, then `stream_seq`). */
export async function insertOpsLog(c: DuckDBConnection, rows: readonly OpsLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  const stmt = await c.prepare(`INSERT INTO ops_log VALUES (make_timestamp($ts::BIGINT * 1000), $id, $kind, $device, $role, $seq, $ok, $reason, $payload, make_timestamp($at::BIGINT * 1000))`);
  for (const r of rows) {
    stmt.bind({
      ts: r.event.ts, id: r.event.id, kind: r.event.action.kind, device: r.event.device, role: r.event.role,
      seq: r.streamSeq === null ? null : BigInt(r.streamSeq), ok: r.applied.ok, reason: r.applied.reason,
      payload: JSON.stringify(r.event), at: r.appliedAtMs,
    });
    await stmt.run();
  }
}

/** Every logged event up to `toMs` (event time), in the order they were applied. */
export async function readOpsLog(c: DuckDBConnection, toMs: number): Promise<OpsEvent[]> {
  const rows = (await c.runAndReadAll(`SELECT payload FROM ops_log WHERE ts <= make_timestamp($to::BIGINT * 1000) ORDER BY applied_at, stream_seq NULLS LAST`, { to: toMs })).getRows();
  return rows.map((r) => JSON.parse(String(r[0])) as OpsEvent);
}
