import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { BundleSummary, ExportProgress } from '../../common/bundle.js';
import { DOMAINS, type Domain } from '../../common/city.js';
import { rfc3339Ms } from '../../common/rfc3339.js';
import { loadAlarmRules } from '../ops/alarmService.js';
import { dataPath } from '../paths.js';
import { ExportRefused, writeBundle } from '../export/bundleWriter.js';
import { exportThroughEngine } from '../export/engineExportClient.js';
import { loadWallConfigs, localTimeZone, retentionNotes } from '../export/exportRequest.js';

export const EXPORT_USAGE = 'usage: cityops export --from ISO --to ISO [--domain D]... [--district CODE]... --out DIR [--csv] [--force] (--db FILE | --url URL --token T)';

export interface ExportCliOptions {
  fromMs: number;
  toMs: number;
  domains: Domain[];
  districts: string[];
  out: string;
  csv: boolean;
  force: boolean;
  target: { kind: 'file'; db: string } | { kind: 'engine'; url: string; token: string };
}

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?(Z|z|[+-]\d{2}:\d{2})$/;

/** An instant from the command line: RFC 3339 with its offset (seconds may be left out); never a guess at a zone. */
export function parseInstant(s: unknown, name: string): number {
  const text = typeof s === 'string' ? s.trim() : '';
  const m = ISO.exec(text);
  if (!m) throw new ExportRefused(`--${name} must be an ISO 8601 time with its offset, e.g. 2026-11-24T08:00+08:00 or 2026-11-24T00:00:00Z; got ${JSON.stringify(String(s ?? '')).slice(0, 80)}`);
  const ms = rfc3339Ms(`${m[1] ?? ''}T${m[2] ?? ''}${m[3] ?? ':00'}${m[4] ?? ''}`);
  if (!Number.isFinite(ms)) throw new ExportRefused(`--${name} names no real instant: ${text}`);
  return ms;
}

type Flags = Record<string, string | boolean | string[] | undefined>;

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '');

/** Judges the flags of `cityops export`: every mistake is named before anything is opened. */
export function parseExportFlags(flags: Flags, env: NodeJS.ProcessEnv = process.env): ExportCliOptions {
  if (flags['from'] === undefined || flags['to'] === undefined || typeof flags['out'] !== 'string' || flags['out'] === '') throw new ExportRefused(EXPORT_USAGE);
  const fromMs = parseInstant(flags['from'], 'from');
  const toMs = parseInstant(flags['to'], 'to');
  if (fromMs > toMs) throw new ExportRefused(`--from (${new Date(fromMs).toISOString()}) is after --to (${new Date(toMs).toISOString()})`);
  const domains: Domain[] = [];
  for (const d of new Set(list(flags['domain']))) {
    const known = DOMAINS.find((x) => x === d);
    if (!known) throw new ExportRefused(`unknown domain ${JSON.stringify(d).slice(0, 80)}; the domains are ${DOMAINS.join(', ')}`);
    domains.push(known);
  }
  const districts = [...new Set(list(flags['district']))];
  for (const d of districts) if (!/^[0-9]{6}$/.test(d)) throw new ExportRefused(`a district is its 6-digit code (GB/T 2260), e.g. 420302; got ${JSON.stringify(d).slice(0, 80)}`);
  const out = resolve(flags['out']);
  const db = typeof flags['db'] === 'string' ? flags['db'] : undefined;
  const url = typeof flags['url'] === 'string' ? flags['url'] : undefined;
  if (db !== undefined && url !== undefined) throw new ExportRefused('give either --db FILE (a stopped engine\'s database) or --url URL --token T (a running engine), not both');
  let target: ExportCliOptions['target'];
  if (url !== undefined) {
    const token = typeof flags['token'] === 'string' ? flags['token'] : env['CITYOPS_TOKEN'];
    if (!token) throw new ExportRefused('--url needs --token T (or CITYOPS_TOKEN): an analyst\'s, shift leader\'s or administrator\'s token');
    if (!/^https?:\/\//.test(url)) throw new ExportRefused(`--url is the engine's address, e.g. http://127.0.0.1:8640; got ${url.slice(0, 80)}`);
    target = { kind: 'engine', url, token };
  } else if (db !== undefined) {
    target = { kind: 'file', db: resolve(db) };
  } else {
    throw new ExportRefused(`${EXPORT_USAGE}\n  --db FILE reads a stopped engine's database; --url/--token asks a running engine to write the bundle`);
  }
  return { fromMs, toMs, domains, districts, out, csv: flags['csv'] === true, force: flags['force'] === true, target };
}

const MIN_SCHEMA = 3;

/** Opens a stopped engine's database read-only; a running engine holds its lock, and the message says what to do instead. */
async function openReadOnly(db: string): Promise<DuckDBInstance> {
  if (!existsSync(db)) throw new ExportRefused(`no database at ${db}`);
  try {
    return await DuckDBInstance.create(db, { access_mode: 'READ_ONLY', threads: String(availableParallelism()) });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/lock/i.test(msg)) throw new ExportRefused(`${db} is in use by a running engine (${msg.split('\n')[0]?.slice(0, 200) ?? ''}): export through that engine with --url http://<host>:<port> --token T instead`);
    throw new ExportRefused(`cannot open ${db} read-only: ${msg.slice(0, 300)}`);
  }
}

/** `cityops export`: against a stopped engine's file (with the alarm rules the engine is configured with), or through a running engine's API. */
export async function runExport(o: ExportCliOptions, rawDays: number, onProgress?: (p: ExportProgress) => void, alarmRulesFile = dataPath('alarm-rules.json')): Promise<BundleSummary> {
  const args = { fromMs: o.fromMs, toMs: o.toMs, domains: o.domains, districts: o.districts, out: o.out, csv: o.csv, force: o.force };
  if (o.target.kind === 'engine') return exportThroughEngine(o.target.url, o.target.token, args, onProgress);
  const notes = retentionNotes(o.fromMs, o.toMs, Date.now(), rawDays);
  const instance = await openReadOnly(o.target.db);
  try {
    const c = await instance.connect();
    try {
      const v = (await c.runAndReadAll('SELECT coalesce(max(version), 0) FROM schema_version').catch(() => null))?.getRows()[0]?.[0];
      if (v === undefined || Number(v) < MIN_SCHEMA) {
        throw new ExportRefused(`${o.target.db} is not a cityops database of schema ${MIN_SCHEMA} or later (found ${String(v ?? 'none')}): start this version's engine on it once to migrate it`);
      }
      const { summary } = await writeBundle(c, {
        out: o.out, window: { fromMs: o.fromMs, toMs: o.toMs, domains: o.domains, districts: o.districts }, csv: o.csv, force: o.force,
        timeZone: localTimeZone(), engine: { id: `file ${o.target.db}`, db: o.target.db, source: 'file' },
        alarmRules: loadAlarmRules(alarmRulesFile), wallConfigs: loadWallConfigs(), notes, onProgress,
      });
      return summary;
    } finally {
      c.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
