import { join } from 'node:path';
import { runMain } from '../../analytics/node/runMain.js';
import { packageRoot } from '../../analytics/node/paths.js';
import { launchChromium, openWall } from '../testing/browser.js';
import { startLiveCity } from './liveCity.js';

/**
 * docs/screenshots/permits.png (and permits-en.png): the console at 1920×1080 on the live demo city
 * with its 审批排查 tab open: the campaign per district and the findings with their departments.
 */
async function main(): Promise<void> {
  const city = await startLiveCity({ rate: 200, assets: 200 });
  const browser = await launchChromium();
  try {
    for (const [name, q] of [['permits', '?view=console'], ['permits-en', '?view=console&lang=en']] as const) {
      const { page, errors } = await openWall(browser, city.url(q), 1920, 1080);
      await page.locator('[data-console]').waitFor();
      await page.locator('[data-tab="permits"]').click();
      await page.locator('[data-permit-finding]').first().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(packageRoot(), 'docs', 'screenshots', `${name}.png`) });
      if (name === 'permits') {
        // the map layer, in the tab's own place
        await page.locator('[data-permits-map-toggle]').click();
        await page.locator('[data-chart="permits-map"] canvas').first().waitFor();
        await page.waitForTimeout(1500);
        await page.locator('section.risks').screenshot({ path: join(packageRoot(), 'docs', 'screenshots', 'permits-map.png') });
      }
      console.log(`${name}.png${errors.length ? ` console errors: ${errors.join(' | ')}` : ''}`);
      await page.close();
    }
  } finally {
    await browser.close();
    await city.stop();
  }
}

runMain(main);
