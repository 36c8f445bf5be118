/**
 * Which file of a built renderer a request path names: the one check shared by the engine's HTTP
 * server and the desktop shell's `cityops://` protocol, so a fix to it reaches both.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';

export type StaticFile =
  | { kind: 'file'; path: string; contentType: string }
  /** The path tries to leave the root (`..`, a drive, NUL, a symlink pointing out). */
  | { kind: 'refused' }
  | { kind: 'missing' };

export interface StaticOptions {
  /** Answer a missing path with index.html (the wall routes on the client). */
  indexFallback: boolean;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.geojson': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.ogg': 'audio/ogg', '.wav': 'audio/wav',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * `decodedPath` is the percent-decoded URL path. Both separators split it (`..\` climbs on
 * Windows, where the app also ships), and a `..` segment or a colon (a drive, an NTFS stream) is
 * refused outright rather than normalised away: no honest client sends one, browsers resolve dots
 * before sending. The answer is then checked again on the real path, so neither a sibling sharing
 * the root's prefix (`dist-old` beside `dist`) nor a symlink out of the root is served.
 */
export function resolveStaticFile(root: string, decodedPath: string, o: StaticOptions): StaticFile {
  if (decodedPath.includes('\0')) return { kind: 'refused' };
  const segments = decodedPath.split(/[/\\]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || s.includes(':'))) return { kind: 'refused' };
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return { kind: 'missing' };
  }
  const asked = segments.length === 0 ? 'index.html' : join(...segments);
  const found = inside(realRoot, join(realRoot, asked));
  if (found === 'outside') return { kind: 'refused' };
  if (found !== null) return { kind: 'file', path: found, contentType: contentTypeOf(found) };
  if (!o.indexFallback) return { kind: 'missing' };
  const index = inside(realRoot, join(realRoot, 'index.html'));
  if (index === null || index === 'outside') return { kind: 'missing' };
  return { kind: 'file', path: index, contentType: contentTypeOf(index) };
}

/** The file's real path when it is a regular file under `realRoot`; null when there is none. */
function inside(realRoot: string, file: string): string | 'outside' | null {
  if (!existsSync(file)) return null;
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return null;
  }
  // `realRoot + sep`: a sibling such as <root>-old must not pass for a file inside the root
  if (!real.startsWith(realRoot + sep)) return 'outside';
  try {
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}
