/**
 * Which wall configuration a wall shows: the one the settings name, or — when no such wall exists
 * or its file is not a valid wall — the 1x1 wall, with a warning, so the app still starts and its
 * settings stay reachable to fix the name. The names a wall may take are the files in the built
 * renderer's walls/ folder; settings naming another are refused on save.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DesktopRefusal } from '../../analytics/common/desktopApi.js';
import { WallConfigSchema, type WallConfig } from '../../analytics/common/wallConfig.js';

export const FALLBACK_WALL = '1x1';

/** The walls there are (renderer/dist/walls/<name>.json), sorted; none when the folder is missing. */
export function wallNames(wallsDir: string): string[] {
  try {
    return readdirSync(wallsDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
  } catch {
    return [];
  }
}

function readWall(wallsDir: string, name: string): WallConfig | string {
  if (!wallNames(wallsDir).includes(name)) return `there is no wall named '${name}'`;
  try {
    return WallConfigSchema.parse(JSON.parse(readFileSync(join(wallsDir, `${name}.json`), 'utf8')));
  } catch (e) {
    return `the wall '${name}' is not valid (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
}

export function chooseWall(wallsDir: string, name: string, warn: (line: string) => void): WallConfig {
  const wall = readWall(wallsDir, name);
  if (typeof wall !== 'string') return wall;
  const fallback = readWall(wallsDir, FALLBACK_WALL);
  if (typeof fallback === 'string') throw new Error(`${wall}, and ${fallback}`);
  warn(`cityops: ${wall} (walls: ${wallNames(wallsDir).join(', ') || 'none'}); showing the ${FALLBACK_WALL} wall: choose another in Settings`);
  return fallback;
}

/** Why a wall name cannot be saved (no such wall, and the walls there are), or null when it can. */
export function wallNameProblem(wallsDir: string, name: string): DesktopRefusal | null {
  const names = wallNames(wallsDir);
  return names.includes(name) ? null : { code: 'no_wall', wall: name, walls: names };
}
