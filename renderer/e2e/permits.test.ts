/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsPublisher } from '../../analytics/node/feeds/natsPublisher.js';
import { buildCity } from '../../analytics/node/sim/city.js';
import { CitySimulator, DEFAULT_SIM } from '../../analytics/node/sim/simulator.js';
import { openWall, type WatchedPage } from '../../dev/testing/browser.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';
import { waitFor } from '../../dev/testing/harness.js';

/** The permit chain on the demo city: findings with the approving department responsible, one opened as a case and closed, the campaign by district. */
const CONSOLE = 'permits-test-token-0123456789';
const suite = browserEngineSuite('permits', { wall: 'permits-wall-token-0123456789', console: CONSOLE });
const city = buildCity(200, 613);
let sim: CitySimulator;
let con: WatchedPage;

beforeAll(async () => {
  sim = new CitySimulator(city, new NatsPublisher(suite.nc), { ...DEFAULT_SIM, rate: 200 });
  await sim.publishRegistry(Date.now());
  sim.start();
  con = await openWall(suite.browser, `${suite.engine.url}/?view=console&debug=1#token=${CONSOLE}`);
  await con.page.locator('[data-console]').waitFor();
});
afterAll(() => sim?.stop());

describe('审批排查 in the console', () => {
  it('lists every kind of finding with its department, opens one as a case, closes it, and shows the campaign by district', async () => {
    const page = con.page;
    const buildings = city.assets.filter((a) => a.profile.domain === 'building' || a.profile.domain === 'construction').length;
    // the registry and the permits arrive together; the tab is opened anew until all of them are counted
    await waitFor(async () => {
      await page.locator('[data-tab="permits"]').click();
      const rows = await page.locator('[data-permits-district]').evaluateAll((els) => els.reduce((n, e) => n + Number(e.getAttribute('data-assets')), 0)).catch(() => 0);
      if (rows === buildings) return true;
      await page.reload();
      await page.locator('[data-console]').waitFor();
      return null;
    }, 'every building and site counted', 60_000, 1_000);
    for (const kind of ['missing', 'expired', 'out_of_order', 'use_changed']) {
      expect(await page.locator(`[data-permit-finding][data-kind="${kind}"]`).count(), kind).toBeGreaterThan(0);
    }
    // a missing fire permit: the competent authority; an expired special-trade permit: the police sub-bureau that issued it
    const missingFire = page.locator('[data-permit-finding^="pmt.missing.fire."]').first();
    expect(await missingFire.locator('[data-permit-department]').textContent()).toContain('住房和城乡建设部门');
    const expired = page.locator('[data-permit-finding^="pmt.expired.special_trade."]').first();
    const id = await expired.getAttribute('data-permit-finding');
    if (id === null) throw new Error('no expired special-trade permit on the demo city');
    expect(await expired.locator('[data-permit-department]').textContent()).toMatch(/^十堰市公安局.+分局$/);
    const outOfOrder = page.locator('[data-permit-finding^="pmt.out_of_order.construction."]').first();
    expect(await outOfOrder.textContent()).toContain('规划');
    // the campaign: checked of total per district, some not checked yet
    const progress = await page.locator('[data-permits-district]').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-checked')), Number(e.getAttribute('data-assets'))]));
    const checked = progress.reduce((n, [c]) => n + (c ?? 0), 0);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThan(buildings);
    // docs/screenshots/permits.png is taken here (CITYOPS_KEEP_SCREENSHOT=path)
    if (process.env['CITYOPS_KEEP_SCREENSHOT']) writeFileSync(process.env['CITYOPS_KEEP_SCREENSHOT'], await page.locator('section.risks').screenshot());

    // the map layer: the findings drawn over the districts, one series per kind, back to the list
    await page.locator('[data-permits-map-toggle]').click();
    await page.locator('[data-chart="permits-map"] canvas').first().waitFor();
    const drawn = await page.evaluate(() => {
      const el = document.querySelector('[data-chart="permits-map"]');
      const charts = (window as unknown as { __charts?: { instances: Set<{ getDom(): Element; getOption(): { series: { id: string; data: unknown[] }[] } }> } }).__charts;
      const c = [...(charts?.instances ?? [])].find((i) => i.getDom() === el);
      return c ? Object.fromEntries(c.getOption().series.map((s) => [s.id, s.data.length])) : null;
    });
    expect(drawn).not.toBeNull();
    for (const kind of ['missing', 'expired', 'out_of_order', 'use_changed']) expect(drawn?.[`permits-${kind}`], kind).toBeGreaterThan(0);
    await page.locator('[data-permits-map-toggle]').click();

    // opened as a case: it joins the hazard queue with the department as its approver, then is closed through the usual loop
    const row = page.locator(`[data-permit-finding="${id}"]`);
    await row.locator('[data-permit-open]').click();
    const card = page.locator(`[data-hazard="${id}"]`);
    await card.waitFor();
    await waitFor(async () => (await row.getAttribute('data-stage')) === 'found' || null, 'the finding shows its case');
    expect(await row.locator('[data-permit-open]').count()).toBe(0);
    await card.locator('.head').click();
    await card.locator('text=十堰市公安局').first().waitFor();
    await card.locator('button[data-act="dispatch"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'dispatched' || null, 'dispatched');
    await card.locator('button[data-act="start"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'rectifying' || null, 'rectifying');
    await card.locator('input[name="note"]').fill('已换发特种行业许可证');
    await card.locator('button[data-act="report"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'verifying' || null, 'awaiting verification');
    await card.locator('input[name="note"]').fill('复核：许可证在有效期内');
    await card.locator('button[data-act="verify-pass"]').click();
    await page.locator('[data-dialog="confirm"] button[type="submit"]').click();
    await waitFor(async () => (await row.getAttribute('data-stage')) === 'closed' || null, 'the finding shows its case closed', 30_000, 250);
    const district = id.split('.')[3] as string;
    expect(await page.locator(`[data-permits-district="${district}"]`).getAttribute('data-closed')).toBe('1');
    expect(con.errors).toEqual([]);
  });
});
