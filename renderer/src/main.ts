import { mount } from 'svelte';
import App from './App.svelte';
import Console from './console/Console.svelte';
import Settings from './console/Settings.svelte';
import './app.css';
import { chartCount } from './lib/chart.svelte';
import type { DesktopApi } from '../../analytics/common/desktopApi';
import type { Lang } from './lib/i18n';
import { singleDisplayWall, WallConfigSchema, type WallConfig } from './wall/wallConfig';

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

async function loadWall(params: URLSearchParams): Promise<WallConfig> {
  const screen = params.get('screen');
  if (screen) return singleDisplayWall([screen], 3600);
  const name = params.get('wall') ?? '1x1';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new Error(`bad wall name ${name}`);
  const res = await fetch(`walls/${name}.json`);
  if (!res.ok) throw new Error(`wall configuration walls/${name}.json: HTTP ${res.status}`);
  const parsed = WallConfigSchema.safeParse(await res.json());
  if (!parsed.success) throw new Error(`wall configuration ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const rotate = params.get('rotate');
  return rotate ? { ...parsed.data, rotateS: Math.max(3, Number(rotate)) } : parsed.data;
}

/**
 * Where the engine API is: in the desktop app the shell says (the page comes from its own scheme),
 * in a browser it is the server that served the page, with the token from the URL.
 */
async function engineSocketUrl(): Promise<string> {
  const desktop = (globalThis as { cityops?: DesktopApi }).cityops;
  if (desktop) {
    const c = await desktop.connection({});
    return `${c.engineUrl.replace(/^http/, 'ws')}/api/ws?token=${encodeURIComponent(c.token)}`;
  }
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws?token=${encodeURIComponent(takeToken())}`;
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const target = document.getElementById('app');
  if (!target) return;
  try {
    const lang0: Lang = params.get('lang') === 'en' ? 'en' : 'zh';
    if (params.get('view') === 'settings') {
      mount(Settings, { target, props: { lang: lang0 } });
      return;
    }
    const wsUrl = await engineSocketUrl();
    if (params.get('view') === 'console') {
      // the shift leader's workstation: a normal window, not a wall
      document.documentElement.lang = lang0 === 'zh' ? 'zh-CN' : 'en';
      document.body.style.overflow = 'hidden';
      mount(Console, { target, props: { wsUrl, initialLang: lang0 } });
      return;
    }
    const wall = await loadWall(params);
    const d = params.get('display');
    const lang: Lang = params.get('lang') === 'en' ? 'en' : 'zh';
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    mount(App, { target, props: { wall, onlyDisplay: d === null ? null : Number(d), wsUrl, initialLang: lang } });
    (globalThis as { __charts?: unknown }).__charts = chartCount;
  } catch (e) {
    target.innerHTML = `<p class="fatal"></p>`;
    const p = target.querySelector('.fatal');
    if (p) p.textContent = e instanceof Error ? e.message : String(e);
  }
}

void start();
