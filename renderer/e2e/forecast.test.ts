/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWall, type WatchedPage } from '../../dev/testing/browser.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';
import { waitFor } from '../../dev/testing/harness.js';

/** 预报预警 in the console: a river level rising towards its warning level is forecast, marked as a forecast, apart from the alarms. */
const CONSOLE = 'forecast-test-token-0123456789';
const suite = browserEngineSuite('forecast', { wall: 'forecast-wall-token-0123456789', console: CONSOLE });
const enc = new TextEncoder();
let con: WatchedPage;

beforeAll(async () => {
  con = await openWall(suite.browser, `${suite.engine.url}/?view=console#token=${CONSOLE}`);
  await con.page.locator('[data-console]').waitFor();
});

describe('预报预警 in the console', () => {
  it('a gauge rising 2 cm a minute 50 cm below its warning level is forecast to reach it in about 25 minutes; a steady one is not', async () => {
    const now = Date.now();
    // the last 40 minutes, six readings a minute, as the gauges' feed sends them
    const readings = (asset: string, level: (minAgo: number) => number): object[] => {
      const out: object[] = [];
      for (let s = 40 * 6; s >= 1; s--) out.push({ id: `${asset}-${s}`, ts: now - s * 10_000, metric: 'river_level_m', value: Math.round(level(s / 6) * 1000) / 1000, unit: 'm' });
      return out;
    };
    suite.nc.publish('city.telemetry.flood.420381.gauge-rising', enc.encode(JSON.stringify(readings('gauge-rising', (ago) => 4.0 - 0.02 * ago))));
    suite.nc.publish('city.telemetry.flood.420381.gauge-steady', enc.encode(JSON.stringify(readings('gauge-steady', () => 3.1))));
    await suite.nc.flush();
    const page = con.page;
    const row = page.locator('[data-forecast="gauge-rising"]');
    // the console asks every 30 s; the first answer comes once the rollups hold the minutes
    await waitFor(async () => (await row.count()) > 0 || null, 'the forecast shown', 90_000, 500);
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('预测');
    expect(text).toMatch(/预计(2[0-9]|30)分钟后达到/);
    expect(await page.locator('[data-forecast="gauge-steady"]').count()).toBe(0);
    // a forecast is not an alarm: the alarm list stays empty
    expect(await page.locator('.row[data-alarm]').count()).toBe(0);
    if (process.env['CITYOPS_KEEP_SCREENSHOT']) writeFileSync(process.env['CITYOPS_KEEP_SCREENSHOT'], await page.locator('section.alarms').screenshot());
    // the asset's drawer says it too
    await row.click();
    const inDrawer = page.locator('[data-asset-drawer="gauge-rising"] [data-drawer-forecast]');
    await waitFor(async () => (await inDrawer.count()) > 0 || null, 'the forecast in the asset drawer', 60_000, 250);
    expect(await inDrawer.textContent()).toMatch(/预计(2[0-9]|30)分钟后达到河道超警戒水位/);
    expect(con.errors).toEqual([]);

    // the wall's river-level trend shows it over its chart, marked as a forecast
    const wall = await openWall(suite.browser, `${suite.engine.url}/?screen=housing#token=${CONSOLE}`);
    const onWall = wall.page.locator('[data-wall-forecast]');
    await waitFor(async () => (await onWall.count()) > 0 || null, 'the forecast on the wall', 60_000, 250);
    expect(await onWall.first().textContent()).toMatch(/预测.*预计(2[0-9]|30)分钟后达到河道超警戒水位/);
    if (process.env['CITYOPS_KEEP_WALL_SCREENSHOT']) writeFileSync(process.env['CITYOPS_KEEP_WALL_SCREENSHOT'], await wall.page.screenshot());
    expect(wall.errors).toEqual([]);
  });
});
