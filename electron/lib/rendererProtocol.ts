/**
 * The `cityops://app/` scheme: the built renderer, never from file://, each answer with the CSP
 * naming the local engine. Which file a path names is the engine server's own rule
 * (resolveStaticFile), without its index.html fallback: the shell only ever loads index.html.
 * Anything that is not a file there (a folder, a malformed escape, a path leaving the root, a file
 * gone meanwhile) is a 404, never a throw; files are streamed, not read whole on the main thread.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { resolveStaticFile } from '../../analytics/node/static/staticFile.js';
import { rendererCsp } from './securityPolicy.js';

export type RendererHandler = (request: Request) => Promise<Response>;

/** Types the shared resolver does not name (it answers application/octet-stream for them). */
const MORE_TYPES: Readonly<Record<string, string>> = {
  '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.webp': 'image/webp', '.ico': 'image/x-icon',
  '.ttf': 'font/ttf', '.woff': 'font/woff', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json',
};

export function rendererContentType(path: string, resolved: string): string {
  return MORE_TYPES[extname(path).toLowerCase()] ?? resolved;
}

export function rendererHandler(rendererDir: string, engineUrl: string): RendererHandler {
  const csp = rendererCsp(engineUrl);
  const notFound = (): Response => new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': csp } });
  return async (request) => {
    try {
      const url = new URL(request.url);
      if (url.protocol !== 'cityops:' || url.host !== 'app') return notFound();
      const path = decodedPath(url.pathname);
      if (path === null) return notFound();
      const found = resolveStaticFile(rendererDir, path, { indexFallback: false });
      if (found.kind !== 'file') return notFound();
      const file = await open(found.path, 'r');
      let size: number;
      try {
        const st = await file.stat();
        if (!st.isFile()) throw new Error('not a file');
        size = st.size;
      } catch (e) {
        await file.close();
        throw e;
      }
      const body = Readable.toWeb(file.createReadStream()) as ReadableStream<Uint8Array>;
      return new Response(body, {
        headers: {
          'content-type': rendererContentType(found.path, found.contentType), 'content-length': String(size),
          'content-security-policy': csp, 'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      // a file gone or unreadable between the check and the open, a URL that does not parse
      return notFound();
    }
  };
}

/** `decodeURIComponent` throws on a malformed escape (`%E0%A4%A`): that is a path no file has. */
function decodedPath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}
