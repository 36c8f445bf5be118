import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HOSTILE_PATHS, traversalFixture } from '../../dev/testing/staticTraversal.js';
import { rendererHandler } from './rendererProtocol.js';

const fx = traversalFixture();
const TYPED = { 'worker.mjs': 'text/javascript; charset=utf-8', 'duck.wasm': 'application/wasm', 'map.webp': 'image/webp', 'favicon.ico': 'image/x-icon', 'font.ttf': 'font/ttf', 'a.png': 'image/png' };
for (const name of Object.keys(TYPED)) writeFileSync(join(fx.root, 'assets', name), name);
mkdirSync(join(fx.root, 'walls'));
writeFileSync(join(fx.root, 'big.json'), JSON.stringify({ rows: Array.from({ length: 200_000 }, (_, i) => i) }));
writeFileSync(join(fx.root, 'locked.js'), 'x');
chmodSync(join(fx.root, 'locked.js'), 0o000);
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
    for (const url of ['cityops://other/index.html', 'cityops://app/nope.js', 'cityops://app/assets', 'cityops://app/assets/', 'cityops://app/walls', 'cityops://app/%E0%A4%A', 'cityops://app/%', 'cityops://app/assets/%zz.js']) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(r.headers.get('content-security-policy'), url).toContain("default-src 'self'");
    }
  });

  it('answers a file it cannot open with 404, never a throw', async () => {
    // root reads everything: the check only holds for an ordinary user
    if (process.getuid?.() === 0) return;
    expect((await get('cityops://app/locked.js')).status).toBe(404);
  });

  it.each(Object.entries(TYPED))('serves %s with its type', async (name, type) => {
    const r = await get(`cityops://app/assets/${name}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(type);
    expect(await r.text()).toBe(name);
  });

  it('streams a file (a body read in chunks, its length given) rather than reading it whole first', async () => {
    const r = await get('cityops://app/big.json');
    expect(r.headers.get('content-length')).toBe(String(JSON.stringify({ rows: Array.from({ length: 200_000 }, (_, i) => i) }).length));
    const reader = (r.body as ReadableStream<Uint8Array>).getReader();
    let chunks = 0;
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      bytes += value.length;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(String(bytes)).toBe(r.headers.get('content-length'));
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
