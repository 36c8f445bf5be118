/** What the static file tests (engine server, desktop protocol, the shared resolver) try to escape from. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A built renderer at <tmp>/dist, and beside it what must never be served: a secret in the parent,
 * a sibling folder sharing the root's prefix, and symlinks inside the root pointing out of it.
 */
export function traversalFixture(): { base: string; root: string; remove: () => void } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'cityops-static-')));
  const root = join(base, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(base, 'dist-evil'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>wall</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'SECRET');
  writeFileSync(join(base, 'dist-evil', 'secret.txt'), 'SECRET');
  symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));
  symlinkSync(join(base, 'dist-evil'), join(root, 'evil-dir'));
  symlinkSync(join(root, 'assets', 'app.js'), join(root, 'alias.js'));
  return { base, root, remove: () => rmSync(base, { recursive: true, force: true }) };
}

/** Paths a hostile client may send, after percent-decoding, each trying to reach outside the root. */
export const HOSTILE_PATHS = [
  '/../secret.txt', '/assets/../../secret.txt', '/..', '/../dist-evil/secret.txt',
  '/..\\secret.txt', '\\..\\secret.txt', '/assets\\..\\..\\secret.txt',
  '/index.html\0.png', '/C:/Windows/win.ini', '/index.html::$DATA',
  '/link.txt', '/evil-dir/secret.txt',
];
