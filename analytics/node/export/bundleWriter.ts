import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  BUNDLE_FORMAT_VERSION, BUNDLE_TABLES, FEED_CONTRACT_VERSION, MANIFEST_FILE, SUCCESS_FILE,
  type BundleFile, type BundleManifest, type BundleSummary, type ExportProgress,
} from '../../common/bundle.js';
import { VERSION } from '../version.js';
import { bundleTableSpecs, type BundleTableSpec, type ExportWindow } from './bundleTables.js';
import { constantOffset, isoTimeSql } from './csvTimes.js';

/** Rows per Parquet row group (DuckDB's default): the file is sorted by time, so each group's min/max time indexes it (10 million readings over 7 days: a group spans about 2 hours). */
export const ROW_GROUP_ROWS = 122_880;
export const SMALL_ROW_GROUP_ROWS = 8_192;
const BOM = '\uFEFF';

/** A refusal of the request itself (bad folder, bad window): the engine answers `bad_request`. */
export class ExportRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportRefused';
  }
}

export interface WriteBundleOptions {
  out: string;
  window: ExportWindow;
  /** Also write every table as CSV for Excel (UTF-8 with a byte-order mark, ISO 8601 times with their offset). */
  csv: boolean;
  /** Clear a previous bundle in `out` first; anything else in the folder is still refused. */
  force: boolean;
  /** The zone CSV times are written in (an IANA name, e.g. Asia/Shanghai). */
  timeZone: string;
  engine: { id: string; db: string; source: 'engine' | 'file' };
  alarmRules: readonly unknown[];
  wallConfigs: Record<string, unknown>;
  notes?: readonly string[];
  onProgress?: (p: ExportProgress) => void;
  /** Stops the export (its client left, the engine stops): checked between files, and the running COPY is interrupted by whoever owns the connection. */
  signal?: AbortSignal;
}

/** The names a bundle may hold: a forced export clears exactly these. */
function bundleNames(): Set<string> {
  const names = new Set([MANIFEST_FILE, `${MANIFEST_FILE}.tmp`, SUCCESS_FILE]);
  for (const t of BUNDLE_TABLES) {
    names.add(`${t}.parquet`);
    names.add(`${t}.csv`);
  }
  return names;
}

/** Makes `out` ready: created, or empty, or (forced) cleared of a previous bundle. */
export function prepareOut(out: string, force: boolean): void {
  if (existsSync(out) && !statSync(out).isDirectory()) throw new ExportRefused(`${out} is a file, not a folder`);
  mkdirSync(out, { recursive: true });
  let entries = readdirSync(out);
  if (entries.length === 0) return;
  if (!force) throw new ExportRefused(`${out} is not empty (${entries.length} entries): choose a new folder, or pass --force to replace a bundle there`);
  const known = bundleNames();
  // the marks of completeness go first: a folder being cleared never looks complete
  for (const n of [SUCCESS_FILE, MANIFEST_FILE, ...entries]) if (known.has(n)) rmSync(join(out, n), { force: true });
  entries = readdirSync(out);
  if (entries.length > 0) throw new ExportRefused(`${out} holds files that are not part of a bundle (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', ...' : ''}): --force replaces a bundle, never other files`);
}

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const sqlText = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The file's SHA-256, streamed (a file of gigabytes never sits in memory). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 20 }).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

async function writeDurably(path: string, text: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** A failure as the person exporting should read it: a full disk is named as such. */
function explain(e: unknown, out: string): Error {
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof ExportRefused) return e;
  if (/ENOSPC|No space left|disk is full/i.test(msg)) return new Error(`the export ran out of disk space in ${out}: nothing was marked complete (no manifest, no _SUCCESS); free space and export again (${msg.slice(0, 300)})`);
  return new Error(`the export failed, nothing was marked complete in ${out} (no manifest, no _SUCCESS): ${msg.slice(0, 500)}`);
}

interface Written {
  spec: BundleTableSpec;
  path: string;
  format: 'parquet' | 'csv';
  rows: number;
  columns: { name: string; type: string }[];
  sha256: Promise<string>;
}

/**
 * Writes a bundle from `c` (a connection of its own, not the ingest writer): every file inside one
 * read transaction, so the files and the stream position are one snapshot while ingest goes on;
 * then the manifest through a temporary file and a rename, then `_SUCCESS`. On any failure the
 * files written are removed and no manifest or `_SUCCESS` is left.
 */
