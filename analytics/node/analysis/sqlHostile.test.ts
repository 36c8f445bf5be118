import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../store/database.js';
import { QueryRefused } from '../queries/queryGate.js';
import { tempDir } from '../../../dev/testing/harness.js';
import { DbSavedQueries } from './savedQueries.js';
import { SqlQueryError, SqlRefused } from './sqlGuard.js';
import { DEFAULT_SQL_LIMITS, SqlWorkbench } from './sqlWorkbench.js';

const tmp = tempDir();
let db: Database;
let wb: SqlWorkbench;

beforeAll(async () => {
  db = await Database.open(`${tmp.dir}/hostile.duckdb`);
  await db.writer.run(`INSERT INTO readings SELECT make_timestamptz(1790000000000000 + i * 1000000), 'gas', '420302', 'a' || (i % 7), 'lel_pct', i % 13, NULL, 'good', 'r' || i, i, now(), 1 FROM range(500) t(i)`);
  wb = new SqlWorkbench({
    source: 'live', connect: () => db.connectOwn(), limits: { ...DEFAULT_SQL_LIMITS, timeoutMs: 2000 }, nowSql: () => 'now()', allowParquetScan: false, timeZone: 'UTC',
    saved: new DbSavedQueries((fn) => fn(db.writer), (sql) => db.queryRows(sql)),
  });
});
afterAll(async () => {
  await wb?.close();
  db?.close();
  tmp.remove();
});

async function fingerprint(): Promise<string> {
  const r = await db.queryRows(`SELECT (SELECT count(*) FROM readings)::BIGINT AS n, (SELECT sum(hash(msg_id, value))::VARCHAR FROM readings) AS h,
    (SELECT count(*) FROM duckdb_tables() WHERE NOT internal)::BIGINT AS tables, (SELECT count(*) FROM duckdb_views() WHERE NOT internal)::BIGINT AS views,
    (SELECT count(*) FROM duckdb_databases())::BIGINT AS dbs, current_setting('memory_limit') AS mem, current_setting('threads')::VARCHAR AS threads`);
  return JSON.stringify(r[0]);
}

/** Pieces of statements an attacker would put together: keywords, separators, comments, quotes, paths, unicode. */
const PIECES = [
  'SELECT', '*', 'FROM', 'readings', 'events', ' ', ';', '--', '\n', '/*', '*/', "'", '"', '(', ')', ',', '1', 'count(*)', 'WHERE', 'value > 3',
  'DELETE', 'DROP TABLE readings', 'UPDATE readings SET value = 0', 'INSERT INTO readings', 'CREATE TABLE x AS', 'COPY', 'TO', "'/tmp/x.csv'",
  'ATTACH', "'/tmp/o.duckdb'", 'DETACH', 'SET', 'threads = 64', "memory_limit = '99GB'", 'PRAGMA', 'INSTALL httpfs', 'LOAD httpfs', 'CALL',
  "read_csv('/etc/passwd')", "'/etc/passwd'", "read_text('/etc/hostname')", "glob('/*')", "query('DROP TABLE readings')", 'duckdb_settings()',
  'information_schema.tables', 'WITH t AS (SELECT 1)', 'UNION ALL', 'EXPLAIN', 'BEGIN', 'COMMIT', 'ROLLBACK', 'CHECKPOINT', 'VACUUM', 'EXPORT DATABASE',
  '十堰', '𝄞', '\u0000', '\\', '$1', '?', 'range(10)', 'unnest([1,2])', 'SUMMARIZE', 'DESCRIBE', 'SHOW TABLES', 'USE', 'RESET', 'getenv(\'HOME\')',
];
const statement = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 14 }).map((xs) => xs.join(' '));

describe('hostile statements', () => {
  it('any mix of keywords, separators, comments, paths and unicode is answered or refused, never a crash, the database unchanged', async () => {
    const before = await fingerprint();
    const owner = {};
    let n = 0;
    await fc.assert(fc.asyncProperty(statement, async (sql) => {
      try {
        await wb.run(owner, { runId: `h${n++}`, sql, maxRows: 100 });
      } catch (e) {
        // only the console's own answers: a refusal with its reason, DuckDB's error, a limit
        if (!(e instanceof SqlRefused || e instanceof SqlQueryError || e instanceof QueryRefused)) throw e;
        if (e instanceof SqlRefused) expect(e.detail.length).toBeGreaterThan(5);
      }
    }), { numRuns: 400, seed: 13 });
    expect(await fingerprint()).toBe(before);
  });
});
