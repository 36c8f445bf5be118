import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../store/database.js';
import { builtCli } from '../../../dev/testing/engineProcess.js';
import { tempDir } from '../../../dev/testing/harness.js';
import { writeBundle } from './bundleWriter.js';
import { verifyBundle } from './verifyBundle.js';

/** A real full disk: a small tmpfs (root on Linux only; elsewhere that test is skipped). */
function mountSmallDisk(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'cityops-export-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

const tmp = tempDir('cityops-export-faults-');
const dbFile = join(tmp.dir, 'big.duckdb');
const disk = mountSmallDisk();
const now = Date.now();
const HOUR = 3_600_000;

beforeAll(async () => {
  const db = await Database.open(dbFile);
  // 2 million readings of 2,000 series over the last hour: several seconds of export, megabytes of Parquet
  await db.writer.run(`INSERT INTO readings SELECT make_timestamptz(($t - (i % 3600000))::BIGINT * 1000), 'water', '420302', 'w' || (i % 2000), 'pressure_mpa',
    hash(i) % 100000 / 1000.0, 'MPa', 'good', 'r' || i, i, now(), 1 FROM range(2000000) t(i)`, { t: now });
  await db.writer.run('CHECKPOINT');
  db.close();
}, 300_000);
afterAll(() => {
  if (disk) {
    try {
      execFileSync('umount', [disk], { stdio: 'ignore' });
    } catch {
      // still busy: left for the system to clean
    }
    rmSync(disk, { recursive: true, force: true });
  }
  tmp.remove();
});

describe('an export that cannot finish', () => {
  it.skipIf(!disk)('a full disk leaves no manifest and no _SUCCESS, removes what it wrote and says the disk is full', async () => {
    const out = join(disk ?? '', 'bundle');
    const db = await Database.open(dbFile);
    try {
      const run = db.readers.run((c) => writeBundle(c, {
        out, window: { fromMs: now - 2 * HOUR, toMs: now, domains: [], districts: [] }, csv: true, force: false, timeZone: 'UTC',
        engine: { id: 't', db: dbFile, source: 'file' }, alarmRules: [], wallConfigs: {},
      }));
      await expect(run).rejects.toThrow(/ran out of disk space in .*\(no manifest, no _SUCCESS\).*No space left on device/);
      expect(readdirSync(out)).toEqual([]);
      const v = await verifyBundle(out);
      expect(v.ok).toBe(false);
    } finally {
      db.close();
    }
  });

  it('a kill mid-export leaves nothing that looks complete, and the next forced export completes', async () => {
    const out = join(tmp.dir, 'killed');
    const args = [builtCli(), 'export', '--db', dbFile, '--from', new Date(now - 2 * HOUR).toISOString(), '--to', new Date(now).toISOString(), '--out', out, '--csv'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer): void => {
        output += d.toString();
        // the readings are written and the next file is under way
        if (/ 2\/\d+ /.test(output)) {
          child.kill('SIGKILL');
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`the export ended (${code}) before it could be killed: ${output}`)));
    });
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(join(out, 'readings.parquet'))).toBe(true);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    expect(existsSync(join(out, '_SUCCESS'))).toBe(false);
    const v = await verifyBundle(out);
    expect(v).toEqual({ ok: false, problems: ['_SUCCESS: missing, the export did not finish', 'manifest.json: missing, the export did not finish'] });
    // the leftovers are a bundle's files: --force clears them and exports again
    const again = spawn(process.execPath, [...args, '--force'], { stdio: 'ignore' });
    expect(await new Promise((r) => again.once('exit', r))).toBe(0);
    expect((await verifyBundle(out)).ok).toBe(true);
  }, 300_000);
});
