import type { Page } from 'playwright-core';
import { runMain } from '../../analytics/node/runMain.js';
import { openWall } from '../testing/browser.js';
import { SCENARIO_CITY, saveShot, warmUp, withLiveCity } from './shots.js';

/**
 * docs/screenshots of the shift leader's console at 1920×1080 from the live simulated city: the
 * table with its filters and the sound banner, a major hazard's dispatch refused next to its
 * button, a confirmation, the input-method warning, the handover with notes and signatures.
 */
async function main(): Promise<void> {
  await withLiveCity(SCENARIO_CITY, async (city, browser) => {
    const shot = async (name: string, q: string, act: (p: Page) => Promise<void>): Promise<void> => {
      const { page, errors } = await openWall(browser, city.url(q), 1920, 1080);
      await page.locator('.row[data-alarm]').first().waitFor({ timeout: 60_000 }).catch(() => undefined);
      await act(page);
      await page.waitForTimeout(1000);
      await saveShot(page, name, errors);
      await page.close();
    };
    await warmUp(60_000);
    // the first alarm selected, the first case opened; the banner says this console cannot sound yet
    await shot('console', '?view=console', async (p) => {
      await p.locator('.row[data-alarm]').first().click();
      await p.locator('[data-hazard] .head').first().click().catch(() => undefined);
    });
    await shot('console-checklist', '?view=console&lang=en', async (p) => {
      await p.locator('[data-tab="checklist"]').click();
      await p.waitForTimeout(1000);
      await p.locator('[data-checklist]').first().click().catch(() => undefined);
    });
    // a major hazard from the top alarm: dispatched without the five items, refused next to the button
    await shot('console-dispatch', '?view=console', async (p) => {
      await p.locator('.row[data-alarm]').first().click();
      await p.keyboard.press('h');
      await p.locator('[role="dialog"] input[name="title"]').fill('调压站燃气泄漏（截图）');
      await p.locator('[role="dialog"] select[name="grade"]').selectOption('major');
      await p.keyboard.press('Enter');
      const card = p.locator('[data-hazard]:has(.title:text-is("调压站燃气泄漏（截图）"))');
      await card.waitFor();
      await card.locator('.head').click();
      await card.locator('[data-form="dispatch"]').waitFor();
      await card.locator('input[name="measures"]').fill('关阀、通风、更换调压器');
      await card.locator('button[data-act="dispatch"]').click();
      await card.locator('[data-refusal]').waitFor().catch(() => undefined);
    });
    // the keys: a search in the table, and an input method composing named on screen
    await shot('console-keys', '?view=console', async (p) => {
      await p.locator('input[name="alarm-search"]').fill('燃气');
      await p.locator('.row[data-alarm]').first().click().catch(() => undefined);
      await p.evaluate(() => document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Process', code: 'KeyA', isComposing: true, bubbles: true })));
    });
    await shot('console-confirm', '?view=console', async (p) => {
      await p.locator('[data-sound-banner] button').click();
      await p.locator('[data-act="silence-all"]').click();
    });
    // the handover: the leader's notes, the outgoing signature, the same person refused as incoming
    await shot('console-handover', '?view=console', async (p) => {
      await p.locator('[data-open-handover]').click();
      await p.locator('textarea[name="summary"]').fill('本班燃气泄漏一起，已关阀处置；桥梁超载报警已通知养护单位。');
      await p.locator('textarea[name="pending"]').fill('东岳路调压站待复查；城区积水点夜间继续巡查。');
      await p.locator('[data-act="handover-generate"]').click();
      await p.locator('[data-report]').waitFor();
      await p.locator('input[name="signer"]').fill('张伟');
      await p.locator('[data-act="sign-outgoing"]').click();
      await p.locator('[data-signature="outgoing"]').waitFor();
      await p.locator('input[name="signer"]').fill('张伟');
      await p.locator('[data-act="sign-incoming"]').click();
      await p.locator('[data-sign-refusal]').waitFor();
    });
  });
}

runMain(main);
