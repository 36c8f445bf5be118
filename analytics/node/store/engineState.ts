import type { DuckDBConnection } from '@duckdb/node-api';
import type { FeedFreshness } from '../../common/engineApi.js';
import type { FeedKind } from '../../common/city.js';
import type { IdKind } from '../ingest/idMemory.js';
import type { IngestCounts } from './batch.js';
import { micros } from '../../common/vocabulary.js';

/** What the engine reloads from its own file at start. */

export async function loadTotals(conn: DuckDBConnection): Promise<IngestCounts> {
  const r = (await conn.runAndReadAll('SELECT received, stored, quarantined, duplicates FROM ingest_totals')).getRowObjects()[0] ?? {};
  return { received: Number(r['received'] ?? 0), stored: Number(r['stored'] ?? 0), quarantined: Number(r['quarantined'] ?? 0), duplicates: Number(r['duplicates'] ?? 0) };
}

/**
 * The newest reading, event and inspection ids, each with its kind (the id memory keeps kinds
 * apart), so repeats keep being dropped across restarts.
 */
export async function loadIds(conn: DuckDBConnection, hours: number, limit: number): Promise<[IdKind, string][]> {
  const since = { c: micros(Date.now() - hours * 3_600_000) };
  const out: [IdKind, string][] = [];
  const r = await conn.runAndReadAll(
    `SELECT msg_id FROM (SELECT msg_id, received_at FROM readings WHERE received_at >= make_timestamptz($c::BIGINT)
       ORDER BY received_at DESC LIMIT ${limit}) ORDER BY received_at`, since);
  for (const row of r.getRows()) out.push(['reading', String(row[0])]);
  for (const [table, kind] of [['events', 'event'], ['inspections', 'inspection']] as const) {
    const e = await conn.runAndReadAll(`SELECT msg_id FROM ${table} WHERE received_at >= make_timestamptz($c::BIGINT)`, since);
    for (const row of e.getRows()) out.push([kind, String(row[0])]);
  }
  return out;
}

export async function loadFreshness(conn: DuckDBConnection): Promise<FeedFreshness[]> {
  const r = await conn.runAndReadAll(
    'SELECT kind, domain, district, epoch_ms(last_seen) AS s, epoch_ms(last_ts) AS t, expected_interval_ms AS i, messages FROM feed_freshness');
  return r.getRowObjects().map((o) => ({
    kind: String(o['kind']) as FeedKind, domain: String(o['domain']), district: String(o['district']),
    lastSeenMs: Number(o['s']), lastTsMs: Number(o['t']), expectedIntervalMs: Number(o['i']), messages: Number(o['messages']),
    ageMs: 0, state: 'fresh',
  }));
}

/** feed_freshness is small (one row per feed) and rewritten whole in one transaction. */
export async function saveFreshness(conn: DuckDBConnection, feeds: FeedFreshness[]): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run('DELETE FROM feed_freshness');
    if (feeds.length > 0) {
      const values = feeds.map((_, i) =>
        `($k${i}, $d${i}, $r${i}, make_timestamptz($s${i}::BIGINT), make_timestamptz($t${i}::BIGINT), $i${i}, $m${i})`).join(', ');
      const params: Record<string, string | number | bigint> = {};
      feeds.forEach((f, i) => {
        params[`k${i}`] = f.kind; params[`d${i}`] = f.domain; params[`r${i}`] = f.district;
        params[`s${i}`] = micros(f.lastSeenMs); params[`t${i}`] = micros(f.lastTsMs);
        params[`i${i}`] = f.expectedIntervalMs; params[`m${i}`] = BigInt(f.messages);
      });
      await conn.run(`INSERT INTO feed_freshness VALUES ${values}`, params);
    }
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
