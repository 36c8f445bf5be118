import { mount } from 'svelte';
import App from './App.svelte';
import Console from './console/Console.svelte';
import Settings from './console/Settings.svelte';
import './app.css';
import { chartCount } from './lib/chart.svelte';
import { exposeDebugHook } from './lib/debugHooks';
import { engineSocketUrl } from './lib/engineSocketUrl';
import type { Lang } from './lib/i18n';
import { loadWall } from './wall/loadWall';

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const target = document.getElementById('app');
  if (!target) return;
  try {
    const lang: Lang = params.get('lang') === 'en' ? 'en' : 'zh';
    if (params.get('view') === 'settings') {
      mount(Settings, { target, props: { lang } });
      return;
    }
    const wsUrl = await engineSocketUrl();
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    if (params.get('view') === 'analysis') {
      // the analyst's workbench: SQL, charts and correlation over the live engine or an opened bundle
      document.body.style.overflow = 'auto';
      const { default: Workbench } = await import('./analysis/Workbench.svelte');
      mount(Workbench, { target, props: { wsUrl, initialLang: lang } });
      return;
    }
    if (params.get('view') === 'console') {
      // the shift leader's workstation: a normal window, not a wall
      document.body.style.overflow = 'hidden';
      mount(Console, { target, props: { wsUrl, initialLang: lang } });
      exposeDebugHook('__charts', chartCount);
      return;
    }
    const wall = await loadWall(params);
    const d = params.get('display');
    mount(App, { target, props: { wall, onlyDisplay: d === null ? null : Number(d), wsUrl, initialLang: lang } });
    exposeDebugHook('__charts', chartCount);
  } catch (e) {
    target.innerHTML = `<p class="fatal"></p>`;
    const p = target.querySelector('.fatal');
    if (p) p.textContent = e instanceof Error ? e.message : String(e);
  }
}

void start();
