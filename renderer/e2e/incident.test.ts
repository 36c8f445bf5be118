/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsPublisher } from '../../analytics/node/feeds/natsPublisher.js';
import { buildCity } from '../../analytics/node/sim/city.js';
import { scenarioMarket } from '../../analytics/node/sim/crowdedPlaces.js';
import { CitySimulator, DEFAULT_SIM } from '../../analytics/node/sim/simulator.js';
import { openWall, type WatchedPage } from '../../dev/testing/browser.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';
import { waitFor } from '../../dev/testing/harness.js';

/** 应急处置 on the demo city: the gas-leak scenario's market alarm → incident with the gas plan → steps → closing report with its SHA-256. */
const CONSOLE = 'incident-test-token-0123456789';
const suite = browserEngineSuite('incident', { wall: 'incident-wall-token-0123456789', console: CONSOLE });
const city = buildCity(400, DEFAULT_SIM.seed);
const market = scenarioMarket(city.assets);
let sim: CitySimulator;
let con: WatchedPage;

beforeAll(async () => {
  // ten times faster: the market's detector crosses 50 %LEL about 18 s in
  sim = new CitySimulator(city, new NatsPublisher(suite.nc), { ...DEFAULT_SIM, rate: 300, scenarios: ['gas-leak'], speed: 10 });
  await sim.publishRegistry(Date.now());
  sim.start();
  con = await openWall(suite.browser, `${suite.engine.url}/?view=console#token=${CONSOLE}`);
  await con.page.locator('[data-console]').waitFor();
});
afterAll(() => sim?.stop());

