/**
 * The `cityops://app/` scheme: the built renderer, never from file://, each answer with the CSP
 * naming the local engine. Which file a path names is the engine server's own rule
 * (resolveStaticFile), without its index.html fallback: the shell only ever loads index.html.
 */
import { readFile } from 'node:fs/promises';
import { resolveStaticFile } from '../../analytics/node/static/staticFile.js';
import { rendererCsp } from './securityPolicy.js';

export type RendererHandler = (request: Request) => Promise<Response>;

export function rendererHandler(rendererDir: string, engineUrl: string): RendererHandler {
  const csp = rendererCsp(engineUrl);
  const notFound = (): Response => new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== 'cityops:' || url.host !== 'app') return notFound();
    const path = decodedPath(url.pathname);
    if (path === null) return notFound();
    const found = resolveStaticFile(rendererDir, path, { indexFallback: false });
    if (found.kind !== 'file') return notFound();
    let body: Buffer;
    try {
      body = await readFile(found.path);
    } catch {
      return notFound();
    }
    return new Response(new Uint8Array(body), {
      headers: { 'content-type': found.contentType, 'content-security-policy': csp, 'x-content-type-options': 'nosniff' },
    });
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
