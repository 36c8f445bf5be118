import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root: the nearest folder above this file holding package.json (same from source and from dist). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the engine');
    dir = up;
  }
  return dir;
}

export const dataPath = (...parts: string[]): string => join(packageRoot(), 'data', ...parts);
