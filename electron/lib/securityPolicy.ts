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

/**
 * The permissions the app's own pages are granted: reaching the engine on the loopback. Chromium's
 * Local Network Access gates a page's requests to 127.0.0.1 behind these (Electron 45 names
 * `loopback-network`, and `local-network-access` of the earlier builds); `local-network` (the LAN)
 * is not among them: the renderer talks only to its own engine.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['loopback-network', 'local-network-access']);

/** The app's own origin as Chromium reports it (`cityops://app`, with or without the slash). */
export function isAppOrigin(origin: string): boolean {
  return origin === APP_ORIGIN || origin === `${APP_ORIGIN}/`;
}

/** The part of Electron's `Session` that grants permissions. */
export interface PermissionSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string, requestingOrigin: string) => boolean): void;
}

/**
 * Electron grants every permission unless told otherwise: the wall and console get only the
 * loopback (GRANTED_PERMISSIONS), and only for the app's own pages, asked (request) or checked
 * (check, which most web APIs consult first); everything else is denied.
 */
export function setPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(GRANTED_PERMISSIONS.has(permission) && isAppUrl(details.requestingUrl ?? ''));
  });
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin) => GRANTED_PERMISSIONS.has(permission) && isAppOrigin(requestingOrigin));
}
