import type { DuckDBConnection } from '@duckdb/node-api';
import { ROLLUPS } from './batchWriter.js';

export interface RetentionOptions {
  /** Raw readings, events, inspections and quarantine rows are kept this many days. */
  rawDays: number;
  /** 10-second rollups are kept this many days; 1-minute ones `rollup1mDays`; 1-hour ones forever. */
  rollup10sDays: number;
  rollup1mDays: number;
}

export const DEFAULT_RETENTION: RetentionOptions = { rawDays: 30, rollup10sDays: 30, rollup1mDays: 400 };

/** How far back the first compaction after a start looks for partial rollup rows to merge. */
const FIRST_LOOKBACK_MS = 3_600_000;

/**
 * Merges the partial rollup rows of buckets that closed since the previous run (`done` remembers
 * where each level stopped), so the rollup tables stay small. Late data for older buckets only adds
 * a partial row, which queries sum: aggregates stay correct at every moment.
 */
export async function compactRollups(conn: DuckDBConnection, nowMs: number, done: Map<string, number> = new Map()): Promise<number> {
  let merged = 0;
  for (const r of ROLLUPS) {
    // only buckets that closed since the previous run: each run touches about one interval of rows
    const hi = Math.floor((nowMs - 2 * r.widthMs) / r.widthMs) * r.widthMs;
    const lo = Math.min(done.get(r.table) ?? hi - Math.max(FIRST_LOOKBACK_MS, 2 * r.widthMs), hi - r.widthMs);
    done.set(r.table, hi);
    const stamp = nowMs;
    const range = { lo: lo * 1000, hi: hi * 1000, stamp: stamp * 1000 };
    await conn.run('BEGIN TRANSACTION');
    try {
      const res = await conn.run(`
        INSERT INTO ${r.table}
        SELECT bucket, ${r.keys}, sum(n), sum(sum), min(min), max(max), max(last_ts),
               arg_max(last_value, last_ts), sum(n_bad), make_timestamptz($stamp::BIGINT)
        FROM ${r.table}
        WHERE bucket >= make_timestamptz($lo::BIGINT) AND bucket < make_timestamptz($hi::BIGINT)
        GROUP BY bucket, ${r.keys}
        HAVING count(*) > 1`, range);
      merged += Number(res.rowsChanged);
      await conn.run(`
        DELETE FROM ${r.table} t USING (
          SELECT bucket, ${r.keys} FROM ${r.table}
          WHERE merged_at = make_timestamptz($stamp::BIGINT)
            AND bucket >= make_timestamptz($lo::BIGINT) AND bucket < make_timestamptz($hi::BIGINT)
        ) m
        WHERE t.bucket = m.bucket AND ${r.keys.split(', ').map((k) => `t.${k} = m.${k}`).join(' AND ')}
          AND t.merged_at IS DISTINCT FROM make_timestamptz($stamp::BIGINT)`, range);
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }
  return merged;
}

/** Deletes what is older than its retention. Rows only: no DDL ever runs here. */
export async function applyRetention(conn: DuckDBConnection, nowMs: number, o: RetentionOptions): Promise<void> {
  const day = 86_400_000;
  const cut = (days: number): { c: number } => ({ c: (nowMs - days * day) * 1000 });
  await conn.run('DELETE FROM readings WHERE ts < make_timestamptz($c::BIGINT)', cut(o.rawDays));
  await conn.run('DELETE FROM events WHERE ts < make_timestamptz($c::BIGINT)', cut(o.rawDays));
  await conn.run('DELETE FROM inspections WHERE ts < make_timestamptz($c::BIGINT)', cut(o.rawDays));
  await conn.run('DELETE FROM quarantine WHERE received_at < make_timestamptz($c::BIGINT)', cut(o.rawDays));
  await conn.run('DELETE FROM rollup_10s WHERE bucket < make_timestamptz($c::BIGINT)', cut(o.rollup10sDays));
  await conn.run('DELETE FROM rollup_1m WHERE bucket < make_timestamptz($c::BIGINT)', cut(o.rollup1mDays));
  await conn.run('DELETE FROM rollup_district_1m WHERE bucket < make_timestamptz($c::BIGINT)', cut(o.rollup1mDays));
}
