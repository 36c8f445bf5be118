import { z } from 'zod';
import { DOMAINS } from './city.js';

/**
 * An export bundle (docs/export.md): a folder of Parquet files named after the live tables, the
 * state at the window's start, `manifest.json` written last and an empty `_SUCCESS`. The replay
 * side reads the manifest with this schema; a bundle of another format version is refused.
 */
export const BUNDLE_FORMAT_VERSION = 1;
/** The feed contract the data was received under (docs/feed-contract.md). */
export const FEED_CONTRACT_VERSION = 1;

export const MANIFEST_FILE = 'manifest.json';
export const SUCCESS_FILE = '_SUCCESS';

/** The tables of the window, named as in the live database. */
export const BUNDLE_WINDOW_TABLES = [
  'readings', 'rollup_10s', 'rollup_1m', 'rollup_1h', 'rollup_district_1m', 'rollup_district_1h',
  'events', 'asset_versions', 'inspections', 'permit_versions', 'quarantine', 'alarm_log', 'ops_log', 'risk_changes', 'feed_freshness',
] as const;
/** The state standing at the window's start. */
export const BUNDLE_STATE_TABLES = ['initial_readings', 'initial_alarm_log', 'initial_risk', 'initial_inspections'] as const;
export const BUNDLE_TABLES = [...BUNDLE_WINDOW_TABLES, ...BUNDLE_STATE_TABLES] as const;
export type BundleTable = (typeof BUNDLE_TABLES)[number];

/** A file name of a bundle: one plain name, never a path (a manifest is input like any other). */
const FileName = z.string().regex(/^[a-z0-9_]{1,64}\.(parquet|csv)$/);
const Iso = z.string().max(40);

export const BundleColumnSchema = z.object({ name: z.string().max(200), type: z.string().max(200) });

export const BundleFileSchema = z.object({
  path: FileName,
  table: z.enum(BUNDLE_TABLES),
  format: z.enum(['parquet', 'csv']),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  rows: z.number().int().min(0),
  /** The column the file is sorted by, and its smallest and largest value (ISO 8601 UTC); null when empty. */
  timeColumn: z.string().max(64),
  minTime: Iso.nullable(),
  maxTime: Iso.nullable(),
  columns: z.array(BundleColumnSchema).max(100),
});
export type BundleFile = z.infer<typeof BundleFileSchema>;

export const BundleManifestSchema = z.object({
  format: z.literal('cityops-bundle'),
  formatVersion: z.number().int(),
  appVersion: z.string().max(40),
  feedContractVersion: z.number().int(),
  createdAt: Iso,
  /** Window tables hold from ≤ time ≤ to; the initial_* tables the state before `from`. */
  window: z.object({ from: Iso, to: Iso, fromMs: z.number(), toMs: z.number() }),
  filters: z.object({ domains: z.array(z.enum(DOMAINS)).max(DOMAINS.length), districts: z.array(z.string().regex(/^[0-9]{6}$/)).max(1000) }),
  /** The engine the data came from, and its stream positions at the export's snapshot. */
  engine: z.object({
    id: z.string().max(200),
    db: z.string().max(4096),
    stream: z.string().max(200).nullable(),
    consumer: z.string().max(200).nullable(),
    streamPosition: z.number().nullable(),
    /** The engine served while exporting (`engine`) or a stopped engine's file was read (`file`). */
    source: z.enum(['engine', 'file']),
  }),
  /** Times in Parquet are instants (TIMESTAMPTZ, UTC); the CSV files write them in this zone with its offset. */
  timeZone: z.string().max(100),
  empty: z.boolean(),
  rows: z.number().int().min(0),
  files: z.array(BundleFileSchema).max(100),
  /** The wall configurations found beside the engine, by name. */
  wallConfigs: z.record(z.string().max(100), z.unknown()),
  /** The alarm rules in force (docs/alarm-rules.md). */
  alarmRules: z.array(z.unknown()),
  /** What a reader must know: tables exported unfiltered, parts of the window beyond retention. */
  notes: z.array(z.string().max(1000)).max(50),
});
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

/** What an export answers: the manifest's summary (the whole manifest is in the folder). */
export interface BundleSummary {
  out: string;
  empty: boolean;
  rows: number;
  bytes: number;
  files: number;
  tables: Partial<Record<BundleTable, number>>;
  seconds: number;
}

/** Progress of a running export: `done` of `total` files written, `table` the one being written. */
export interface ExportProgress {
  table: string;
  done: number;
  total: number;
}
