import { runMain } from '../../analytics/node/runMain.js';
import { openWall } from '../testing/browser.js';
import { errorsNote, shotPath, withLiveCity } from './shots.js';

/**
 * docs/screenshots/permits.png (and permits-en.png): the console at 1920×1080 on the live demo city
 * with its 审批排查 tab open: the campaign per district and the findings with their departments.
 */
async function main(): Promise<void> {
  await withLiveCity({ rate: 200, assets: 200 }, async (city, browser) => {
    for (const [name, q] of [['permits', '?view=console'], ['permits-en', '?view=console&lang=en']] as const) {
      const { page, errors } = await openWall(browser, city.url(q), 1920, 1080);
      await page.locator('[data-console]').waitFor();
      await page.locator('[data-tab="permits"]').click();
      await page.locator('[data-permit-finding]').first().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(1500);
      await page.screenshot({ path: shotPath(`${name}.png`) });
      if (name === 'permits') {
        // the map layer, in the tab's own place
        await page.locator('[data-permits-map-toggle]').click();
        await page.locator('[data-chart="permits-map"] canvas').first().waitFor();
        await page.waitForTimeout(1500);
        await page.locator('section.risks').screenshot({ path: shotPath('permits-map.png') });
      }
      console.log(`${name}.png${errorsNote(errors)}`);
      await page.close();
    }
  });
}

runMain(main);
