/**
 * The analyst's workbench as the engine API speaks it (docs/analysis.md): guarded read-only SQL over
 * the live engine or an opened bundle, saved queries, the schema, and the correlation of events and
 * alarms across lifelines.
 */

/** The most rows a `sql.run` answer holds; the whole result is had through `sql.export`. */
export const SQL_MAX_ROWS = 10_000;
/** The longest statement accepted (characters). */
export const SQL_MAX_CHARS = 20_000;

/** Why a statement was refused before it ran; each code has an i18n message `sql_refused_<code>`. */
export const SQL_REFUSALS = [
  /** Not parseable by DuckDB (the parser's message is the detail). */
  'syntax',
  /** Nothing to run. */
  'empty',
  /** More than one statement in one run. */
  'several',
  /** INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, COPY … TO, CHECKPOINT, VACUUM …: writes are not allowed. */
  'write',
  /** SET, RESET, PRAGMA, ATTACH, DETACH, USE, INSTALL, LOAD, EXPORT/IMPORT DATABASE, CALL, transactions: settings and the catalog are locked. */
  'setting',
  /** A file, URL or anything outside the database (read_csv('/etc/passwd'), FROM 'x.parquet', glob …). */
  'external',
  /** A table, view or function the workbench does not offer (system catalogs, other databases). */
  'not_offered',
] as const;
export type SqlRefusalCode = (typeof SQL_REFUSALS)[number];

/** One column of a SQL answer: its name and DuckDB type. */
export interface SqlColumn {
  name: string;
  type: string;
}

/**
 * A `sql.run` answer: at most `maxRows` rows, values JSON-safe (BIGINT beyond 2^53 and DECIMAL as
 * strings, times as epoch milliseconds in a TIMESTAMP column, BLOB as base64, nested types as JSON).
 */
export interface SqlResult {
  runId: string;
  columns: SqlColumn[];
  rows: unknown[][];
  /** More rows existed than were returned (export the whole result). */
  truncated: boolean;
  elapsedMs: number;
  /** `live` engine or `bundle`; with the instant the data stands at. */
  source: 'live' | 'bundle';
}

/** A running statement's progress, pushed on the `sql` topic (percentage -1 when DuckDB cannot tell). */
export interface SqlProgress {
  runId: string;
  percentage: number;
  rowsProcessed: number;
  totalRows: number;
  elapsedMs: number;
  /** The statement waits while the live engine's ingest catches up a backlog (it runs after, at the latest after `sql.yieldToIngestMs`). */
  waitingForIngest?: boolean;
}

/** A query kept by name (in the engine's database, or in an opened bundle's folder). */
export interface SavedQuery {
  name: string;
  sql: string;
  description: string;
  savedAtMs: number;
  savedBy: string;
}

/** A ready question the workbench offers (the SQL is the engine's, the title an i18n key). */
export interface ReadyQuestion {
  id: string;
  titleKey: string;
  sql: string;
  /** The chart it is best seen as. */
  chart: 'table' | 'line' | 'bar' | 'scatter' | 'map' | 'heatmap';
}

/** One table, view or macro of the schema browser, with the data model's descriptions. */
export interface SchemaEntry {
  name: string;
  kind: 'table' | 'view' | 'macro';
  description: string;
  columns: { name: string; type: string; description: string }[];
}

/** An event or an alarm taking part in a correlation cluster. */
export interface CorrelationMember {
  kind: 'event' | 'alarm';
  /** The event id or the alarm point (`domain/district/asset#rule`). */
  id: string;
  tsMs: number;
  domain: string;
  district: string;
  asset: string | null;
  lat: number;
  lon: number;
  /** An event's severity or an alarm's priority. */
  level: string;
  /** An event's title or an alarm's rule. */
  what: string;
}

/** Events and alarms of different domains within R metres and Δt of each other, linked into one component. */
export interface CorrelationCluster {
  /** Stable for the same members: the first member's kind and id. */
  id: string;
  domains: string[];
  districts: string[];
  assets: string[];
  firstMs: number;
  lastMs: number;
  members: CorrelationMember[];
  /** Cross-domain pairs within R and Δt inside the cluster. */
  pairs: number;
  /** Pairs expected by chance at the background rate (the documented baseline), and the score. */
  expectedPairs: number;
  /** How unusual: the probability of at least `pairs` such pairs by chance (Poisson tail); small is unusual. */
  pValue: number;
  centroid: { lat: number; lon: number };
}

/** The `correlation` query's answer. */
export interface CorrelationResult {
  radiusM: number;
  windowS: number;
  fromMs: number;
  toMs: number;
  /** Events and alarms with a place considered. */
  considered: number;
  clusters: CorrelationCluster[];
  elapsedMs: number;
}
