import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_PATHS, traversalFixture } from '../../../dev/testing/staticTraversal.js';
import { parseTarget } from './request.js';
import { serveStatic } from './staticFiles.js';

const fx = traversalFixture();
let server: Server;
let port = 0;
const errors: unknown[] = [];

// the engine's own path: the target parsed by parseTarget, then serveStatic (as httpServer does)
beforeAll(async () => {
  server = createServer((req, res) => {
    const target = parseTarget(req.url);
    if (typeof target === 'string') return void res.writeHead(400).end();
    serveStatic(fx.root, target.decodedPath, res, (e) => errors.push(e));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fx.remove();
});

/** The request line exactly as written: no client library normalises the dots away first. */
function rawGet(target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let data = '';
    s.on('data', (d: Buffer) => (data += d.toString('latin1')));
    s.on('error', reject);
    s.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0), body: data.slice(data.indexOf('\r\n\r\n') + 4) }));
  });
}

const encoded = (p: string): string => p.split('/').map((seg) => encodeURIComponent(seg)).join('/');

describe('the engine serving the built wall', () => {
  it('serves its files, and index.html for the client-side routes', async () => {
    const js = await rawGet('/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.body).toContain('console.log(1)');
    expect((await rawGet('/screens/overview')).body).toContain('<title>wall</title>');
  });

  it.each([
    '/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt', '/..\\secret.txt', '/assets/..%2f..%2fdist-evil/secret.txt', '/%00', '/index.html%00.png',
    ...HOSTILE_PATHS.map(encoded),
  ])('never answers %j with a file outside the root', async (target) => {
    const r = await rawGet(target);
    expect(r.body).not.toContain('SECRET');
    // refused (403), not a request (400), or resolved by the URL parser to a path inside the root (index.html)
    if (r.status === 200) expect(r.body).toContain('<title>wall</title>');
    else expect([400, 403]).toContain(r.status);
  });

  it('refuses an encoded climb out of the root instead of falling back to index.html', async () => {
    expect((await rawGet('/..%2fsecret.txt')).status).toBe(403);
    expect((await rawGet('/evil-dir/secret.txt')).status).toBe(403);
    expect((await rawGet('/link.txt')).status).toBe(403);
    expect(errors).toEqual([]);
  });
});