describe('应急处置 in the console', () => {
  it('a shift leader runs an incident from the market gas-leak alarm to its closing report', async () => {
    if (!market) throw new Error('the demo city has no market');
    const page = con.page;
    const point = `gas/${market.district}/${market.id}#gas.lel.level2`;
    const row = page.locator(`.row[data-alarm="${point}"]`);
    await waitFor(async () => (await row.count()) > 0 || null, 'the market critical gas alarm', 90_000, 250);
    await row.first().click();
    await page.locator('[data-act="incident"]').click();

    const incident = page.locator('[data-incident]');
    await waitFor(async () => (await incident.count()) > 0 || null, 'the incident opened', 30_000, 250);
    // the gas plan's steps, the market, school and hospital inside the radius, and whom to notify
    expect(await incident.locator('[data-incident-plan]').getAttribute('data-incident-plan')).toBe('gas-leak');
    expect(await incident.locator('[data-step]').count()).toBe(6);
    const crowded = incident.locator('[data-place][data-category="crowded"]');
    const crowdedText = (await crowded.allTextContents()).join('\n');
    expect(crowdedText).toContain(market.record.name);
    expect(crowdedText).toContain('第一中学');
    expect(crowdedText).toContain('人民医院');
    expect(await incident.locator('[data-place="pipeline-monitor-9001"]').getAttribute('data-category')).toBe('lifeline');
    const notify = (await incident.locator('[data-notify]').allTextContents()).join('\n');
    for (const party of ['十堰市应急管理局', '十堰市市场监督管理局', '十堰市教育局', '十堰市卫生健康委员会']) expect(notify).toContain(party);
    expect(await incident.locator('[data-incident-map] circle.crowded').count()).toBeGreaterThanOrEqual(3);

    // the wall's city map draws it: the plan's radius around the market, the cordon, a pin with its words
    const wall = await openWall(suite.browser, `${suite.engine.url}/?screen=overview&debug=1#token=${CONSOLE}`);
    type Series = { id: string; data: { coords?: [number, number][]; value?: number[]; label?: string; detail?: string }[] };
    const mapSeries = async (): Promise<Series[]> => wall.page.evaluate(() => {
      const charts = (globalThis as unknown as { __charts?: { instances: Set<{ getDom(): HTMLElement; getOption(): Record<string, unknown> }> } }).__charts;
      const c = [...(charts?.instances ?? [])].find((x) => x.getDom().dataset['chart'] === 'map');
      return (c ? JSON.parse(JSON.stringify(c.getOption()['series'])) : []) as Series[];
    });
    await waitFor(async () => ((await mapSeries()).find((x) => x.id === 'incidents')?.data.length ?? 0) > 0 || null, 'the incident on the wall\'s map', 60_000, 250);
    const onMap = await mapSeries();
    const pin = onMap.find((x) => x.id === 'incidents')!.data[0]!;
    expect(pin.label).toBe('应急处置 · 半径800米');
    expect(pin.detail).toContain('燃气');
    expect(pin.value).toEqual([market.record.lon, market.record.lat]);
    const ring = onMap.find((x) => x.id === 'incident-areas')!.data[0]!.coords!;
    expect(ring.length).toBe(73);
    const far = Math.max(...ring.map(([lon, lat]) => Math.hypot((lon - market.record.lon) * Math.cos((market.record.lat * Math.PI) / 180), lat - market.record.lat) * 111_195));
    expect(far).toBeGreaterThan(790);
    expect(far).toBeLessThan(810);
    if (process.env['CITYOPS_KEEP_WALL_SCREENSHOT']) writeFileSync(process.env['CITYOPS_KEEP_WALL_SCREENSHOT'], await wall.page.screenshot());
    expect(wall.errors).toEqual([]);
    await wall.page.close();

    // steps checked, each with its time; a party notified
    for (const id of ['confirm', 'dispatch-repair', 'cordon', 'evacuate']) {
      await incident.locator(`[data-step="${id}"] button`).click();
      await waitFor(async () => (await incident.locator(`[data-step="${id}"]`).getAttribute('data-done')) === 'true' || null, `step ${id} done`, 30_000, 100);
    }
    await incident.locator('[data-notify="十堰市应急管理局"] button').click();
    await waitFor(async () => (await incident.locator('[data-notify="十堰市应急管理局"]').getAttribute('data-notified')) === 'true' || null, 'notified', 30_000, 100);
    if (process.env['CITYOPS_KEEP_SCREENSHOT']) writeFileSync(process.env['CITYOPS_KEEP_SCREENSHOT'], await page.screenshot());

    // closed with a summary, confirmed once; the report shows the timeline and its SHA-256
    await incident.locator('[data-incident-summary]').fill('关闭上游阀门，市场及周边人员已疏散，浓度回落至10%LEL以下，解除警戒');
    await incident.locator('[data-act="incident-close"]').click();
    await page.locator('[data-confirm-text]').waitFor();
    await page.keyboard.press('Enter');
    const report = page.locator('[data-incident-report]');
    await waitFor(async () => (await report.count()) > 0 || null, 'the closing report', 30_000, 250);
    await waitFor(async () => (await report.locator('[data-report-verified]').getAttribute('data-report-verified')) === 'true' || null, 'the report verified against the kept hash', 30_000, 250);
    expect(await report.locator('[data-report-sha256]').getAttribute('data-report-sha256')).toMatch(/^[0-9a-f]{64}$/);
    const timeline = await report.locator('[data-report-timeline] li').allTextContents();
    expect(timeline.length).toBe(7); // opened, four steps, one notification, closed
    expect(timeline[0]).toContain('启动应急处置');
    expect(timeline[6]).toContain('处置结束');
    expect(await incident.locator('[data-act]').count()).toBe(0);
    if (process.env['CITYOPS_KEEP_REPORT_SCREENSHOT']) {
      await report.scrollIntoViewIfNeeded();
      writeFileSync(process.env['CITYOPS_KEEP_REPORT_SCREENSHOT'], await page.locator('section.risks').screenshot());
    }
    // printed, the report stands alone: the console around it is not printed
    await page.emulateMedia({ media: 'print' });
    expect(await report.locator('[data-report-sha256]').isVisible()).toBe(true);
    expect(await page.locator('[data-act="ack"]').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    expect(con.errors).toEqual([]);
  });
});
