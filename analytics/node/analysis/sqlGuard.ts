import { DuckDBInstance, StatementType, type DuckDBConnection } from '@duckdb/node-api';
import type { SqlRefusalCode } from '../../common/analysis.js';

/**
 * The SQL console's guard (docs/analysis.md, "SQL console"): what an analyst's statement may be
 * before it runs. Every input is hostile (a browser tab on the operator's machine), so the guard
 * answers from DuckDB's own parser, never from a regular expression over the text:
 *
 * 1. exactly one statement (DuckDB's statement extraction counts them: `several`, `empty`);
 * 2. a SELECT (only SELECT statements serialise to a parse tree with `json_serialize_sql`); any
 *    other statement is classified by its prepared statement type in a sandbox (an empty in-memory
 *    DuckDB with external access off): writes are `write`, everything else (SET, PRAGMA, ATTACH,
 *    INSTALL, LOAD, CALL, transactions, EXPORT …) `setting`;
 * 3. every table the tree names is one the workbench offers (the main schema's tables and views,
 *    the query's own CTEs), never another catalog or schema (`not_offered`) nor a string or path
 *    (a replacement scan such as `FROM '/etc/passwd'`: `external`); every table function is in a
 *    small allowlist or one of the offered table macros (read_csv, read_parquet, glob …: `external`;
 *    anything else `not_offered`); every scalar function exists already (no extension is loaded
 *    on demand) and is not one of the few that only wait (`sleep_ms`, `pg_sleep`);
 * 4. the physical plan (`EXPLAIN (FORMAT json)`) holds no file-reading operator (a bundle's views
 *    read its own Parquet files: there READ_PARQUET is the bundle itself).
 */

/** A statement refused before it ran, with the code the UI translates and an English detail. */
export class SqlRefused extends Error {
  constructor(readonly code: SqlRefusalCode, readonly detail: string) {
    super(detail);
    this.name = 'SqlRefused';
  }
}

/** What the workbench offers to an analyst's SELECT (lower-case names). */
export interface Offered {
  /** Tables and views of the main schema. */
  tables: ReadonlySet<string>;
  /** Table macros (the correlation's TEMP macros). */
  macros: ReadonlySet<string>;
  /** Every function name DuckDB knows right now (scalar, aggregate, macro): anything else would load an extension. */
  functions: ReadonlySet<string>;
}

/** Table functions any query may use: they make rows out of their arguments and read nothing. */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['range', 'generate_series', 'unnest']);
/** Functions the parser knows that the function catalog does not list. */
const BUILT_IN_SCALARS: ReadonlySet<string> = new Set(['unnest', 'unlist']);
/** Scalar functions refused although they exist: they only hold a thread (the time limit would end them, but why start). */
const REFUSED_SCALARS: ReadonlySet<string> = new Set(['sleep_ms', 'pg_sleep']);
/** Table functions that read files, URLs or other databases. */
const EXTERNAL_TABLE_FUNCTION = /^(read_|parquet_|sniff_csv|glob|scan_|st_read|iceberg|delta_|sqlite_|postgres_|mysql_|arrow_scan|query$|query_table$|csv_|json_)/;
/** Plan operators (or their `Function`) that read files; READ_PARQUET is allowed over a bundle (its own views). */
const EXTERNAL_OPERATOR = /^(READ_|PARQUET_|SNIFF_CSV|GLOB|ARROW_SCAN|SQLITE_|POSTGRES_|MYSQL_|ICEBERG|DELTA)/i;

const WRITE_TYPES: ReadonlySet<StatementType> = new Set([
  StatementType.INSERT, StatementType.UPDATE, StatementType.DELETE, StatementType.CREATE, StatementType.ALTER, StatementType.COPY,
  StatementType.DROP, StatementType.VACUUM, StatementType.ANALYZE, StatementType.CREATE_FUNC, StatementType.COPY_DATABASE,
  StatementType.MERGE_INTO,
]);
/** Leading keywords of writes: for a statement the sandbox could not prepare (it names tables the sandbox lacks), and CHECKPOINT (a pragma to DuckDB). */
const WRITE_WORDS = /^(insert|update|delete|create|alter|copy|drop|vacuum|analyze|checkpoint|force|truncate|merge|upsert|replace|comment)\b/i;

/** Makes the sandbox once: an in-memory DuckDB that can read no file, with its configuration locked. */
let sandbox: Promise<DuckDBConnection> | null = null;
function sandboxConnection(): Promise<DuckDBConnection> {
  sandbox ??= (async () => {
    const inst = await DuckDBInstance.create(':memory:', {
      threads: '1', memory_limit: '64MB', enable_external_access: 'false', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false',
    });
    const c = await inst.connect();
    await c.run('SET lock_configuration = true');
    return c;
  })();
  return sandbox;
}

