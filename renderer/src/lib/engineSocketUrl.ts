import type { DesktopApi } from '../../../analytics/common/desktopApi';

/** Before each page kept its own token, every page shared this one: it is never read again. */
const SHARED_KEY = 'cityops.token';

/**
 * Each kind of page (wall, console, analysis) keeps its own token: a page that read whatever token was stored
 * last took the role of the last page opened in that browser (a console became 管理员 after the
 * wall was opened with the administrator's address). A page's role comes only from its own address.
 */
function tokenKey(): string {
  const view = new URLSearchParams(location.search).get('view');
  return `cityops.token.${view === 'console' || view === 'analysis' ? view : 'wall'}`;
}

/** The token comes once in the URL fragment (never sent to the server in a request line) and is kept locally. */
function takeToken(): string {
  localStorage.removeItem(SHARED_KEY);
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  if (m?.[1]) {
    const token = decodeURIComponent(m[1]);
    localStorage.setItem(tokenKey(), token);
    history.replaceState(null, '', location.pathname + location.search);
    return token;
  }
  return localStorage.getItem(tokenKey()) ?? '';
}

/**
 * Where the engine API is: in the desktop app the shell says (the page comes from its own scheme),
 * in a browser it is the server that served the page, with the token from the URL.
 */
export async function engineSocketUrl(): Promise<string> {
  const desktop = (globalThis as { cityops?: DesktopApi }).cityops;
  if (desktop) {
    const c = await desktop.connection({});
    return `${c.engineUrl.replace(/^http/, 'ws')}/api/ws?token=${encodeURIComponent(c.token)}`;
  }
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws?token=${encodeURIComponent(takeToken())}`;
}
