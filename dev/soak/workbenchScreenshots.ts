import { runMain } from '../../analytics/node/runMain.js';
import { openWall } from '../testing/browser.js';
import { waitFor } from '../testing/harness.js';
import { saveShot, warmUp, withLiveCity } from './shots.js';

/**
 * docs/screenshots/workbench.png, workbench-correlation.png and correlation-wall.png
 * (`npm run build && node dist/dev/soak/workbenchScreenshots.js`): the simulated city runs with the
 * water main burst among its scenarios for a while (SHOTS_WARMUP_MS); the analyst's workbench answers
 * a ready question as a chart and finds the burst's cluster; the wall shows it as 关联事件.
 */
async function main(): Promise<void> {
  await withLiveCity({ rate: 1500, assets: 600, scenarios: ['water-main-burst', 'sensor-silent'], speed: 3, eventsPerMin: 20 }, async (city, browser) => {
    await warmUp(120_000);
    const { page, errors } = await openWall(browser, city.url('?view=analysis'), 1920, 1080);
    await page.locator('[data-workbench]').waitFor();
    await page.locator('[data-wb-ready]').first().waitFor();
    // the first ready question, drawn as its chart
    await page.locator('[data-wb-ready]').first().click();
    await page.locator('[data-wb-result]').waitFor();
    await page.waitForTimeout(1500);
    await saveShot(page, 'workbench', errors);
    await page.locator('[data-corr-run]').click();
    await waitFor(async () => (await page.locator('[data-corr-cluster], [data-corr-none]').count()) > 0 || null, 'the correlation answered');
    await page.locator('[data-wb-correlation]').scrollIntoViewIfNeeded();
    await page.waitForTimeout(1500);
    await saveShot(page, 'workbench-correlation');
    await page.close();

    // the burst is a red event: acknowledged at the console first, or it holds the wall's takeover over the overview
    const con = await openWall(browser, city.url('?view=console'), 1920, 1080);
    await con.page.locator('[data-console]').waitFor();
    await con.page.waitForTimeout(3000);
    for (let i = 0; i < 20 && (await con.page.locator('[data-act="event-ack"]').count()) > 0; i++) {
      await con.page.locator('[data-act="event-ack"]').first().click();
      await con.page.waitForTimeout(800);
    }
    await con.page.close();
    const wall = await openWall(browser, city.url('?screen=overview'), 1920, 1080);
    await wall.page.locator('[data-correlation-card]').waitFor({ timeout: 120_000 }).catch(() => console.log('no correlated incidents forming on the wall'));
    await wall.page.waitForTimeout(3000);
    await saveShot(wall.page, 'correlation-wall');
    await wall.page.close();
  });
}

runMain(main);