/** Strips leading comments and blanks, so a statement's first keyword can be read. */
function firstWord(sql: string): string {
  let s = sql;
  for (;;) {
    const t = s.replace(/^\s+/, '');
    if (t.startsWith('--')) s = t.replace(/^--[^\n]*\n?/, '');
    else if (t.startsWith('/*')) {
      const end = t.indexOf('*/');
      s = end < 0 ? '' : t.slice(end + 2);
    } else if (t.startsWith('(')) s = t.slice(1);
    else return t;
  }
}

/** Why a statement that is not a SELECT is refused: by its prepared type, or its first keyword when the sandbox cannot bind it. */
async function classifyOther(sql: string): Promise<SqlRefused> {
  let type: StatementType | null = null;
  try {
    const c = await sandboxConnection();
    const extracted = await c.extractStatements(sql);
    const p = await extracted.prepare(0);
    type = p.statementType;
    p.destroySync();
  } catch {
    type = null;
  }
  const word = firstWord(sql).split(/[\s(;]/, 1)[0]?.toUpperCase() ?? '';
  if (type === StatementType.EXPLAIN) return new SqlRefused('setting', 'EXPLAIN is not offered: run the query itself');
  // CHECKPOINT prepares as a pragma: its word says what it does
  if ((type !== null && WRITE_TYPES.has(type)) || WRITE_WORDS.test(word)) {
    return new SqlRefused('write', `${word || 'this statement'} writes: writes are not allowed, the console only reads (SELECT)`);
  }
  return new SqlRefused('setting', `${word || 'this statement'} is not a query: settings, the catalog, extensions and transactions are locked (only SELECT runs)`);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: Json | undefined): string => (typeof v === 'string' ? v : '');

/** The names the tree's CTEs define (anywhere in it: a name is a name). */
function cteNames(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const x of node) cteNames(x, into);
    return;
  }
  if (!isObject(node)) return;
  const map = node['cte_map'];
  if (isObject(map) && Array.isArray(map['map'])) for (const e of map['map']) if (isObject(e)) into.add(text(e['key']).toLowerCase());
  for (const v of Object.values(node)) cteNames(v, into);
}

/** Looks like a file, a URL or a glob rather than a table name. */
const PATHLIKE = /[/\\:*?.~]/;

/** Walks the parse tree: the first refusal found, or null. */
function walk(node: Json, offered: Offered, ctes: ReadonlySet<string>): SqlRefused | null {
  if (Array.isArray(node)) {
    for (const x of node) {
      const r = walk(x, offered, ctes);
      if (r) return r;
    }
    return null;
  }
  if (!isObject(node)) return null;
  const type = text(node['type']);
  if (type === 'BASE_TABLE') {
    const name = text(node['table_name']);
    const schema = text(node['schema_name']).toLowerCase();
    const catalog = text(node['catalog_name']);
    if (catalog !== '') return new SqlRefused('not_offered', `${catalog}.${schema}.${name}: other databases are not offered, only this one's tables and views`);
    if (schema !== '' && schema !== 'main') return new SqlRefused('not_offered', `${schema}.${name}: system catalogs and other schemas are not offered; the schema browser lists the tables`);
    if (PATHLIKE.test(name)) return new SqlRefused('external', `'${name.slice(0, 200)}' names a file or a URL: reads outside the database are not allowed`);
    const lower = name.toLowerCase();
    if (!offered.tables.has(lower) && !(schema === '' && ctes.has(lower))) {
      return new SqlRefused('not_offered', `${name.slice(0, 100)}: no such table or view in the workbench (the schema browser lists them)`);
    }
  } else if (type === 'TABLE_FUNCTION') {
    const fn = node['function'];
    if (!isObject(fn)) return new SqlRefused('not_offered', 'a table function the workbench does not know');
    const name = text(fn['function_name']).toLowerCase();
    if (text(fn['schema']) !== '' || text(fn['catalog']) !== '') return new SqlRefused('not_offered', `${name}: functions of other schemas are not offered`);
    if (EXTERNAL_TABLE_FUNCTION.test(name)) return new SqlRefused('external', `${name}() reads files or other databases: reads outside the database are not allowed`);
    if (!ALLOWED_TABLE_FUNCTIONS.has(name) && !offered.macros.has(name)) {
      return new SqlRefused('not_offered', `${name}(): this table function is not offered (range, generate_series, unnest and the workbench's macros are)`);
    }
    // its arguments may hold subqueries
    return walk([fn['children'] ?? null, fn['filter'] ?? null, fn['order_bys'] ?? null, node['sample'] ?? null], offered, ctes);
  } else if (type === 'SHOW_REF') {
    // DESCRIBE / SUMMARIZE of a query or a table are fine; SHOW TABLES and friends read the catalog
    if (text(node['table_name']) !== '' || !isObject(node['query'])) return new SqlRefused('not_offered', 'SHOW reads the catalog: the schema browser lists the tables and their columns');
  } else if (text(node['class']) === 'FUNCTION') {
    const name = text(node['function_name']).toLowerCase();
    // the parser itself names `main` for what it builds (a list literal is main.list_value)
    const schema = text(node['schema']).toLowerCase();
    if ((schema !== '' && schema !== 'main') || text(node['catalog']) !== '') return new SqlRefused('not_offered', `${name}: functions of other schemas are not offered`);
    if (REFUSED_SCALARS.has(name)) return new SqlRefused('not_offered', `${name}() only waits: not offered`);
    // unnest (and unlist) are parser built-ins, not in the function catalog: a list's elements as rows
    if (!offered.functions.has(name) && !offered.macros.has(name) && !BUILT_IN_SCALARS.has(name)) return new SqlRefused('not_offered', `${name.slice(0, 100)}(): no such function here (none is loaded on demand)`);
  }
  for (const v of Object.values(node)) {
    const r = walk(v, offered, ctes);
    if (r) return r;
  }
  return null;
}

