import type { Page } from 'playwright-core';
import { runMain } from '../../analytics/node/runMain.js';
import { openWall } from '../testing/browser.js';
import { waitFor } from '../testing/harness.js';
import { SCENARIO_CITY, saveShot, warmUp, withLiveCity } from './shots.js';

/** The page looks back (b) and jumps to the first alarm of the timeline, once the data answers as of the cursor. */
async function lookBack(page: Page): Promise<void> {
  await page.keyboard.press('b');
  await page.locator('[data-replay-timeline]').waitFor();
  await waitFor(async () => (await page.locator('[data-replay-timeline]').getAttribute('data-mode')) || null, 'the timeline');
  // the first alarm of the window, then where the data answers for it
  await page.keyboard.press('Home');
  await page.locator('[data-replay="next-alarm"]').first().click();
  await waitFor(async () => (await page.locator('[data-replay-banner]').first().getAttribute('data-at')) === (await page.locator('[data-replay-timeline]').getAttribute('data-cursor')) || null, 'the data as of the cursor');
  await page.waitForTimeout(4000);
}

/**
 * docs/screenshots/replay-wall.png and replay-console.png (`npm run build && node dist/dev/soak/replayScreenshots.js`):
 * the simulated city runs its scenarios for a while (SHOTS_WARMUP_MS), then the wall's overview and
 * the console look back and jump to the first alarm of the timeline.
 */
async function main(): Promise<void> {
  await withLiveCity(SCENARIO_CITY, async (city, browser) => {
    await warmUp(150_000);
    for (const [name, q] of [['replay-wall', '?screen=overview'], ['replay-console', '?view=console']] as const) {
      const { page, errors } = await openWall(browser, city.url(q), 1920, 1080);
      await page.waitForTimeout(6000);
      await lookBack(page);
      await saveShot(page, name, errors);
      await page.close();
    }
  });
}

runMain(main);
