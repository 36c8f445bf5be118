import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../store/database.js';
import { verifyBundle } from '../export/verifyBundle.js';
import { tempDir } from '../../../dev/testing/harness.js';
import { parseExportFlags, parseInstant, runExport } from './exportCommand.js';

const tmp = tempDir('cityops-export-cli-');
const db = join(tmp.dir, 'stopped.duckdb');
const now = Date.now();

beforeAll(async () => {
  const d = await Database.open(db);
  await d.writer.run(`INSERT INTO readings SELECT make_timestamptz(($t - i * 1000)::BIGINT * 1000), 'water', '420302', 'w' || (i % 7), 'pressure_mpa', i / 100, 'MPa', 'good', 'r' || i, i, now(), 1 FROM range(5000) t(i)`, { t: now });
  await d.writer.run(`INSERT INTO events VALUES (make_timestamptz(${(now - 60_000) * 1000}), 'water', '420302', 'e1', 'burst', 'red', '爆管 人民北路', NULL, NULL, NULL, NULL, 'city.event.water.420302', 1, now())`);
  d.close();
});
afterAll(() => tmp.remove());

const iso = (ms: number): string => new Date(ms).toISOString();
const flags = (over: Record<string, string | boolean | string[] | undefined> = {}) => ({ from: iso(now - 3_600_000), to: iso(now), out: join(tmp.dir, 'out'), db, ...over });

describe('cityops export', () => {
  it('judges every flag before opening anything: times with their offset, from before to, known domains, 6-digit districts, one target', () => {
    expect(parseInstant('2026-11-24T08:00+08:00', 'from')).toBe(Date.parse('2026-11-24T00:00:00Z'));
    expect(parseInstant('2026-11-24T00:00:00.5Z', 'from')).toBe(Date.parse('2026-11-24T00:00:00.500Z'));
    expect(parseInstant('0001-01-01T00:00Z', 'from')).toBe(Date.parse('0001-01-01T00:00:00Z'));
    expect(parseInstant('9999-12-31T23:59:59Z', 'to')).toBe(Date.parse('9999-12-31T23:59:59Z'));
    for (const bad of ['2026-11-24', '2026-11-24T08:00', 'yesterday', '2026-02-30T00:00Z', '2026-11-24T24:00Z', '', '2026-11-24T08:00+25:00']) {
      expect(() => parseInstant(bad, 'from'), bad).toThrow(/--from/);
    }
    expect(() => parseExportFlags(flags({ from: iso(now), to: iso(now - 1) }))).toThrow(/after --to/);
    expect(() => parseExportFlags(flags({ domain: ['gas', 'moon'] }))).toThrow(/unknown domain "moon"/);
    expect(() => parseExportFlags(flags({ district: ["420302'; DROP TABLE readings"] }))).toThrow(/6-digit/);
    expect(() => parseExportFlags(flags({ url: 'http://127.0.0.1:8640', token: 't' }))).toThrow(/not both/);
    expect(() => parseExportFlags(flags({ db: undefined }))).toThrow(/--db FILE/);
    expect(() => parseExportFlags(flags({ db: undefined, url: 'http://127.0.0.1:8640' }), {})).toThrow(/--token/);
    expect(() => parseExportFlags(flags({ out: undefined }))).toThrow(/usage/);
    expect(() => parseExportFlags(flags({ url: 'file:///etc/passwd', db: undefined, token: 't' }))).toThrow(/engine's address/);
    const o = parseExportFlags(flags({ domain: ['gas,water', 'gas'], district: ['420302'], csv: true, out: 'relative/dir' }));
    expect(o).toMatchObject({ domains: ['gas', 'water'], districts: ['420302'], csv: true, force: false, target: { kind: 'file', db } });
    expect(o.out).toBe(join(process.cwd(), 'relative/dir'));
  });

  it('--db exports a stopped engine\'s file, read-only, into a bundle that verifies', async () => {
    const out = join(tmp.dir, 'file-bundle');
    const progress: string[] = [];
    const s = await runExport(parseExportFlags(flags({ out, csv: true })), 30, (p) => progress.push(p.table));
    expect(s).toMatchObject({ out, empty: false, tables: { readings: 3601, events: 1 } });
    expect(progress[0]).toBe('readings');
    const v = await verifyBundle(out);
    if (!v.ok) throw new Error(v.problems.join('\n'));
    expect(v.manifest.engine).toMatchObject({ source: 'file', db });
    expect(v.manifest.alarmRules.length).toBeGreaterThan(0);
    expect(Object.keys(v.manifest.wallConfigs)).toContain('1x1');
    // a window beyond the retention is refused; one partly beyond it says so
    await expect(runExport(parseExportFlags(flags({ from: iso(now - 90 * 86_400_000), to: iso(now - 40 * 86_400_000), out: join(tmp.dir, 'old') })), 30)).rejects.toThrow(/retention of 30 days/);
    const partly = await runExport(parseExportFlags(flags({ from: iso(now - 40 * 86_400_000), out: join(tmp.dir, 'partly') })), 30);
    const pv = await verifyBundle(partly.out);
    expect(pv.ok && pv.manifest.notes.some((n) => /before the raw retention/.test(n))).toBe(true);
    // an existing bundle is refused unless forced
    await expect(runExport(parseExportFlags(flags({ out })), 30)).rejects.toThrow(/not empty.*--force/);
    await runExport(parseExportFlags(flags({ out, force: true })), 30);
    expect((await verifyBundle(out)).ok).toBe(true);
  });

  it('a file held by a running engine is refused with the way through the engine; a missing file and a file that is no database are named', async () => {
    const held = join(tmp.dir, 'held.duckdb');
    (await Database.open(held)).close();
    const script = `import('@duckdb/node-api').then(async ({ DuckDBInstance }) => { await DuckDBInstance.create(${JSON.stringify(held)}); console.log('ready'); setInterval(() => {}, 1000); })`;
    const child: ChildProcess = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
        child.once('exit', (c) => reject(new Error(`holder exited ${c}`)));
      });
      await expect(runExport(parseExportFlags(flags({ db: held, out: join(tmp.dir, 'held-out') })), 30)).rejects.toThrow(/in use by a running engine.*--url/);
    } finally {
      child.kill('SIGKILL');
    }
    await expect(runExport(parseExportFlags(flags({ db: join(tmp.dir, 'nothing.duckdb'), out: join(tmp.dir, 'x1') })), 30)).rejects.toThrow(/no database at/);
    const empty = join(tmp.dir, 'other.duckdb');
    (await DuckDBInstance.create(empty)).closeSync();
    await expect(runExport(parseExportFlags(flags({ db: empty, out: join(tmp.dir, 'x2') })), 30)).rejects.toThrow(/not a cityops database/);
    expect(existsSync(join(tmp.dir, 'x2'))).toBe(false); // refused before the folder was made
  });
});
