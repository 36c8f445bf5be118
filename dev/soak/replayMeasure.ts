/// <reference lib="dom" />
import type { CDPSession, Page } from 'playwright-core';
import { openBundle } from '../../analytics/node/cli/openCommand.js';
import { runMain } from '../../analytics/node/runMain.js';
import { launchChromium, openWall } from '../testing/browser.js';
import { waitFor } from '../testing/harness.js';
import { startLiveCity } from './liveCity.js';

/**
 * Replay on the wall's overview, measured (`npm run build && node dist/dev/soak/replayMeasure.js`),
 * not a test: main-thread work per second and the frame interval's p95 while playing at 60× (and
 * on the live overview for comparison), and how long the wall takes to be fully redrawn after a
 * seek (the clock set, every query answered, two frames drawn). Prints one JSON line per figure.
 *
 * With MEASURE_BUNDLE=<folder> the wall is opened over that bundle (`cityops open`, e.g. the 10-million-
 * reading bundle of `npm run bench -- replay` kept with BENCH_KEEP) instead of the live city, and the
 * seeks are MEASURE_SEEKS (40) clicks at random places of the timeline (a fixed seed), for a p95.
 */
const SECONDS = Number(process.env['MEASURE_S'] ?? 20);

interface Hooked {
  __cityops: { client: { query: (...a: unknown[]) => Promise<unknown>; setClock: (...a: unknown[]) => Promise<unknown> } };
  __charts: { updateMs: number[] };
  __inflight: number;
  __sets: number;
  /** When the last answer on its way came (the page's clock). */
  __answeredAt: number;
}

/** Counts queries and clock.set commands on their way (the page's one client, through the debug hook). */
async function hookClient(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as Hooked;
    const c = g.__cityops.client;
    g.__inflight = 0;
    g.__sets = 0;
    const wrap = (name: 'query' | 'setClock'): void => {
      const f = c[name].bind(c);
      c[name] = (...a: unknown[]) => {
        g.__inflight++;
        if (name === 'setClock') g.__sets++;
        return f(...a).finally(() => {
          g.__inflight--;
          g.__answeredAt = performance.now();
        });
      };
    };
    wrap('query');
    wrap('setClock');
  });
}

/** Main-thread work and frame intervals over `seconds` of whatever the page is doing. */
async function frames(page: Page, seconds: number): Promise<Record<string, number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async (): Promise<Record<string, number>> => Object.fromEntries(((await cdp.send('Performance.getMetrics')).metrics).map((m) => [m.name, m.value]));
  const before = await metric();
  const sets0 = await page.evaluate(() => (globalThis as unknown as Hooked).__sets);
  const sample = await page.evaluate(async (ms) => {
    const deltas: number[] = [];
    let longMs = 0;
    let longN = 0;
    const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) { longMs += e.duration; longN++; } });
    obs.observe({ type: 'longtask', buffered: false });
    await new Promise<void>((done) => {
      const start = performance.now();
      let last = start;
      const step = (t: number): void => {
        deltas.push(t - last);
        last = t;
        if (t - start < ms) requestAnimationFrame(step);
        else done();
      };
      requestAnimationFrame(step);
    });
    obs.disconnect();
    return { deltas, longMs, longN };
  }, seconds * 1000);
  const after = await metric();
  const sets = (await page.evaluate(() => (globalThis as unknown as Hooked).__sets)) - sets0;
  const d = sample.deltas.slice(1).sort((a, b) => a - b);
  const q = (p: number): number => d[Math.min(d.length - 1, Math.floor(p * d.length))] ?? 0;
  const per = (k: string): number => Math.round((((after[k] ?? 0) - (before[k] ?? 0)) * 1000) / seconds);
  return {
    taskMsPerS: per('TaskDuration'), scriptMsPerS: per('ScriptDuration'), layoutMsPerS: per('LayoutDuration'), styleMsPerS: per('RecalcStyleDuration'),
    frames: d.length, frameP50Ms: Math.round(q(0.5) * 10) / 10, frameP95Ms: Math.round(q(0.95) * 10) / 10, frameMaxMs: Math.round((d.at(-1) ?? 0) * 10) / 10,
    longTasks: sample.longN, longTaskMsPerS: Math.round(sample.longMs / seconds), clockSetsPerS: Math.round((sets / seconds) * 10) / 10,
  };
}

/** From `start` (the page's clock) to the wall fully redrawn: the banner as of the cursor, no query on its way, two frames drawn. */
async function redrawnSince(page: Page, start: number): Promise<number> {
  return page.evaluate(async (s) => {
    const g = globalThis as unknown as Hooked;
    const cursor = (): string | null => document.querySelector('[data-replay-timeline]')?.getAttribute('data-cursor') ?? null;
    const at = (): string | null => document.querySelector('[data-replay-banner]')?.getAttribute('data-at') ?? null;
    const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));
    for (;;) {
      await frame();
      if (g.__inflight === 0 && at() === cursor()) break;
    }
    await frame();
    await frame();
    return Math.round(performance.now() - s);
  }, start);
}

/** From a key press to the wall fully redrawn. */
async function seekMs(page: Page, key: string): Promise<number> {
  const t0 = await page.evaluate((k) => {
    const t = performance.now();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey: k === 'ArrowRight', bubbles: true }));
    return t;
  }, key);
  return redrawnSince(page, t0);
}

/** One seek: to the wall fully redrawn, to the last answer, the charts' setOption time and the main thread's work meanwhile. */
interface Seek { ms: number; answeredMs: number; chartMs: number; taskMs: number; scriptMs: number }

