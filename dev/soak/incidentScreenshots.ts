import { runMain } from '../../analytics/node/runMain.js';
import { buildCity } from '../../analytics/node/sim/city.js';
import { scenarioMarket } from '../../analytics/node/sim/crowdedPlaces.js';
import { DEFAULT_SIM } from '../../analytics/node/sim/simulator.js';
import { openWall } from '../testing/browser.js';
import { errorsNote, shotPath, withLiveCity } from './shots.js';

const ASSETS = 400;

/**
 * docs/screenshots/incident.png and incident-report.png: the console at 1920×1080 on the live demo
 * city with the gas-leak scenario ten times faster; the market's critical alarm opens an incident,
 * four steps are checked and a department notified (incident.png), then it is closed and its report
 * shown with the timeline and the SHA-256 (incident-report.png).
 */
async function main(): Promise<void> {
  const market = scenarioMarket(buildCity(ASSETS, DEFAULT_SIM.seed).assets);
  if (!market) throw new Error('the demo city has no market');
  await withLiveCity({ rate: 300, assets: ASSETS, scenarios: ['gas-leak'], speed: 10 }, async (city, browser) => {
    const { page, errors } = await openWall(browser, city.url('?view=console'), 1920, 1080);
    const row = page.locator(`.row[data-alarm="gas/${market.district}/${market.id}#gas.lel.level2"]`);
    await row.first().waitFor({ timeout: 120_000 });
    await row.first().click();
    await page.locator('[data-act="incident"]').click();
    const incident = page.locator('[data-incident]');
    await incident.waitFor({ timeout: 30_000 });
    for (const id of ['confirm', 'dispatch-repair', 'cordon', 'evacuate']) {
      await incident.locator(`[data-step="${id}"] button`).click();
      await incident.locator(`[data-step="${id}"][data-done="true"]`).waitFor();
    }
    await incident.locator('[data-notify="十堰市应急管理局"] button').click();
    await incident.locator('[data-notify="十堰市应急管理局"][data-notified="true"]').waitFor();
    await page.screenshot({ path: shotPath('incident.png') });
    await incident.locator('[data-incident-summary]').fill('关闭上游阀门，市场及周边人员已疏散，浓度回落至10%LEL以下，解除警戒');
    await incident.locator('[data-act="incident-close"]').click();
    await page.locator('[data-confirm-text]').waitFor();
    await page.keyboard.press('Enter');
    const report = page.locator('[data-incident-report] [data-report-verified="true"]');
    await report.waitFor({ timeout: 30_000 });
    await report.scrollIntoViewIfNeeded();
    await page.locator('section.risks').screenshot({ path: shotPath('incident-report.png') });
    console.log(`incident.png, incident-report.png (${market.id})${errorsNote(errors)}`);
  });
}

runMain(main);
