import { BUNDLE_TABLES, type BundleTable } from '../../common/bundle.js';
import { DOMAINS, type Domain } from '../../common/city.js';

/** What an export covers: from ≤ time ≤ to, restricted to domains and districts when given. */
export interface ExportWindow {
  fromMs: number;
  toMs: number;
  domains: readonly Domain[];
  districts: readonly string[];
}

/** How one bundle file is read from the live database. */
export interface BundleTableSpec {
  table: BundleTable;
  /** The column the file is sorted by (its row groups' min/max then index it). */
  timeColumn: string;
  /** The SELECT whose rows are the file, in order. */
  sql: string;
  /** Said in the manifest when the filters cannot apply to this table. */
  note?: string;
}

const DISTRICT = /^[0-9]{6}$/;

/**
 * The SQL of every bundle file. Filters are literals in the SQL (COPY takes no parameters); they are
 * judged here first: domains from the fourteen, districts six digits, times finite integers.
 */
export function bundleTableSpecs(w: ExportWindow): BundleTableSpec[] {
  if (!Number.isSafeInteger(w.fromMs) || !Number.isSafeInteger(w.toMs) || w.fromMs > w.toMs) throw new Error('the window must be two instants, from before to');
  for (const d of w.domains) if (!(DOMAINS as readonly string[]).includes(d)) throw new Error(`unknown domain ${String(d)}`);
  for (const d of w.districts) if (!DISTRICT.test(d)) throw new Error(`a district is a 6-digit code, got ${JSON.stringify(d)}`);
  const t = (ms: number): string => `make_timestamptz(${BigInt(ms) * 1000n})`;
  const from = t(w.fromMs);
  const to = t(w.toMs);
  const list = (xs: readonly string[]): string => xs.map((x) => `'${x}'`).join(', ');
  const where = (parts: string[]): string => (parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`);
  /** The domain and district filters on a table with those columns. */
  const keys = (prefix = ''): string[] => [
    ...(w.domains.length > 0 ? [`${prefix}domain IN (${list(w.domains)})`] : []),
    ...(w.districts.length > 0 ? [`${prefix}district IN (${list(w.districts)})`] : []),
  ];
  const filtered = w.domains.length > 0 || w.districts.length > 0;
  const inWindow = (col: string): string => `${col} >= ${from} AND ${col} <= ${to}`;
  const windowTable = (table: BundleTable, col = 'ts'): BundleTableSpec => ({
    table, timeColumn: col, sql: `SELECT * FROM ${table} ${where([inWindow(col), ...keys()])} ORDER BY ${col}`,
  });
  /** A rollup bucket overlapping the window: it starts at most one width before `from`. */
  const rollup = (table: BundleTable, width: string): BundleTableSpec => ({
    table, timeColumn: 'bucket',
    sql: `SELECT * FROM ${table} ${where([`bucket > ${from} - INTERVAL ${width}`, `bucket <= ${to}`, ...keys()])} ORDER BY bucket`,
  });
  // risk keys are `domain/district/asset` or `district/<code>`: the district is the second part of both
  const riskKeys = [
    ...(w.domains.length > 0 ? [`(split_part(key, '/', 1) IN (${list(w.domains)}) OR split_part(key, '/', 1) = 'district')`] : []),
    ...(w.districts.length > 0 ? [`split_part(key, '/', 2) IN (${list(w.districts)})`] : []),
  ];
  const specs: BundleTableSpec[] = [
    windowTable('readings'),
    rollup('rollup_10s', '10 SECOND'),
    rollup('rollup_1m', '1 MINUTE'),
    rollup('rollup_1h', '1 HOUR'),
    rollup('rollup_district_1m', '1 MINUTE'),
    rollup('rollup_district_1h', '1 HOUR'),
    windowTable('events'),
    // every version up to `to`: the registry as it stood at any moment of the window
    { table: 'asset_versions', timeColumn: 'ts', sql: `SELECT * FROM asset_versions ${where([`ts <= ${to}`, ...keys()])} ORDER BY ts` },
    windowTable('inspections'),
    // every permits record up to `to`: the permit campaign as it stood at any moment of the window (docs/permits.md)
    { table: 'permit_versions', timeColumn: 'ts', sql: `SELECT * FROM permit_versions ${where([`ts <= ${to}`, ...keys()])} ORDER BY ts` },
    {
      table: 'quarantine', timeColumn: 'received_at',
      sql: `SELECT * FROM quarantine ${where([inWindow('received_at')])} ORDER BY received_at`,
      ...(filtered ? { note: 'quarantine has no domain or district columns (a refused message may name none): every quarantined message of the window is exported, unfiltered' } : {}),
    },
    windowTable('alarm_log'),
    {
      // every operator action up to `to`: hazards raised long before `from` still stand, and replay folds them
      table: 'ops_log', timeColumn: 'ts', sql: `SELECT * FROM ops_log WHERE ts <= ${to} ORDER BY ts, applied_at`,
      ...(filtered ? { note: 'ops_log has no domain or district columns: every operator action up to the window\'s end is exported, unfiltered' } : {}),
    },
    { table: 'risk_changes', timeColumn: 'ts', sql: `SELECT * FROM risk_changes ${where([inWindow('ts'), ...riskKeys])} ORDER BY ts` },
    {
      table: 'feed_freshness', timeColumn: 'last_seen', sql: `SELECT * FROM feed_freshness ${where(keys())} ORDER BY last_seen`,
      note: 'feed_freshness is the engine\'s last saved view of each feed (one row per kind, domain and district), as of the export, not of the window',
    },
    {
      table: 'initial_readings', timeColumn: 'ts',
      // one row kept per series while scanning (not a sort of the whole history before `from`)
      sql: `SELECT * FROM (SELECT unnest(arg_max(r, (r.ts, r.received_at))) FROM readings r ${where([`ts < ${from}`, ...keys()])}
            GROUP BY domain, district, asset, metric) ORDER BY ts`,
    },
    {
      table: 'initial_alarm_log', timeColumn: 'ts',
      sql: `SELECT * FROM alarm_log ${where([`ts < ${from}`, ...keys()])} QUALIFY row_number() OVER (PARTITION BY point ORDER BY ts DESC) = 1 ORDER BY ts`,
    },
    {
      table: 'initial_risk', timeColumn: 'ts',
      sql: `SELECT * FROM risk_changes ${where([`ts < ${from}`, ...riskKeys])} QUALIFY row_number() OVER (PARTITION BY key ORDER BY ts DESC) = 1 ORDER BY ts`,
    },
    {
      // failed inspections of the 30 days before `from` raise hazards at the start (readFailedInspections)
      table: 'initial_inspections', timeColumn: 'ts',
      sql: `SELECT * FROM inspections ${where([`result = 'fail'`, `ts > ${from} - INTERVAL 30 DAY`, `ts < ${from}`, ...keys()])} ORDER BY ts`,
    },
  ];
  if (specs.map((s) => s.table).join() !== BUNDLE_TABLES.join()) throw new Error('bundle tables out of step with the contract');
  return specs;
}
