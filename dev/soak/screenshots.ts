import { runMain } from '../../analytics/node/runMain.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../analytics/node/paths.js';
import { launchChromium, openWall } from '../testing/browser.js';
import { startLiveCity } from './liveCity.js';

/** docs/screenshots: every screen at 1920×1080 and a 2×2 wall, from the live simulated city. */
async function main(): Promise<void> {
  const out = join(packageRoot(), 'docs', 'screenshots');
  mkdirSync(out, { recursive: true });
  const city = await startLiveCity({ rate: 2000, assets: 600, scenarios: ['gas-leak', 'bridge-overload', 'flood', 'sensor-silent'], speed: 3, eventsPerMin: 20 });
  const browser = await launchChromium();
  try {
    // let a few minutes of scenario time accumulate
    await new Promise((r) => setTimeout(r, Number(process.env['SHOTS_WARMUP_MS'] ?? 90_000)));
    type Shot = [string, string, number, number, ((p: import('playwright-core').Page) => Promise<void>)?];
    const shots: Shot[] = [
      ['overview', '?screen=overview', 1920, 1080],
      ['overview-en', '?screen=overview&lang=en', 1920, 1080],
      ['lifelines', '?screen=lifelines', 1920, 1080],
      ['bridges', '?screen=bridges', 1920, 1080],
      ['construction', '?screen=construction', 1920, 1080],
      ['housing', '?screen=housing', 1920, 1080],
      ['waste', '?screen=waste', 1920, 1080],
      ['asset', '?screen=asset', 1920, 1080],
      ['wall-2x2', '?wall=2x2', 3864, 2184],
      // the shift leader's console: the first alarm selected, the first hazard case opened
      ['console', '?view=console', 1920, 1080, async (p) => {
        await p.locator('.row[data-alarm]').first().click().catch(() => undefined);
        await p.locator('[data-hazard] .head').first().click().catch(() => undefined);
      }],
      ['console-checklist', '?view=console&lang=en', 1920, 1080, async (p) => {
        await p.locator('[data-tab="checklist"]').click();
        await p.waitForTimeout(1000);
        await p.locator('[data-checklist]').first().click().catch(() => undefined);
      }],
    ];
    for (const [name, q, w, h, act] of shots) {
      const { page, errors } = await openWall(browser, city.url(q), w, h);
      await page.waitForTimeout(7000);
      if (act) {
        await act(page);
        await page.waitForTimeout(1500);
      }
      await page.screenshot({ path: join(out, `${name}.png`) });
      console.log(`${name}.png${errors.length ? ` console errors: ${errors.join(' | ')}` : ''}`);
      await page.close();
    }
    // the handover report of the last hour, as printed to PDF
    const now = Date.now();
    const report = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    await report.goto(`${city.engine.url}/api/handover.html?fromMs=${now - 3_600_000}&toMs=${now}&token=${city.token}`);
    await report.screenshot({ path: join(out, 'handover.png'), fullPage: true });
    console.log('handover.png');
  } finally {
    await browser.close();
    await city.stop();
  }
}

runMain(main);