/** Operators of the physical plan that read something other than the database. */
function externalOperators(plan: Json, allowParquet: boolean, into: string[]): void {
  if (Array.isArray(plan)) {
    for (const x of plan) externalOperators(x, allowParquet, into);
    return;
  }
  if (!isObject(plan)) return;
  const extra = plan['extra_info'];
  for (const name of [text(plan['name']), isObject(extra) ? text(extra['Function']) : '']) {
    if (name === '' || !EXTERNAL_OPERATOR.test(name)) continue;
    if (allowParquet && /^READ_PARQUET$/i.test(name)) continue;
    into.push(name);
  }
  externalOperators(plan['children'] ?? null, allowParquet, into);
}

/** How the guard reads the database it guards. */
export interface GuardOptions {
  offered: Offered;
  /** A bundle: its tables are views over its own Parquet files (READ_PARQUET in the plan is the bundle). */
  allowParquetScan: boolean;
}

/**
 * Judges one statement on the workbench's own connection `c` (parser, then the plan): resolves when
 * it may run, throws `SqlRefused` with the reason otherwise. Nothing is executed; only the plan check
 * binds, after the tree has shown that nothing outside the database is named.
 */
export async function guardSql(c: DuckDBConnection, sql: string, o: GuardOptions): Promise<void> {
  if (sql.includes('\0')) throw new SqlRefused('syntax', 'the statement holds a NUL character');
  let count: number;
  try {
    count = (await c.extractStatements(sql)).count;
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    // the bindings fail without a message when the text holds no statement at all
    if (!m.startsWith('Failed to extract statements')) throw new SqlRefused('empty', 'nothing to run: the text holds no statement');
    throw new SqlRefused('syntax', m.replace(/^Failed to extract statements: /, '').slice(0, 2000));
  }
  if (count === 0) throw new SqlRefused('empty', 'nothing to run: the text holds no statement');
  if (count > 1) throw new SqlRefused('several', `${count} statements: one statement at a time`);
  const r = await c.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  let tree: Json;
  try {
    tree = JSON.parse(String(r.getRows()[0]?.[0] ?? 'null')) as Json;
  } catch {
    throw new SqlRefused('syntax', 'the statement could not be read');
  }
  if (!isObject(tree)) throw new SqlRefused('syntax', 'the statement could not be read');
  if (tree['error'] === true) {
    if (text(tree['error_type']) === 'not implemented') throw await classifyOther(sql);
    throw new SqlRefused('syntax', text(tree['error_message']).slice(0, 2000) || 'the statement could not be parsed');
  }
  const statements = tree['statements'];
  if (!Array.isArray(statements) || statements.length !== 1) throw new SqlRefused('several', 'one statement at a time');
  const ctes = new Set<string>();
  cteNames(statements, ctes);
  const refused = walk(statements, o.offered, ctes);
  if (refused) throw refused;
  // defence in depth: what the plan would really read
  let planText: string;
  try {
    const rows = (await c.runAndReadAll(`EXPLAIN (FORMAT json) ${sql}`)).getRows();
    planText = rows.map((x) => String(x[1] ?? '')).join('\n');
  } catch (e) {
    // a binder error (no such column, wrong types) is the analyst's to fix: said as DuckDB says it
    throw new SqlQueryError(e instanceof Error ? e.message : String(e));
  }
  let plan: Json;
  try {
    plan = JSON.parse(planText) as Json;
  } catch {
    plan = null;
  }
  const found: string[] = [];
  externalOperators(plan, o.allowParquetScan, found);
  if (found.length > 0) throw new SqlRefused('external', `the plan reads outside the database (${[...new Set(found)].join(', ')}): not allowed`);
}

/** A statement that passed the guard and failed in DuckDB (a binder or run-time error): the analyst's to fix. */
export class SqlQueryError extends Error {
  constructor(message: string) {
    super(message.slice(0, 2000));
    this.name = 'SqlQueryError';
  }
}