export async function writeBundle(c: DuckDBConnection, o: WriteBundleOptions): Promise<{ manifest: BundleManifest; summary: BundleSummary }> {
  const t0 = performance.now();
  const specs = bundleTableSpecs(o.window);
  prepareOut(o.out, o.force);
  const written: Written[] = [];
  const total = specs.length * (o.csv ? 2 : 1);
  let done = 0;
  let position: { stream: string | null; consumer: string | null; last: number | null } = { stream: null, consumer: null, last: null };
  const zoneBefore = String((await c.runAndReadAll(`SELECT current_setting('TimeZone')`)).getRows()[0]?.[0] ?? 'UTC');
  let constant: ReturnType<typeof constantOffset> = null;
  try {
    if (o.csv) {
      try {
        await c.run(`SET TimeZone = ${sqlText(o.timeZone)}`);
        constant = constantOffset(o.timeZone);
      } catch {
        throw new ExportRefused(`unknown time zone ${o.timeZone}`);
      }
    }
    await c.run('BEGIN TRANSACTION');
    try {
      const pos = (await c.runAndReadAll('SELECT stream, consumer, last_seq FROM consumer_position ORDER BY updated_at DESC LIMIT 1')).getRows()[0];
      if (pos) position = { stream: String(pos[0]), consumer: String(pos[1]), last: Number(pos[2]) };
      for (const spec of specs) {
        const described = (await c.runAndReadAll(`DESCRIBE ${spec.sql}`)).getRows();
        const columns = described.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
        const formats: ('parquet' | 'csv')[] = o.csv ? ['parquet', 'csv'] : ['parquet'];
        for (const format of formats) {
          // an abort that came between two files has no query to interrupt: it is seen here
          o.signal?.throwIfAborted();
          o.onProgress?.({ table: spec.table, done, total });
          const path = join(o.out, `${spec.table}.${format}`);
          // the CSV is read back from the table's Parquet file just written, already in time order:
          // no second sort of the table (the sort is most of the cost of a file)
          const rows = format === 'parquet'
            ? await copyParquet(c, spec.sql, path, rowGroupRows(spec.table))
            : await copyCsv(c, `SELECT * FROM read_parquet(${sqlText(join(o.out, `${spec.table}.parquet`))})`, columns, path, constant);
          written.push({ spec, path, format, rows, columns, sha256: sha256File(path) });
          done++;
        }
      }
    } finally {
      await c.run('ROLLBACK').catch(() => undefined);
    }
    o.signal?.throwIfAborted();
    o.onProgress?.({ table: MANIFEST_FILE, done, total });
    const files: BundleFile[] = [];
    const range = new Map<string, { min: string | null; max: string | null }>();
    for (const w of written) {
      let r = range.get(w.spec.table);
      if (!r) {
        const parquet = join(o.out, `${w.spec.table}.parquet`);
        const mm = (await c.runAndReadAll(`SELECT epoch_ms(min(${q(w.spec.timeColumn)}))::DOUBLE, epoch_ms(max(${q(w.spec.timeColumn)}))::DOUBLE, count(*)::DOUBLE FROM read_parquet(${sqlText(parquet)})`)).getRows()[0] ?? [];
        if (Number(mm[2]) !== w.rows) throw new Error(`${w.spec.table}.parquet holds ${Number(mm[2])} rows, ${w.rows} were written`);
        const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());
        r = { min: iso(mm[0]), max: iso(mm[1]) };
        range.set(w.spec.table, r);
      }
      files.push({
        path: `${w.spec.table}.${w.format}`, table: w.spec.table, format: w.format, bytes: statSync(w.path).size, sha256: await w.sha256,
        rows: w.rows, timeColumn: w.spec.timeColumn, minTime: r.min, maxTime: r.max, columns: w.columns,
      });
    }
    const windowRows = files.filter((f) => f.format === 'parquet' && !f.table.startsWith('initial_') && f.table !== 'feed_freshness' && f.table !== 'asset_versions' && f.table !== 'permit_versions' && f.table !== 'ops_log')
      .reduce((n, f) => n + f.rows, 0);
    const manifest: BundleManifest = {
      format: 'cityops-bundle', formatVersion: BUNDLE_FORMAT_VERSION, appVersion: VERSION, feedContractVersion: FEED_CONTRACT_VERSION,
      createdAt: new Date().toISOString(),
      window: { from: new Date(o.window.fromMs).toISOString(), to: new Date(o.window.toMs).toISOString(), fromMs: o.window.fromMs, toMs: o.window.toMs },
      filters: { domains: [...o.window.domains], districts: [...o.window.districts] },
      engine: { ...o.engine, stream: position.stream, consumer: position.consumer, streamPosition: position.last },
      timeZone: o.csv ? o.timeZone : 'UTC',
      empty: windowRows === 0,
      rows: files.filter((f) => f.format === 'parquet').reduce((n, f) => n + f.rows, 0),
      files,
      wallConfigs: o.wallConfigs,
      alarmRules: [...o.alarmRules],
      notes: [
        ...(windowRows === 0 ? ['the window holds no readings, rollups, events, inspections, quarantined messages, alarms or risk changes: the bundle is empty (the state at its start and the registry may still hold rows)'] : []),
        ...specs.flatMap((s) => (s.note ? [s.note] : [])),
        ...(o.notes ?? []),
      ],
    };
    const tmp = join(o.out, `${MANIFEST_FILE}.tmp`);
    await writeDurably(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(tmp, join(o.out, MANIFEST_FILE));
    await writeDurably(join(o.out, SUCCESS_FILE), '');
    await syncDir(o.out);
    const seconds = (performance.now() - t0) / 1000;
    const tables: BundleSummary['tables'] = {};
    for (const f of files) if (f.format === 'parquet') tables[f.table] = f.rows;
    return {
      manifest,
      summary: { out: o.out, empty: manifest.empty, rows: manifest.rows, bytes: files.reduce((n, f) => n + f.bytes, 0), files: files.length, tables, seconds },
    };
  } catch (e) {
    await Promise.allSettled(written.map((w) => w.sha256));
    for (const n of [SUCCESS_FILE, MANIFEST_FILE, `${MANIFEST_FILE}.tmp`]) await rm(join(o.out, n), { force: true }).catch(() => undefined);
    for (const w of written) await rm(w.path, { force: true }).catch(() => undefined);
    // a file being written when the failure came is a bundle file too
    for (const s of specs) for (const ext of ['parquet', 'csv']) await rm(join(o.out, `${s.table}.${ext}`), { force: true }).catch(() => undefined);
    throw explain(e, o.out);
  } finally {
    if (o.csv) await c.run(`SET TimeZone = ${sqlText(zoneBefore)}`).catch(() => undefined);
  }
}

