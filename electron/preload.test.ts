import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DESKTOP_CHANNELS } from '../analytics/common/desktopApi.js';

/**
 * The real preload (electron/preload.cts), compiled as the build compiles it and run the way a
 * sandboxed preload runs: in its own context, where `require` knows only `electron`. Here
 * `electron` is a stub that records what the preload exposes and which channels it invokes.
 */
function loadPreload(): { exposed: Map<string, unknown>; invoked: { channel: string; payload: unknown }[]; required: string[]; ipcRenderer: Record<string, unknown> } {
  const source = readFileSync(new URL('./preload.cts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, { fileName: 'preload.cts', compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true } });
  const exposed = new Map<string, unknown>();
  const invoked: { channel: string; payload: unknown }[] = [];
  const required: string[] = [];
  const ipcRenderer: Record<string, unknown> = {
    // the real invoke structured-clones its payload (a Proxy or a function throws "could not be cloned")
    invoke: (channel: string, payload: unknown) => {
      invoked.push({ channel, payload: structuredClone(payload) });
      return Promise.resolve({ answeredBy: channel });
    },
    send: () => undefined, on: () => undefined, sendSync: () => undefined, postMessage: () => undefined,
  };
  const contextBridge = {
    exposeInMainWorld: (name: string, api: unknown) => {
      if (exposed.has(name)) throw new Error(`${name} exposed twice`);
      exposed.set(name, api);
    },
  };
  const require = (id: string): unknown => {
    required.push(id);
    if (id === 'electron') return { contextBridge, ipcRenderer };
    throw new Error(`a sandboxed preload cannot require ${id}`);
  };
  const module = { exports: {} };
  runInNewContext(outputText, { require, module, exports: module.exports, Promise, Object }, { filename: 'preload.cjs' });
  return { exposed, invoked, required, ipcRenderer };
}

const CONTRACT = Object.keys(DESKTOP_CHANNELS).sort();

/** Every value reachable from `v` (functions' own properties included), to look for a leak. */
function reachable(v: unknown, seen = new Set<unknown>()): Set<unknown> {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) return seen;
  seen.add(v);
  for (const key of Reflect.ownKeys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, key);
    if (d && 'value' in d) reachable(d.value, seen);
  }
  return seen;
}

describe('the preload', () => {
  it('requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    expect(loadPreload().required).toEqual(['electron']);
  });

  it('exposes one object, window.cityops, with one function per channel of the contract', () => {
    const { exposed } = loadPreload();
    expect([...exposed.keys()]).toEqual(['cityops']);
    const api = exposed.get('cityops') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(CONTRACT.map((c) => c.slice('desktop:'.length)).sort());
    for (const f of Object.values(api)) expect(typeof f).toBe('function');
  });

  it('never exposes ipcRenderer or any of its methods', () => {
    const { exposed, ipcRenderer } = loadPreload();
    const leaked = reachable(exposed.get('cityops'));
    expect(leaked.has(ipcRenderer)).toBe(false);
    for (const method of Object.values(ipcRenderer)) expect(leaked.has(method)).toBe(false);
  });

  it('sends each function to its own channel only, whatever the page passes, and returns the answer', async () => {
    const { exposed, invoked } = loadPreload();
    const api = exposed.get('cityops') as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const [name, f] of Object.entries(api)) {
      // a page trying to pick the channel itself
      expect(await f({ channel: 'desktop:eval' }, 'desktop:eval')).toEqual({ answeredBy: `desktop:${name}` });
    }
    expect(invoked.map((i) => i.channel).sort()).toEqual(CONTRACT);
    expect(invoked.every((i) => CONTRACT.includes(i.channel))).toBe(true);
  });

  it('sends an empty request when the page passes none', async () => {
    const { exposed, invoked } = loadPreload();
    await (exposed.get('cityops') as { status: (req?: unknown) => Promise<unknown> }).status();
    expect(invoked).toEqual([{ channel: 'desktop:status', payload: {} }]);
  });
});
