import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, openWall } from '../dev/testing/browser.js';
import { tempDir, waitFor } from '../dev/testing/harness.js';
import { freePort } from '../analytics/node/feeds/natsServerProcess.js';
import { desktopAnswers, handleDesktopIpc, type IpcHandlers } from './lib/desktopIpc.js';
import { APP_ORIGIN } from './lib/ipc.js';
import { SettingsStore, type SecretStorage } from './lib/settingsStore.js';

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
      const { page, errors } = await openWall(browser, wall.replace('/#', '/?screen=overview&debug=1#'));
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
  it('takes the engine and its token from window.cityops (the real preload, answered by the main process), not from the URL', async () => {
    const { builtCli, EngineProcess } = await import('../dev/testing/engineProcess.js');
    const { NatsServerProcess } = await import('../analytics/node/feeds/natsServerProcess.js');
    const server = await NatsServerProcess.start();
    const devices = `${tmp.dir}/devices.json`;
    const token = 'desktop-wall-token-0123456789';
    writeFileSync(devices, JSON.stringify([{ device: 'wall-desktop', role: 'wall', token }]));
    const engine = await EngineProcess.start(builtCli(), ['--nats', server.url, '--db', `${tmp.dir}/desk.duckdb`, '--port', String(await freePort()), '--devices', devices]);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      // the main process's own handlers; the page is served by the engine here, so its frame is
      // presented as the app's (the sender check itself is tested in electron/lib/desktopIpc.test.ts)
      const handlers = new Map<string, Parameters<IpcHandlers['handle']>[1]>();
      handleDesktopIpc({ handle: (c, l) => void handlers.set(c, l) }, desktopAnswers({
        connection: { engineUrl: engine.url ?? '', token, role: 'wall' }, mode: 'wall', store: new SettingsStore(`${tmp.dir}/settings.json`, NO_KEYRING),
        engine: () => ({ state: 'running', restarts: 0, crashLoop: false }), missingCells: () => [],
      }));
      const channels: string[] = [];
      await page.exposeFunction('__mainProcess', (channel: string, payload: unknown) => {
        channels.push(channel);
        return handlers.get(channel)?.({ senderFrame: { url: `${APP_ORIGIN}/index.html` } }, payload);
      });
      await page.addInitScript({ content: preloadInPage() });
      await page.goto(`${engine.url}/?screen=overview&debug=1`);
      await page.waitForFunction(() => (globalThis as unknown as { __cityops?: { client: { role: string | null } } }).__cityops?.client.role === 'wall', undefined, { timeout: 20_000 });
      expect(page.url()).not.toContain('token');
      expect(channels).toContain('desktop:connection');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await engine.kill('SIGTERM');
      await server.dispose();
    }
  });
});

const NO_KEYRING: SecretStorage = { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '', getSelectedStorageBackend: () => 'unknown' };

/** electron/preload.cts compiled, run in the page with `electron` whose ipcRenderer reaches __mainProcess. */
function preloadInPage(): string {
  const source = readFileSync(new URL('./preload.cts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, { fileName: 'preload.cts', compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  return `(() => {
    const electron = {
      contextBridge: { exposeInMainWorld: (name, api) => Object.defineProperty(globalThis, name, { value: Object.freeze(api) }) },
      ipcRenderer: { invoke: (channel, payload) => globalThis.__mainProcess(channel, payload) },
    };
    const require = (id) => { if (id !== 'electron') throw new Error('a sandboxed preload cannot require ' + id); return electron; };
    const module = { exports: {} };
    const exports = module.exports;
    ${outputText}
  })();`;
}
