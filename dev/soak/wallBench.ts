/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { CDPSession, Page } from 'playwright-core';
import { percentile, round } from '../bench/stats.js';
import { launchChromium, openWall } from '../testing/browser.js';
import { startLiveCity } from './liveCity.js';

async function taskSeconds(cdp: CDPSession): Promise<number> {
  const m = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return m.metrics.find((x) => x.name === 'TaskDuration')?.value ?? 0;
}

async function hasLiveData(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const charts = (globalThis as unknown as { __charts?: { instances: Set<{ getDom(): HTMLElement; getOption(): { series?: { data?: unknown[] }[] } }> } }).__charts;
    if (!charts) return false;
    const trends = [...charts.instances].filter((c) => c.getDom().dataset['chart'] === 'trend');
    const kpi = document.querySelector('[data-kpi="gas"] .big')?.textContent ?? '';
    return trends.some((c) => (c.getOption().series?.[2]?.data?.length ?? 0) > 0) && /^[1-9]/.test(kpi);
  });
}

/**
 * The wall's speed in headless Chromium: main-thread work per second while 24 panels update at
 * 1 Hz (Chrome's own TaskDuration metric), and the time from opening the page to live data.
 */
export async function wallBench(seconds: number): Promise<Record<string, unknown>> {
  const city = await startLiveCity({ rate: 2000, assets: 600 });
  const browser = await launchChromium();
  try {
    await new Promise((r) => setTimeout(r, 15_000));
    // first screen with live data, from navigation
    const firstScreen: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const { page } = await openWall(browser, city.url('?screen=overview&debug=1'));
      while (!(await hasLiveData(page))) await page.waitForTimeout(20);
      firstScreen.push(performance.now() - t0);
      await page.close();
    }
    const { page, errors } = await openWall(browser, city.url('?screen=bench24&debug=1'));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.waitForTimeout(10_000);
    const perSecond: number[] = [];
    let last = await taskSeconds(cdp);
    for (let i = 0; i < seconds; i++) {
      await page.waitForTimeout(1000);
      const now = await taskSeconds(cdp);
      perSecond.push((now - last) * 1000);
      last = now;
    }
    await page.evaluate(() => { (globalThis as unknown as { __charts: { updateMs: number[] } }).__charts.updateMs.length = 0; });
    await page.waitForTimeout(30_000);
    const { charts, updates } = await page.evaluate(() => {
      const c = (globalThis as unknown as { __charts: { live: number; updateMs: number[] } }).__charts;
      return { charts: c.live, updates: [...c.updateMs] };
    });
    return {
      serveReadyMs: round(city.readyMs), firstScreenMs: firstScreen.map((x) => round(x)), firstScreenMaxMs: round(Math.max(...firstScreen)),
      panels: charts, seconds, mainThreadMsPerSecondP50: round(percentile(perSecond, 50)), mainThreadMsPerSecondP95: round(percentile(perSecond, 95)),
      mainThreadMsPerSecondMax: round(Math.max(...perSecond)),
      chartUpdates: updates.length, chartUpdateP50Ms: round(percentile(updates, 50), 2), chartUpdateP95Ms: round(percentile(updates, 95), 2),
      chartUpdateMaxMs: round(Math.max(...updates), 2), consoleErrors: errors.length,
    };
  } finally {
    await browser.close();
    await city.stop();
  }
}
