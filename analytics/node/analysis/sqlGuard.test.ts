import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardSql, SqlRefused, type Offered } from './sqlGuard.js';

let inst: DuckDBInstance;
let c: DuckDBConnection;
let offered: Offered;

beforeAll(async () => {
  inst = await DuckDBInstance.create(':memory:');
  c = await inst.connect();
  await c.run('CREATE TABLE t (a INTEGER, b VARCHAR)');
  // a view that reads a host file: the parse tree names only `v`, the plan shows what it reads
  await c.run("CREATE VIEW v AS SELECT * FROM read_csv('/etc/hosts', header = false, columns = {'line': 'VARCHAR'}, delim = '\\t')");
  const fns = (await c.runAndReadAll("SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE function_type IN ('scalar', 'aggregate', 'macro')")).getRows();
  offered = { tables: new Set(['t', 'v']), macros: new Set(), functions: new Set(fns.map((r) => String(r[0]))) };
});
afterAll(() => {
  c.closeSync();
  inst.closeSync();
});

const verdict = async (sql: string, allowParquetScan = false): Promise<string> => {
  try {
    await guardSql(c, sql, { offered, allowParquetScan });
    return 'ok';
  } catch (e) {
    return e instanceof SqlRefused ? e.code : `error: ${e instanceof Error ? e.message : String(e)}`;
  }
};

describe('the SQL guard', () => {
  it('finds in the physical plan what the parse tree does not show: a view that reads a file', async () => {
    expect(await verdict('SELECT * FROM v')).toBe('external');
    expect(await verdict('SELECT count(*) FROM t WHERE b IN (SELECT line FROM v)')).toBe('external');
    expect(await verdict('SELECT * FROM t')).toBe('ok');
  });

  it('reads subqueries, set operations, lateral joins and lambdas all the way down', async () => {
    expect(await verdict("SELECT (SELECT count(*) FROM read_csv('/etc/passwd')) AS n")).toBe('external');
    expect(await verdict("SELECT a FROM t UNION ALL SELECT 1 FROM glob('/etc/*')")).toBe('external');
    expect(await verdict("SELECT * FROM t, LATERAL (SELECT * FROM read_text('/etc/hostname')) x")).toBe('external');
    expect(await verdict("SELECT list_transform([1, 2], x -> x + (SELECT count(*) FROM duckdb_settings()))")).toBe('not_offered');
    expect(await verdict("SELECT * FROM t WHERE EXISTS (SELECT 1 FROM 'x.csv')")).toBe('external');
    expect(await verdict('SELECT list_transform([1, 2], x -> x + 1), [a, 2], {k: b} FROM t')).toBe('ok');
  });

  it('takes unnest as the parser\'s built-in it is (not in the function catalog), and a made-up function still not', async () => {
    expect(await verdict("SELECT unnest(generate_series(now() - INTERVAL 2 HOUR, now(), INTERVAL 1 HOUR)) AS hour")).toBe('ok');
    expect(await verdict('SELECT unlist([1, 2]) AS x')).toBe('ok');
    expect(await verdict('SELECT unnest_files(1) AS x')).toBe('not_offered');
  });

  it('refuses a file name even when a CTE bears it, and qualified names other than main', async () => {
    // a quoted name that is a CTE's is the CTE; one that looks like a file is refused even when a CTE bears it
    expect(await verdict("WITH x AS (SELECT 1) SELECT * FROM 'x'")).toBe('ok');
    expect(await verdict(`WITH "x.csv" AS (SELECT 1) SELECT * FROM 'x.csv'`)).toBe('external');
    expect(await verdict('SELECT * FROM main.t')).toBe('ok');
    expect(await verdict('SELECT * FROM memory.main.t')).toBe('not_offered');
    expect(await verdict('SELECT * FROM temp.main.t')).toBe('not_offered');
    expect(await verdict('SELECT main.abs(-1)')).toBe('ok');
    expect(await verdict('SELECT system.main.abs(-1)')).toBe('not_offered');
  });

  it('survives statements nested as deep as 20,000 characters allow (an error, never a crash)', async () => {
    const parens = `SELECT ${'('.repeat(9000)}1${')'.repeat(9000)}`;
    expect(typeof (await verdict(parens))).toBe('string');
    const subqueries = `SELECT * FROM ${'(SELECT * FROM '.repeat(1240)}t${')'.repeat(1240)}`;
    expect(subqueries.length).toBeLessThanOrEqual(20_000);
    expect(typeof (await verdict(subqueries))).toBe('string');
    const lists = `SELECT ${'['.repeat(6000)}1${']'.repeat(6000)}`;
    expect(typeof (await verdict(lists))).toBe('string');
  });

  it('over a bundle, READ_PARQUET in the plan is the bundle itself; nothing else is', async () => {
    expect(await verdict('SELECT * FROM v', true)).toBe('external');
  });
});
