import { createReadStream, existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { resolveStaticFile } from '../static/staticFile.js';

export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The built wall from `dir`; unknown paths get index.html (the wall routes on the client). Which
 * file a path names is decided by resolveStaticFile, shared with the desktop shell. A file that
 * fails while streaming (removed, unreadable) goes to `onError` and the answer is cut, never thrown.
 */
export function serveStatic(dir: string | null, decodedPath: string, res: ServerResponse, onError: (e: unknown) => void): void {
  if (dir === null || !existsSync(dir)) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end('cityops engine: GET /api/health, engine API at /api/ws (token required)\n');
    return;
  }
  const found = resolveStaticFile(dir, decodedPath, { indexFallback: true });
  if (found.kind === 'refused') {
    res.writeHead(403).end();
    return;
  }
  if (found.kind === 'missing') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': found.contentType, ...SECURITY_HEADERS });
  createReadStream(found.path).on('error', (e) => {
    onError(e);
    res.destroy();
  }).pipe(res);
}