/** From a click on the timeline's track at `fraction` of its width to the wall fully redrawn there. */
async function clickSeek(page: Page, cdp: CDPSession, fraction: number): Promise<Seek> {
  const box = await page.locator('[data-replay-track]').boundingBox();
  if (!box) throw new Error('no timeline track');
  const metric = async (): Promise<Record<string, number>> => Object.fromEntries(((await cdp.send('Performance.getMetrics')).metrics).map((m) => [m.name, m.value]));
  const before = await metric();
  const { t0, charts0 } = await page.evaluate(() => ({ t0: performance.now(), charts0: (globalThis as unknown as Hooked).__charts.updateMs.length }));
  await page.mouse.click(box.x + 2 + fraction * (box.width - 4), box.y + box.height / 2);
  const ms = await redrawnSince(page, t0);
  const after = await metric();
  const { answeredMs, chartMs } = await page.evaluate(({ t, c }) => {
    const g = globalThis as unknown as Hooked;
    // the timings array keeps the newest 2,000: fewer than that are drawn in a seek
    return { answeredMs: Math.round(g.__answeredAt - t), chartMs: Math.round(g.__charts.updateMs.slice(Math.min(c, g.__charts.updateMs.length)).reduce((a, b) => a + b, 0)) };
  }, { t: t0, c: charts0 });
  const d = (k: string): number => Math.round(((after[k] ?? 0) - (before[k] ?? 0)) * 1000);
  return { ms, answeredMs, chartMs, taskMs: d('TaskDuration'), scriptMs: d('ScriptDuration') };
}

/** The wall over a bundle: seeks to random instants of its window, their p50/p95/max. */
async function measureBundle(dir: string): Promise<void> {
  const opened = await openBundle({ dir, host: '127.0.0.1', port: 0, verify: true });
  const wallDevice = opened.devices.find((d) => d.role === 'wall');
  if (!wallDevice) throw new Error('no wall device');
  const browser = await launchChromium();
  try {
    const { page, errors } = await openWall(browser, `${opened.server.url}/?screen=overview&debug=1#token=${wallDevice.token}`, 1920, 1080);
    await page.locator('[data-replay-timeline]').waitFor();
    await waitFor(async () => (await page.locator('[data-replay-timeline]').getAttribute('data-mode')) || null, 'the timeline');
    await page.waitForTimeout(8000);
    await hookClient(page);
    let seed = 20261127;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const n = Number(process.env['MEASURE_SEEKS'] ?? 40);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const all: Seek[] = [];
    for (let i = 0; i < n; i++) all.push(await clickSeek(page, cdp, random()));
    const quantiles = (xs: number[]): { p50: number; p95: number; max: number } => {
      const sorted = [...xs].sort((a, b) => a - b);
      const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
      return { p50: q(0.5), p95: q(0.95), max: sorted.at(-1) ?? NaN };
    };
    const seeks = all.map((s) => s.ms);
    console.log(JSON.stringify({ what: `seek to fully redrawn over the bundle (ms), ${n} random instants`, ...quantiles(seeks), seeks }));
    // where a seek's time goes: waiting for the answers, the charts' setOption, the main thread's work in all
    console.log(JSON.stringify({
      what: 'per seek (ms, p50/p95/max): the last answer, charts setOption, main-thread task, script',
      answered: quantiles(all.map((s) => s.answeredMs)), charts: quantiles(all.map((s) => s.chartMs)), task: quantiles(all.map((s) => s.taskMs)), script: quantiles(all.map((s) => s.scriptMs)),
    }));
    await page.locator('[data-replay="speed"]').first().selectOption('60');
    await page.locator('[data-replay="play"]').first().click();
    await page.waitForTimeout(1000);
    console.log(JSON.stringify({ what: 'bundle replay at 60× on the overview', ...(await frames(page, SECONDS)) }));
    if (errors.length) console.log(`console errors: ${errors.join(' | ')}`);
  } finally {
    await browser.close();
    await opened.stop();
  }
}

async function main(): Promise<void> {
  const bundle = process.env['MEASURE_BUNDLE'];
  if (bundle) {
    await measureBundle(bundle);
    return;
  }
  const city = await startLiveCity({ rate: 2000, assets: 600, scenarios: ['gas-leak', 'bridge-overload', 'flood', 'sensor-silent'], speed: 3, eventsPerMin: 20 });
  const browser = await launchChromium();
  try {
    await new Promise((r) => setTimeout(r, Number(process.env['MEASURE_WARMUP_MS'] ?? 120_000)));
    const { page, errors } = await openWall(browser, city.url('?screen=overview&debug=1'), 1920, 1080);
    await page.waitForTimeout(8000);
    await hookClient(page);
    console.log(JSON.stringify({ what: 'live overview', ...(await frames(page, SECONDS)) }));
    await page.keyboard.press('b');
    await page.locator('[data-replay-timeline]').waitFor();
    await waitFor(async () => (await page.locator('[data-replay-timeline]').getAttribute('data-mode')) || null, 'the timeline');
    const seeks: number[] = [];
    for (const key of ['Home', 'ArrowRight', 'ArrowRight', 'n', 'n', 'End', 'Home']) seeks.push(await seekMs(page, key));
    const sorted = [...seeks].sort((a, b) => a - b);
    console.log(JSON.stringify({ what: 'seek to fully redrawn (ms)', seeks, median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) }));
    await page.locator('[data-replay="speed"]').first().selectOption('60');
    await page.locator('[data-replay="play"]').first().click();
    await page.waitForTimeout(1000);
    console.log(JSON.stringify({ what: 'replay at 60× on the overview', ...(await frames(page, SECONDS)) }));
    await page.locator('[data-replay="play"]').first().click();
    if (errors.length) console.log(`console errors: ${errors.join(' | ')}`);
  } finally {
    await browser.close();
    await city.stop();
  }
}

runMain(main);
