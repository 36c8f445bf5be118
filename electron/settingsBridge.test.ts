import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileModule } from 'svelte/compiler';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { DESKTOP_CHANNELS, type DesktopRequest, type DesktopSettings } from '../analytics/common/desktopApi.js';

const PAGE = new URL('../renderer/src/console/Settings.svelte', import.meta.url);

interface PageModule {
  saveRequest(form: DesktopSettings, password: string, roleToken: string): DesktopRequest<'desktop:settings:save'>;
  /** `$state(value)` as the renderer makes it: Svelte's deeply reactive Proxy. */
  stateOf<T>(value: T): T;
}

/**
 * The settings page's module script, compiled as Svelte compiles it for the browser (where `$state`
 * is a Proxy; the tests' own Svelte plugin compiles for the server, where it is not), with a helper
 * making state the same way. Read as text: the shell's tests do not import the renderer.
 */
const tmp = mkdtempSync(join(tmpdir(), 'cityops-settings-page-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
async function loadPage(): Promise<PageModule> {
  const source = readFileSync(PAGE, 'utf8');
  const script = /<script lang="ts" module>([\s\S]*?)<\/script>/.exec(source)?.[1];
  if (script === undefined) throw new Error('Settings.svelte has no module script');
  const js = ts.transpileModule(`${script}\nexport function stateOf(v) { const s = $state(v); return s; }\n`, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const runtime = pathToFileURL(createRequire(import.meta.url).resolve('svelte/internal/client')).href;
  const compiled = compileModule(js, { generate: 'client', filename: 'Settings.svelte.js' }).js.code.replaceAll("'svelte/internal/client'", `'${runtime}'`);
  const file = join(tmp, `page-${Date.now()}.mjs`);
  writeFileSync(file, compiled);
  return (await import(pathToFileURL(file).href)) as PageModule;
}

/**
 * Stands in for the preload bridge the way the real one copies: the page's argument goes to the
 * structured-clone serialiser (contextBridge, then ipcRenderer.invoke), which refuses a Proxy.
 */
const bridge = <T, R>(main: (req: T) => R) => (req: T): R => main(structuredClone(req));

describe('the settings page handing its form to the preload bridge', () => {
  const saved: unknown[] = [];
  const save = bridge((req: unknown) => {
    saved.push(DESKTOP_CHANNELS['desktop:settings:save'].request.parse(req));
    return { ok: true, refused: null };
  });
  const initial = (): DesktopSettings => ({ mode: 'workstation', natsUrl: 'nats://127.0.0.1:4222', natsUser: '', wall: '1x1', startAtLogin: false });

  it('the stand-in bridge refuses the $state proxy itself, as the real one does (the bug guarded against)', async () => {
    const page = await loadPage();
    const form = page.stateOf(initial());
    expect(() => save({ settings: form, secrets: {} })).toThrow(/could not be cloned/);
  });

  it('sends a plain snapshot of the form as edited, with the secrets typed, through the bridge', async () => {
    const page = await loadPage();
    const form = page.stateOf(initial());
    // what bind:value does as the operator types
    form.mode = 'wall';
    form.wall = '2x2';
    form.startAtLogin = true;
    const req = page.saveRequest(form, 's3cret', '');
    expect(save(req)).toEqual({ ok: true, refused: null });
    expect(saved.at(-1)).toEqual({
      settings: { mode: 'wall', natsUrl: 'nats://127.0.0.1:4222', natsUser: '', wall: '2x2', startAtLogin: true },
      secrets: { natsPassword: 's3cret' },
    });
  });

  it('is what the page hands to the bridge, its only save', () => {
    const source = readFileSync(PAGE, 'utf8');
    expect(source).toContain("desktop['settings:save'](saveRequest(form, password, roleToken))");
    expect(source.match(/\['settings:save'\]\(/g)).toHaveLength(1);
  });
});
