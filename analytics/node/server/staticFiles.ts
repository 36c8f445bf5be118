import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.geojson': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.ogg': 'audio/ogg', '.wav': 'audio/wav',
};

export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The built wall from `dir`; unknown paths get index.html (the wall routes on the client).
 * `decodedPath` comes from parseTarget, so it decodes and holds no NUL. A file that fails while
 * streaming (removed, unreadable) goes to `onError` and the answer is cut, never thrown.
 */
export function serveStatic(dir: string | null, decodedPath: string, res: ServerResponse, onError: (e: unknown) => void): void {
  if (dir === null || !existsSync(dir)) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end('cityops engine: GET /api/health, engine API at /api/ws (token required)\n');
    return;
  }
  const root = resolve(dir);
  const rel = normalize(decodedPath).replace(/^([/\\])+/, '');
  let file = join(root, rel === '' ? 'index.html' : rel);
  // `root + sep`: a sibling such as <root>-old must not pass for a file inside the root
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', ...SECURITY_HEADERS });
  createReadStream(file).on('error', (e) => {
    onError(e);
    res.destroy();
  }).pipe(res);
}
