/**
 * `npm start`: the desktop app when the Electron binary is installed; otherwise (as on machines
 * where it cannot be downloaded) one line saying so, and the same product served to the browser —
 * the demo city, opened in Chromium's app mode when a Chromium is found.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronArgs } from './lib/wallPlacement.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The Electron binary's path, found the way the `electron` package finds it (path.txt, written by
 * its install script, names the executable under dist/) — without requiring the package, which
 * would try to download the binary on the spot.
 */
function electronBinary(): string | null {
  if (process.env['ELECTRON_OVERRIDE_DIST_PATH']) {
    const p = join(process.env['ELECTRON_OVERRIDE_DIST_PATH'], 'electron');
    return existsSync(p) ? p : null;
  }
  let pkg: string;
  try {
    pkg = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const bin = electronBinary();
  if (bin) {
    // a wall on Linux runs on X11: under Wayland its windows' positions are ignored
    const p = spawn(bin, [join(here, 'main.js'), ...electronArgs(process.platform, args)], { stdio: 'inherit' });
    p.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  console.log('cityops: the Electron binary is not installed here (it could not be downloaded), so the wall is served to the browser instead.');
  const demo = spawn(process.execPath, [join(here, '..', 'analytics', 'node', 'cli', 'main.js'), 'demo', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let opened = false;
  demo.stdout.on('data', (d: Buffer) => {
    process.stdout.write(d);
    const wall = /wall:\s+(\S+)/.exec(d.toString())?.[1];
    const chromium = process.env['CITYOPS_CHROMIUM'] ?? CHROMIUMS.find((c) => existsSync(c));
    if (wall && !opened && chromium && process.env['CITYOPS_NO_BROWSER'] !== '1') {
      opened = true;
      spawn(chromium, [`--app=${wall}`, '--no-first-run', `--user-data-dir=${join(here, '..', '..', '.cityops', 'chromium')}`], { stdio: 'ignore', detached: true }).unref();
    }
  });
  const stop = (): void => {
    demo.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  demo.on('exit', (code) => process.exit(code ?? 0));
}

void main();
