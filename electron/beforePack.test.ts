import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** build/beforePack.mjs, the hook electron-builder runs before packing (build/electron-builder.json). */
interface Hook {
  default(context: { packager: { projectDir: string; config: { electronDist?: string } }; electronPlatformName: string; arch: number }): Promise<void>;
  duckdbProblem(root: string, platform: string, arch: string): string | null;
  electronProblem(o: { version: string; platform: string; arch: string; electronDist?: string; env: Record<string, string>; hostPlatform: string; isReachable?: (url: string) => Promise<boolean> }): Promise<string | null>;
}
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// a path, not a literal: the hook is plain JavaScript electron-builder imports, outside the TypeScript project
const hook = (await import(pathToFileURL(join(ROOT, 'build', 'beforePack.mjs')).href)) as Hook;
const cfg = createRequire(import.meta.url)('../build/electron-builder.json') as { beforePack: string };

const tmp = mkdtempSync(join(tmpdir(), 'cityops-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm run dist stops clearly before packing what could not run', () => {
  it('is electron-builder\'s beforePack hook', () => {
    expect(resolve(ROOT, cfg.beforePack)).toBe(join(ROOT, 'build', 'beforePack.mjs'));
  });

  it('refuses another OS\'s installer: DuckDB\'s binding is per platform', () => {
    expect(hook.duckdbProblem(ROOT, process.platform, process.arch)).toBeNull();
    const other = process.platform === 'win32' ? 'linux' : 'win32';
    expect(hook.duckdbProblem(ROOT, other, 'x64')).toMatch(new RegExp(`@duckdb/node-bindings-${other}-x64.*build each installer on its own OS`));
  });

  it('says where to put the Electron zip when it cannot be downloaded, and is content with a cached zip, a mirror answering or electronDist', async () => {
    const base = { version: '45.4.1', platform: 'linux', arch: 'x64', hostPlatform: 'linux' };
    const cache = join(tmp, 'cache');
    const offline = (): Promise<boolean> => Promise.resolve(false);
    const problem = await hook.electronProblem({ ...base, env: { ELECTRON_CACHE: cache }, isReachable: offline });
    expect(problem).toMatch(/electron-v45\.4\.1-linux-x64\.zip\) cannot be downloaded from https:\/\/github\.com\/electron\/electron\/releases\/download\/v45\.4\.1\/electron-v45\.4\.1-linux-x64\.zip/);
    expect(problem).toMatch(/ELECTRON_MIRROR.*electronDist/);
    expect(await hook.electronProblem({ ...base, electronDist: '/opt/electron', env: { ELECTRON_CACHE: cache }, isReachable: offline })).toBeNull();
    const asked: string[] = [];
    expect(await hook.electronProblem({ ...base, env: { ELECTRON_CACHE: cache, ELECTRON_MIRROR: 'https://mirror.city.local/electron' }, isReachable: (u) => (asked.push(u), Promise.resolve(true)) })).toBeNull();
    expect(asked).toEqual(['https://mirror.city.local/electron/v45.4.1/electron-v45.4.1-linux-x64.zip']);
    mkdirSync(join(cache, 'a1b2c3'), { recursive: true });
    writeFileSync(join(cache, 'a1b2c3', 'electron-v45.4.1-linux-x64.zip'), '');
    expect(await hook.electronProblem({ ...base, env: { ELECTRON_CACHE: cache }, isReachable: offline })).toBeNull();
  });

  it('throws one error listing every reason', async () => {
    const other = process.platform === 'win32' ? 'linux' : 'win32';
    const previous = process.env['ELECTRON_MIRROR'];
    process.env['ELECTRON_MIRROR'] = 'http://127.0.0.1:9/';
    try {
      await expect(hook.default({ packager: { projectDir: ROOT, config: {} }, electronPlatformName: other, arch: 1 })).rejects.toThrow(/cannot package for .*-x64:\n- DuckDB[\s\S]*\n- the Electron 45\.4\.1 binary/);
    } finally {
      if (previous === undefined) delete process.env['ELECTRON_MIRROR'];
      else process.env['ELECTRON_MIRROR'] = previous;
    }
  });
});
