/**
 * The preload: exposes exactly the shell's IPC contract as `window.cityops`, nothing else (no
 * ipcRenderer, no Node). It runs sandboxed, so it imports only types from the shared contract; the
 * channel list below is checked against the contract's keys by the compiler.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { DesktopApi, DesktopChannel } from '../analytics/common/desktopApi.js';

const CHANNELS = ['desktop:connection', 'desktop:settings:get', 'desktop:settings:save', 'desktop:status'] as const satisfies readonly DesktopChannel[];
// every channel of the contract is exposed (a compile error here means the list is out of date)
type Missing = Exclude<DesktopChannel, (typeof CHANNELS)[number]>;
const complete: Missing extends never ? true : false = true;

const api = Object.fromEntries(CHANNELS.map((c) => [c.slice('desktop:'.length), (req: unknown) => ipcRenderer.invoke(c, req ?? {})])) as unknown as DesktopApi;
if (complete) contextBridge.exposeInMainWorld('cityops', api);
