import { afterAll, describe, expect, it } from 'vitest';
import { HOSTILE_PATHS, traversalFixture } from '../../dev/testing/staticTraversal.js';
import { rendererHandler } from './rendererProtocol.js';

const fx = traversalFixture();
afterAll(() => fx.remove());
const handle = rendererHandler(fx.root, 'http://127.0.0.1:5123');
const get = (url: string): Promise<Response> => handle(new Request(url));

describe('the cityops:// protocol serving the renderer', () => {
  it('serves the built files with the CSP naming the engine and nosniff', async () => {
    const r = await get('cityops://app/index.html?view=console');
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<title>wall</title>');
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toContain("connect-src 'self' http://127.0.0.1:5123 ws://127.0.0.1:5123");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await get('cityops://app/assets/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers another host, a missing file, a folder or a malformed escape with 404, never index.html', async () => {
    for (const url of ['cityops://other/index.html', 'cityops://app/nope.js', 'cityops://app/assets', 'cityops://app/%E0%A4%A']) {
      expect((await get(url)).status, url).toBe(404);
    }
  });

  it.each([
    ...HOSTILE_PATHS.map((p) => p.split('/').map((s) => encodeURIComponent(s)).join('/')),
    '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/..%5csecret.txt', '/assets/..%2f..%2fdist-evil/secret.txt', '/%00',
  ])('never serves %j from outside the root', async (path) => {
    const r = await get(`cityops://app${path}`);
    const body = await r.text();
    expect(body).not.toContain('SECRET');
    // the URL parser may resolve the dots itself, to a path inside the root (`/..` is `/`)
    if (r.status === 200) expect(body).toContain('<title>wall</title>');
    else expect(r.status).toBe(404);
  });
});