/**
 * Rows per row group of a table's file: the readings and their rollups (millions of rows) in large
 * groups, every other table in small ones, so that a replay asking for an instant's last day of
 * events reads a few groups of a few thousand rows (each group's min/max time is the index).
 */
export function rowGroupRows(table: string): number {
  return table === 'readings' || table.startsWith('rollup_') ? ROW_GROUP_ROWS : SMALL_ROW_GROUP_ROWS;
}

async function copyParquet(c: DuckDBConnection, sql: string, path: string, rowGroup: number): Promise<number> {
  const r = await c.runAndReadAll(`COPY (${sql}) TO ${sqlText(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${rowGroup})`);
  return Number(r.getRows()[0]?.[0] ?? 0);
}

/**
 * CSV for Excel: the byte-order mark rides in the first column's header name (DuckDB writes the
 * header first, unquoted), so the file is written once and never re-read; times are ISO 8601 in
 * the session's zone with their offset (`2026-06-13T06:42:10.25+08:00`).
 */
async function copyCsv(c: DuckDBConnection, sql: string, columns: { name: string; type: string }[], path: string, constant: ReturnType<typeof constantOffset>): Promise<number> {
  const list = columns.map((col, i) => {
    const value = col.type === 'TIMESTAMP WITH TIME ZONE' ? isoTimeSql(col.name, constant) : q(col.name);
    return `${value} AS ${q(i === 0 ? `${BOM}${col.name}` : col.name)}`;
  });
  const r = await c.runAndReadAll(`COPY (SELECT ${list.join(', ')} FROM (${sql})) TO ${sqlText(path)} (FORMAT csv, HEADER, DELIMITER ',', QUOTE '"')`);
  return Number(r.getRows()[0]?.[0] ?? 0);
}
