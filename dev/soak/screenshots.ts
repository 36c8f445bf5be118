import { runMain } from '../../analytics/node/runMain.js';
import { openWall } from '../testing/browser.js';
import { SCENARIO_CITY, saveShot, shotPath, warmUp, withLiveCity } from './shots.js';

/**
 * docs/screenshots: every screen at 1920×1080 and a 2×2 wall, from the live simulated city (the
 * console's screenshots are consoleScreenshots.js's).
 */
async function main(): Promise<void> {
  await withLiveCity(SCENARIO_CITY, async (city, browser) => {
    // let a few minutes of scenario time accumulate
    await warmUp(90_000);
    const shots: [string, string, number, number][] = [
      ['overview', '?screen=overview', 1920, 1080],
      ['overview-en', '?screen=overview&lang=en', 1920, 1080],
      ['lifelines', '?screen=lifelines', 1920, 1080],
      ['bridges', '?screen=bridges', 1920, 1080],
      ['construction', '?screen=construction', 1920, 1080],
      ['housing', '?screen=housing', 1920, 1080],
      ['waste', '?screen=waste', 1920, 1080],
      ['asset', '?screen=asset', 1920, 1080],
      ['wall-2x2', '?wall=2x2', 3864, 2184],
    ];
    for (const [name, q, w, h] of shots) {
      const { page, errors } = await openWall(browser, city.url(q), w, h);
      await page.waitForTimeout(7000);
      await saveShot(page, name, errors);
      await page.close();
    }
    // the handover report of the last hour, as printed to PDF
    const now = Date.now();
    const report = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    await report.goto(`${city.engine.url}/api/handover.html?fromMs=${now - 3_600_000}&toMs=${now}&token=${city.token}`);
    await report.screenshot({ path: shotPath('handover.png'), fullPage: true });
    console.log('handover.png');
  });
}

runMain(main);
