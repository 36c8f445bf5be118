import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HOSTILE_PATHS, traversalFixture } from '../../../dev/testing/staticTraversal.js';
import { resolveStaticFile, type StaticFile } from './staticFile.js';

const fx = traversalFixture();
afterAll(() => fx.remove());
const resolve = (p: string, indexFallback = true): StaticFile => resolveStaticFile(fx.root, p, { indexFallback });

describe('resolving a request path inside the built renderer', () => {
  it('serves files of the root with their content type, and the root itself as index.html', () => {
    expect(resolve('/assets/app.js')).toEqual({ kind: 'file', path: join(fx.root, 'assets', 'app.js'), contentType: 'text/javascript; charset=utf-8' });
    expect(resolve('/')).toMatchObject({ kind: 'file', path: join(fx.root, 'index.html'), contentType: 'text/html; charset=utf-8' });
    expect(resolve('//assets//./app.js')).toMatchObject({ kind: 'file', path: join(fx.root, 'assets', 'app.js') });
  });

  it('follows a symlink that stays inside the root', () => {
    expect(resolve('/alias.js')).toMatchObject({ kind: 'file', path: join(fx.root, 'assets', 'app.js') });
  });

  it.each(HOSTILE_PATHS)('refuses %j, even where a missing path would fall back to index.html', (p) => {
    expect(resolve(p, true)).toEqual({ kind: 'refused' });
    expect(resolve(p, false)).toEqual({ kind: 'refused' });
  });

  it('refuses a sibling sharing the root prefix, reached through a symlink inside the root', () => {
    // the old check: `<base>/dist-evil/secret.txt`.startsWith(`<base>/dist`) was true
    expect(resolve('/evil-dir/secret.txt')).toEqual({ kind: 'refused' });
  });

  it('answers a missing file or a folder with index.html when asked to, otherwise as missing', () => {
    expect(resolve('/screens/overview')).toMatchObject({ kind: 'file', path: join(fx.root, 'index.html') });
    expect(resolve('/assets')).toMatchObject({ kind: 'file', path: join(fx.root, 'index.html') });
    expect(resolve('/screens/overview', false)).toEqual({ kind: 'missing' });
    expect(resolve('/assets', false)).toEqual({ kind: 'missing' });
  });

  it('finds nothing when the root does not exist', () => {
    expect(resolveStaticFile(join(fx.base, 'nowhere'), '/index.html', { indexFallback: true })).toEqual({ kind: 'missing' });
  });
});
