import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CITYOPS_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Debian's Chromium, headless, as the wall tests and benchmarks drive it. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, ...extraArgs] });
}

export interface WatchedPage {
  page: Page;
  errors: string[];
}

/** A page at the given viewport whose console errors and page errors are collected. */
export async function openWall(browser: Browser, url: string, width = 1920, height = 1080): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width, height }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  return { page, errors };
}
