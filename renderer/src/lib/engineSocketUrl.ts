import type { DesktopApi } from '../../../analytics/common/desktopApi';

const TOKEN_KEY = 'cityops.token';

/** The token comes once in the URL fragment (never sent to the server in a request line) and is kept locally. */
function takeToken(): string {
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  if (m?.[1]) {
    const token = decodeURIComponent(m[1]);
    localStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', location.pathname + location.search);
    return token;
  }
  return localStorage.getItem(TOKEN_KEY) ?? '';
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
