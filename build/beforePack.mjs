/**
 * electron-builder's beforePack hook (build/electron-builder.json): `npm run dist` stops with the
 * reason before packing anything that could not run, instead of failing deep in a download or
 * shipping an app whose engine cannot load DuckDB.
 *
 * - DuckDB's native binding is per platform (@duckdb/node-bindings-<os>-<arch>, installed by npm
 *   for the machine it runs on): each installer is built on its own OS and architecture.
 * - The Electron zip must be obtainable: `electronDist` in the configuration, the zip already in
 *   Electron's download cache, or the download site (ELECTRON_MIRROR or GitHub) answering.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const ARCHES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** Why DuckDB's binding for the target is missing, or null. */
export function duckdbProblem(root, platform, arch) {
  const name = `@duckdb/node-bindings-${platform}-${arch}`;
  if (existsSync(join(root, 'node_modules', name, 'package.json'))) return null;
  return `DuckDB's native binding for ${platform}-${arch} (${name}) is not installed: build each installer on its own OS and architecture (npm installs the binding of the machine it runs on)`;
}

/** Electron's download cache (as @electron/get places it). */
export function electronCacheDir(env, platform) {
  if (env.ELECTRON_CACHE) return env.ELECTRON_CACHE;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'electron');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'electron', 'Cache');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'electron');
}

/** Whether `zip` is somewhere in the cache (one folder per download URL). */
function cached(cacheDir, zip) {
  if (!existsSync(cacheDir)) return false;
  if (existsSync(join(cacheDir, zip))) return true;
  return readdirSync(cacheDir).some((d) => {
    const p = join(cacheDir, d);
    return statSync(p).isDirectory() && existsSync(join(p, zip));
  });
}

async function reachable(url, timeoutMs) {
  try {
    const r = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    return r.ok;
  } catch {
    return false;
  }
}

/** Why the Electron zip cannot be had, or null. */
export async function electronProblem({ version, platform, arch, electronDist, env, hostPlatform, timeoutMs = 10_000, isReachable = reachable }) {
  if (electronDist) return null;
  const zip = `electron-v${version}-${platform}-${arch}.zip`;
  if (cached(electronCacheDir(env, hostPlatform), zip)) return null;
  const mirror = env.ELECTRON_MIRROR || 'https://github.com/electron/electron/releases/download/';
  const url = `${mirror.replace(/\/?$/, '/')}v${version}/${zip}`;
  if (await isReachable(url, timeoutMs)) return null;
  return `the Electron ${version} binary (${zip}) cannot be downloaded from ${url} and is not in the cache ${electronCacheDir(env, hostPlatform)}: put the zip there, set ELECTRON_MIRROR, or set electronDist in build/electron-builder.json to a folder holding it`;
}

export default async function beforePack(context) {
  const root = context.packager.projectDir;
  const platform = context.electronPlatformName;
  const arch = ARCHES[context.arch] ?? String(context.arch);
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'));
  const problems = [
    duckdbProblem(root, platform, arch),
    await electronProblem({ version, platform, arch, electronDist: context.packager.config.electronDist, env: process.env, hostPlatform: process.platform }),
  ].filter((p) => p !== null);
  if (problems.length > 0) throw new Error(`cityops: cannot package for ${platform}-${arch}:\n- ${problems.join('\n- ')}`);
}
