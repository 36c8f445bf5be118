// What the screenshot scripts share: where the pictures go, how each is saved and said, the live city they are taken on.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { packageRoot } from '../../analytics/node/paths.js';
import { launchChromium } from '../testing/browser.js';
import { startLiveCity, type LiveCity } from './liveCity.js';

type LiveCityOptions = Parameters<typeof startLiveCity>[0];

/** The city most screens are taken on: 600 assets, the gas leak, bridge overload, flood and a silent sensor, three times faster. */
export const SCENARIO_CITY: LiveCityOptions = { rate: 2000, assets: 600, scenarios: ['gas-leak', 'bridge-overload', 'flood', 'sensor-silent'], speed: 3, eventsPerMin: 20 };

/** docs/screenshots/<file> (the folder made when missing). */
export function shotPath(file: string): string {
  const out = join(packageRoot(), 'docs', 'screenshots');
  mkdirSync(out, { recursive: true });
  return join(out, file);
}

/** ` console errors: a | b` after a screenshot's name, nothing when the page logged none. */
export const errorsNote = (errors: readonly string[]): string => (errors.length ? ` console errors: ${errors.join(' | ')}` : '');

/** A page, or one part of it, saved as docs/screenshots/<name>.png and said on the output with the page's console errors. */
export async function saveShot(target: Page | Locator, name: string, errors: readonly string[] = []): Promise<void> {
  await target.screenshot({ path: shotPath(`${name}.png`) });
  console.log(`${name}.png${errorsNote(errors)}`);
}

/** Scenario time to accumulate before the first picture: SHOTS_WARMUP_MS, else `defaultMs`. */
export const warmUp = (defaultMs: number): Promise<void> => new Promise((r) => setTimeout(r, Number(process.env['SHOTS_WARMUP_MS'] ?? defaultMs)));

/** A live simulated city and Chromium for `shoot`; the browser is closed and the city stopped afterwards, whatever happened. */
export async function withLiveCity(o: LiveCityOptions, shoot: (city: LiveCity, browser: Browser) => Promise<void>): Promise<void> {
  const city = await startLiveCity(o);
  const browser = await launchChromium();
  try {
    await shoot(city, browser);
  } finally {
    await browser.close();
    await city.stop();
  }
}
