import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { packageRoot } from '../../analytics/node/paths.js';
import { runMain } from '../../analytics/node/runMain.js';
import { launchChromium, openWall } from '../testing/browser.js';
import { waitFor } from '../testing/harness.js';
import { startLiveCity } from './liveCity.js';

/**
 * docs/screenshots/replay-wall.png and replay-console.png (`npm run build && node dist/dev/soak/replayScreenshots.js`):
 * the simulated city runs its scenarios for a while (SHOTS_WARMUP_MS), then the wall's overview and
 * the console look back and jump to the first alarm of the timeline.
 */
async function main(): Promise<void> {
  const out = join(packageRoot(), 'docs', 'screenshots');
  mkdirSync(out, { recursive: true });
  const city = await startLiveCity({ rate: 2000, assets: 600, scenarios: ['gas-leak', 'bridge-overload', 'flood', 'sensor-silent'], speed: 3, eventsPerMin: 20 });
  const browser = await launchChromium();
  const lookBack = async (page: Page): Promise<void> => {
    await page.keyboard.press('b');
    await page.locator('[data-replay-timeline]').waitFor();
    await waitFor(async () => (await page.locator('[data-replay-timeline]').getAttribute('data-mode')) || null, 'the timeline');
    // the first alarm of the window, then where the data answers for it
    await page.keyboard.press('Home');
    await page.locator('[data-replay="next-alarm"]').first().click();
    await waitFor(async () => (await page.locator('[data-replay-banner]').first().getAttribute('data-at')) === (await page.locator('[data-replay-timeline]').getAttribute('data-cursor')) || null, 'the data as of the cursor');
    await page.waitForTimeout(4000);
  };
  try {
    await new Promise((r) => setTimeout(r, Number(process.env['SHOTS_WARMUP_MS'] ?? 150_000)));
    for (const [name, q] of [['replay-wall', '?screen=overview'], ['replay-console', '?view=console']] as const) {
      const { page, errors } = await openWall(browser, city.url(q), 1920, 1080);
      await page.waitForTimeout(6000);
      await lookBack(page);
      await page.screenshot({ path: join(out, `${name}.png`) });
      console.log(`${name}.png${errors.length ? ` console errors: ${errors.join(' | ')}` : ''}`);
      await page.close();
    }
  } finally {
    await browser.close();
    await city.stop();
  }
}

runMain(main);
