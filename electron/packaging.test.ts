import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * What electron-builder packs from dist/, decided with its own matcher (the minimatch it depends
 * on, `dot: true`, patterns in order with the last match winning, as app-builder-lib's filter
 * does), and every import of every packed module resolved: nothing packed may need a dev
 * dependency (not installed in the app) or a module that is not packed. Needs `npm run build:engine`.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const builder = JSON.parse(readFileSync(join(ROOT, 'build', 'electron-builder.json'), 'utf8')) as { files: string[] };
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

interface Pattern {
  negate: boolean;
  match(path: string, partial: boolean): boolean;
}
const { Minimatch } = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'))('minimatch') as {
  Minimatch: new (pattern: string, options: { dot: boolean }) => Pattern;
};
const patterns = builder.files.map((p) => new Minimatch(p, { dot: true }));

/** A folder is entered when a pattern may match below it (as electron-builder's walk does). */
function packed(rel: string, isDirectory = false): boolean {
  let match = false;
  for (const p of patterns) {
    if (match !== p.negate) continue;
    match = p.match(rel, isDirectory && !p.negate);
  }
  return match;
}

/** Every file under `dir`, or with `onlyPacked` only those electron-builder would copy. */
function walk(dir: string, onlyPacked = false): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    const rel = relative(ROOT, full).split(sep).join('/');
    if (statSync(full).isDirectory()) return !onlyPacked || packed(rel, true) ? walk(full, onlyPacked) : [];
    return !onlyPacked || packed(rel) ? [rel] : [];
  });
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** Why `specifier`, imported by the packed module `from`, would fail in the app; null when it is fine. */
function problem(from: string, specifier: string, isPacked: (rel: string) => boolean): string | null {
  if (specifier.startsWith('.')) {
    const target = relative(ROOT, resolve(ROOT, dirname(from), specifier)).split(sep).join('/');
    if (!existsSync(join(ROOT, target))) return `${target} does not exist`;
    return isPacked(target) ? null : `${target} is not packed`;
  }
  if (BUILTINS.has(specifier) || BUILTINS.has(packageOf(specifier))) return null;
  // the Electron runtime provides `electron` to its main process; nothing else has it
  if (specifier === 'electron') return from.startsWith('dist/electron/') ? null : 'electron outside the shell';
  const name = packageOf(specifier);
  if (name in pkg.devDependencies) return `${name} is a devDependency`;
  return name in pkg.dependencies ? null : `${name} is not a dependency`;
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

describe('what the desktop app packs', () => {
  const built = existsSync(join(ROOT, 'dist', 'electron', 'main.js'));

  it.runIf(built)('packs the shell, the preload and the engine it starts', () => {
    const files = new Set(walk(join(ROOT, 'dist'), true));
    for (const f of [pkg.main, 'dist/electron/preload.cjs', 'dist/analytics/node/cli/main.js', 'dist/analytics/node/static/staticFile.js']) expect(files.has(f), f).toBe(true);
  });

  it.runIf(built)('leaves the harness out: benchmarks, the soak and screenshot harness, the fuzzers, test helpers, tests and maps', () => {
    const files = walk(join(ROOT, 'dist'), true);
    // the harness lives in dev/ (benchmarks, soak and screenshots, fuzzers, test helpers, reliability tests)
    expect(files.filter((f) => f.startsWith('dist/dev/') || f.endsWith('.map') || f.endsWith('.test.js'))).toEqual([]);
    expect(files.filter((f) => f.includes('/testing/'))).toEqual([]);
  });

  it.runIf(built)('packs nothing that imports a dev dependency or a module left out', () => {
    const modules = walk(join(ROOT, 'dist'), true).filter((f) => /\.(c|m)?js$/.test(f));
    expect(modules.length).toBeGreaterThan(50);
    const problems = modules.flatMap((f) => importsOf(f).map((s) => ({ s, why: problem(f, s, packed) })).filter((x) => x.why !== null).map((x) => `${f} imports ${x.s}: ${x.why}`));
    expect(problems).toEqual([]);
  });

  it('the check itself catches a dev dependency, a left-out module and electron outside the shell', () => {
    const all = (): boolean => true;
    expect(problem('dist/analytics/node/x.js', 'playwright-core', all)).toBe('playwright-core is a devDependency');
    expect(problem('dist/analytics/node/x.js', '@nats-io/nkeys/lib/x.js', all)).toBe('@nats-io/nkeys is a devDependency');
    expect(problem('dist/analytics/node/x.js', 'left-pad', all)).toBe('left-pad is not a dependency');
    expect(problem('dist/analytics/node/cli/main.js', '../../../dev/testing/browser.js', (f) => !f.startsWith('dist/dev/'))).toBe('dist/dev/testing/browser.js is not packed');
    expect(problem('dist/analytics/node/x.js', 'electron', all)).toBe('electron outside the shell');
    expect(problem('dist/electron/main.js', 'electron', all)).toBeNull();
    expect(problem('dist/analytics/node/x.js', 'node:fs', all)).toBeNull();
    expect(problem('dist/analytics/node/x.js', '@duckdb/node-api', all)).toBeNull();
    expect(importsOf('dist/electron/preload.cjs')).toEqual(['electron']);
  });
});
