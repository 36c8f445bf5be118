/**
 * What the shell allows its windows (the web preferences are in appWindow.ts): the renderer's CSP,
 * the app's own pages and the guards on every web contents, as values a test asserts. The Electron
 * objects come in as the few methods used, so the guards run in Node without Electron.
 */
import { APP_ORIGIN } from './ipc.js';

/** The renderer's CSP: its own files only, no eval, and connections only to the local engine. */
export function rendererCsp(engineUrl: string): string {
  const ws = engineUrl.replace(/^http/, 'ws');
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ${engineUrl} ${ws}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`;
}

/** The page a window loads: the app's index.html on its own scheme, never file://. */
export function appPage(query: string): string {
  return `${APP_ORIGIN}/index.html${query}`;
}

/** A URL of the app itself (the custom scheme's own host), the only place a window may go. */
export function isAppUrl(url: string): boolean {
  return url.startsWith(`${APP_ORIGIN}/`);
}

export interface Preventable {
  preventDefault(): void;
}

/** The part of Electron's `WebContents` the guards use. */
export interface GuardedContents {
  on(event: 'will-navigate', listener: (event: Preventable, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: Preventable, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
}

/** Nothing navigates or redirects away from the app, no new windows, no webviews. */
export function guardContents(contents: GuardedContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The part of Electron's `Session` that grants permissions. */
export interface PermissionSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
}

/** Electron grants every permission unless told otherwise: the wall and console need none. */
export function denyPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
