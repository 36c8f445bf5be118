import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, openWall } from '../analytics/node/testing/browser.js';
import { tempDir, waitFor } from '../analytics/node/testing/harness.js';
import { freePort } from '../analytics/node/testing/natsServer.js';

const tmp = tempDir('cityops-start-');
afterAll(() => tmp.remove());

describe('npm start without the Electron binary', () => {
  it('says so in one line and serves the product to the browser', async () => {
    const port = await freePort();
    const p = spawn(process.execPath, [join('dist', 'electron', 'launch.js'), '--port', String(port), '--db', `${tmp.dir}/demo.duckdb`, '--rate', '200'], {
      env: { ...process.env, CITYOPS_NO_BROWSER: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const browser = await launchChromium();
    try {
      const wall = await waitFor(() => /wall:\s+(\S+)/.exec(out)?.[1], 'the wall URL', 60_000);
      expect(out.split('\n')[0]).toMatch(/^cityops: the Electron binary is not installed here .*served to the browser instead\.$/);
      const { page, errors } = await openWall(browser, wall.replace('/#', '/?screen=overview#'));
      await page.locator('[data-panel]').first().waitFor({ timeout: 20_000 });
      await page.waitForFunction(() => (globalThis as unknown as { __cityops?: { ops: { snapshot: unknown } } }).__cityops?.ops.snapshot != null, undefined, { timeout: 20_000 });
      expect(await page.locator('[data-chart="map"]').count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      p.kill('SIGTERM');
      await new Promise((r) => p.once('exit', r));
    }
  });
});
