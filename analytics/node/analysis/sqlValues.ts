import {
  DuckDBArrayValue, DuckDBBlobValue, DuckDBListValue, DuckDBMapValue, DuckDBStructValue, DuckDBTimestampMillisecondsValue,
  DuckDBTimestampTZValue, DuckDBTimestampValue, type DuckDBValue,
} from '@duckdb/node-api';

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** Beyond this many microseconds a timestamp is DuckDB's ±infinity, said as text. */
const INFINITE_MICROS = 9_223_372_036_854_775_000n;

/** A nested value as JSON (its leaves as `sqlCell` gives them, maps as lists of key/value pairs). */
function nested(v: DuckDBValue): JsonValue {
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(nested);
  if (v instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(v.entries).map(([k, x]) => [k, nested(x)]));
  if (v instanceof DuckDBMapValue) return v.entries.map((e) => ({ key: nested(e.key), value: nested(e.value) }));
  return sqlCell(v);
}

/**
 * One value of a `sql.run` answer, JSON-safe as analytics/common/analysis.ts `SqlResult` says:
 * BIGINT within ±2^53 as a number and beyond as a string, DECIMAL as its exact text, a timestamp as
 * epoch milliseconds (±infinity as text), BLOB as base64, nested types as JSON text, a double that
 * JSON cannot hold (NaN, ±Infinity) as text, everything else (DATE, TIME, INTERVAL, UUID …) as
 * DuckDB writes it.
 */
export function sqlCell(v: DuckDBValue): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof DuckDBTimestampTZValue || v instanceof DuckDBTimestampValue) {
    return v.micros >= INFINITE_MICROS || v.micros <= -INFINITE_MICROS ? v.toString() : Number(v.micros) / 1000;
  }
  if (v instanceof DuckDBTimestampMillisecondsValue) return Number(v.millis);
  if (v instanceof DuckDBBlobValue) return Buffer.from(v.bytes).toString('base64');
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue || v instanceof DuckDBStructValue || v instanceof DuckDBMapValue) return JSON.stringify(nested(v));
  return v.toString();
}
