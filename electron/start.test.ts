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

describe('the renderer inside the desktop shell', () => {
  it('takes the engine and its token from window.cityops (the preload), not from the URL', async () => {
    const { builtCli, EngineProcess } = await import('../analytics/node/testing/engineProcess.js');
    const { NatsServerProcess } = await import('../analytics/node/testing/natsServer.js');
    const { writeFileSync } = await import('node:fs');
    const server = await NatsServerProcess.start();
    const devices = `${tmp.dir}/devices.json`;
    writeFileSync(devices, JSON.stringify([{ device: 'wall-desktop', role: 'wall', token: 'desktop-wall-token-0123456789' }]));
    const engine = await EngineProcess.start(builtCli(), ['--nats', server.url, '--db', `${tmp.dir}/desk.duckdb`, '--port', String(await freePort()), '--devices', devices]);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      // what electron/preload.cts exposes, with the answer electron/main.ts gives
      await page.addInitScript(([engineUrl, token]) => {
        (globalThis as unknown as { cityops: unknown }).cityops = {
          connection: async () => ({ engineUrl, token, role: 'wall', mode: 'wall' }),
        };
      }, [engine.url ?? '', 'desktop-wall-token-0123456789']);
      await page.goto(`${engine.url}/?screen=overview`);
      await page.waitForFunction(() => (globalThis as unknown as { __cityops?: { client: { role: string | null } } }).__cityops?.client.role === 'wall', undefined, { timeout: 20_000 });
      expect(page.url()).not.toContain('token');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await engine.kill('SIGTERM');
      await server.dispose();
    }
  });
});
