import { copyFileSync, cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, type BundleManifest } from '../../common/bundle.js';
import { tempDir } from '../../../dev/testing/harness.js';
import { sha256File, writeBundle } from '../export/bundleWriter.js';
import { verifyBundle } from '../export/verifyBundle.js';
import { Database } from '../store/database.js';
import { openBundle } from './openCommand.js';

const tmp = tempDir('cityops-open-');
const T0 = Date.parse('2026-11-20T00:00:00Z');
const HOUR = 3_600_000;
let good: string;

beforeAll(async () => {
  const db = await Database.open(join(tmp.dir, 'city.duckdb'));
  try {
    await db.writer.run(`INSERT INTO readings SELECT make_timestamptz(($t0 + i * 600000)::BIGINT * 1000), 'gas', '420302', 'a0', 'lel_pct', i, '%LEL', 'good', 'r' || i, i, now(), 1
      FROM range(0, 12) t(i)`, { t0: T0 });
    await db.writer.run(`INSERT INTO events VALUES (make_timestamptz(${(T0 + HOUR) * 1000}), 'gas', '420302', 'e1', 'leak', 'red', '燃气泄漏', 'a0', 32.6, 110.8, null, 'city.event.gas.420302', 7, now())`);
    good = join(tmp.dir, 'good');
    await db.readers.run((c) => writeBundle(c, {
      out: good, window: { fromMs: T0, toMs: T0 + 2 * HOUR, domains: [], districts: [] }, csv: false, force: false, timeZone: 'Asia/Shanghai',
      engine: { id: 'test', db: db.path, source: 'file' }, alarmRules: [], wallConfigs: {},
    }));
  } finally {
    db.close();
  }
});
afterAll(() => tmp.remove());

let n = 0;
/** A copy of the good bundle, changed by `change` (which may rewrite the manifest it is given). */
async function variant(change: (dir: string, m: BundleManifest) => void | Promise<void>): Promise<string> {
  const dir = join(tmp.dir, `v${++n}`);
  cpSync(good, dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as BundleManifest;
  await change(dir, m);
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(m));
  return dir;
}

describe('cityops open refuses what is not a bundle of this format', () => {
  it('a file of the bundle that is a symbolic link to a file outside it is refused, even when its size and SHA-256 match the manifest', async () => {
    const outside = join(tmp.dir, 'outside-events.parquet');
    copyFileSync(join(good, 'events.parquet'), outside);
    const dir = await variant((d) => {
      rmSync(join(d, 'events.parquet'));
      symlinkSync(outside, join(d, 'events.parquet'));
    });
    const v = await verifyBundle(dir);
    expect(v.ok).toBe(false);
    expect(v.ok ? [] : v.problems).toEqual([expect.stringMatching(/^events\.parquet: .*symbolic link/)]);
    await expect(openBundle({ dir, host: '127.0.0.1', port: 0, verify: true })).rejects.toThrow(/events\.parquet: .*symbolic link/);
  });

  it('with --no-verify, a bundle of another format version is still refused, as is a manifest larger than the limit', async () => {
    const v2 = await variant((_d, m) => {
      m.formatVersion = 2;
    });
    await expect(openBundle({ dir: v2, host: '127.0.0.1', port: 0, verify: false })).rejects.toThrow(/bundle format version 2, this version reads 1/);
    const huge = await variant((_d, m) => {
      m.wallConfigs = { big: 'x'.repeat(17 * 1024 * 1024) };
    });
    await expect(openBundle({ dir: huge, host: '127.0.0.1', port: 0, verify: false })).rejects.toThrow(/manifest\.json: larger than/);
  });

  it('a window a Date cannot hold, or one that ends before it starts, is refused by name, verified or not (the files still match)', async () => {
    const windows = [{ fromMs: -1e300, toMs: 1e300 }, { fromMs: T0 + 2 * HOUR, toMs: T0 }];
    for (const w of windows) {
      const dir = await variant((_d, m) => {
        m.window = { ...m.window, ...w };
      });
      const v = await verifyBundle(dir);
      expect(v.ok ? [] : v.problems).toEqual([expect.stringMatching(/^manifest\.json: .*window/)]);
      for (const verify of [true, false]) await expect(openBundle({ dir, host: '127.0.0.1', port: 0, verify })).rejects.toThrow(/window/);
    }
  });

  it('the good bundle still opens both ways and answers', async () => {
    const plain = await variant(async (d, m) => {
      // a manifest rewritten with the same content: still consistent
      const f = m.files.find((x) => x.path === 'events.parquet');
      expect(f?.sha256).toBe(await sha256File(join(d, 'events.parquet')));
    });
    for (const verify of [true, false]) {
      const opened = await openBundle({ dir: plain, host: '127.0.0.1', port: 0, verify });
      try {
        const ev = await opened.engine.query('events', { limit: 10 }, undefined, T0 + 2 * HOUR);
        expect(ev.columns['id']).toEqual(['e1']);
      } finally {
        await opened.stop();
      }
    }
  });
});
