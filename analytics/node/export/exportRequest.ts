import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { packageRoot } from '../paths.js';
import { ExportRefused } from './bundleWriter.js';

const DAY_MS = 86_400_000;

/**
 * Judges a bundle folder named by a client: absolute, without `..`, and not inside a folder the
 * engine serves or runs from (its static files, its package), where a bundle would be served or
 * overwrite the product.
 */
export function checkOutFolder(out: string, forbidden: readonly string[]): string {
  if (out.includes('\0')) throw new ExportRefused('the folder name holds a NUL character');
  if (!isAbsolute(out)) throw new ExportRefused(`the folder must be an absolute path on the engine's machine, got ${JSON.stringify(out.slice(0, 200))}`);
  if (out.split(/[\\/]+/).includes('..')) throw new ExportRefused(`the folder may not climb with "..": ${JSON.stringify(out.slice(0, 200))}`);
  const folder = normalize(out).replace(/[\\/]+$/, '') || sep;
  for (const root of forbidden) {
    const r = relative(normalize(root), folder);
    if (r === '' || (!r.startsWith('..') && !isAbsolute(r))) throw new ExportRefused(`the folder ${folder} is inside ${root}, which the engine serves or runs from: choose another`);
  }
  return folder;
}

/** The engine's package: its static files and code; a bundle is never written there. */
export function engineRoots(): string[] {
  return [packageRoot()];
}

/**
 * A window wholly older than the raw retention has nothing left to export: refused. A window
 * partly older is exported with a note.
 */
export function retentionNotes(fromMs: number, toMs: number, nowMs: number, rawDays: number): string[] {
  const horizon = nowMs - rawDays * DAY_MS;
  if (toMs < horizon) {
    throw new ExportRefused(`the window ends ${new Date(toMs).toISOString()}, before the raw retention of ${rawDays} days (${new Date(horizon).toISOString()}): its readings, events and inspections were deleted`);
  }
  return fromMs < horizon ? [`the window starts before the raw retention of ${rawDays} days: readings, events and inspections before ${new Date(horizon).toISOString()} were deleted by retention (rollups are kept longer)`] : [];
}

/** The wall configurations shipped beside the engine (renderer/dist/walls, else renderer/public/walls), by name. */
export function loadWallConfigs(root = packageRoot()): Record<string, unknown> {
  const dir = [join(root, 'renderer', 'dist', 'walls'), join(root, 'renderer', 'public', 'walls')].find((d) => existsSync(d));
  const walls: Record<string, unknown> = {};
  if (!dir) return walls;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort().slice(0, 50)) {
    const p = join(dir, f);
    if (statSync(p).size > 256 * 1024) continue;
    try {
      walls[f.slice(0, -5)] = JSON.parse(readFileSync(p, 'utf8')) as unknown;
    } catch {
      // a broken wall file is the wall's problem, not the export's
    }
  }
  return walls;
}

/** The zone CSV times are written in: this machine's. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
