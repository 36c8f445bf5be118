/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWall, type WatchedPage } from '../../dev/testing/browser.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';
import { waitFor } from '../../dev/testing/harness.js';
import { Catchment } from '../../analytics/common/runoff.js';

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
    // a gauge over its warning level: a real alarm, which the forecasts stay below
    suite.nc.publish('city.telemetry.flood.420381.gauge-over', enc.encode(JSON.stringify(Array.from({ length: 30 }, (_, k) => ({ id: `gauge-over-${k}`, ts: now - (30 - k) * 10_000, metric: 'river_level_m', value: 4.8, unit: 'm' })))));
    // a gauge under a downpour: three hours of its level and rain, 60 mm/h for the last 40 minutes, the level answering
    // through its catchment (0.06 m per mm/h, k 30 min): 3.8 m now, forecast from the rain
    const catchment = new Catchment(2.4, 0.06, 30);
    const storm: object[] = [];
    for (let s = 180 * 6; s >= 1; s--) {
      const rain = s <= 40 * 6 ? 60 : 0.3;
      const level = catchment.step(rain, 1 / 6);
      storm.push({ id: `gauge-storm-l${s}`, ts: now - s * 10_000, metric: 'river_level_m', value: Math.round(level * 1000) / 1000, unit: 'm' },
        { id: `gauge-storm-r${s}`, ts: now - s * 10_000, metric: 'rainfall_mm_h', value: rain, unit: 'mm/h' });
    }
    for (let i = 0; i < storm.length; i += 240) suite.nc.publish('city.telemetry.flood.420381.gauge-storm', enc.encode(JSON.stringify(storm.slice(i, i + 240))));
    await suite.nc.flush();
    const page = con.page;
    const row = page.locator('[data-forecast="gauge-rising"]');
    // the console asks every 30 s; the first answer comes once the rollups hold the minutes and a new minute's forecasts
    // are computed (once a minute for every client: up to a minute after the data, then up to a poll)
    await waitFor(async () => (await row.count()) > 0 || null, 'the forecast shown', 120_000, 500);
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('预测');
    expect(text).toMatch(/预计(2[0-9]|30)分钟后达到/);
    expect(await page.locator('[data-forecast="gauge-steady"]').count()).toBe(0);
    expect(await row.getAttribute('data-forecast-basis')).toBe('trend');
    expect(await row.locator('[data-forecast-reliability]').textContent()).toMatch(/回测命中\d+%·成真\d+%·提前中位\d+分钟/);
    // the downpour's gauge: forecast from the rain, saying the rain it assumes goes on
    const stormRow = page.locator('[data-forecast="gauge-storm"]');
    await waitFor(async () => (await stormRow.count()) > 0 || null, 'the rain-driven forecast shown', 60_000, 500);
    expect(await stormRow.getAttribute('data-forecast-basis')).toBe('rain');
    expect(await stormRow.textContent()).toMatch(/按当前雨强（60 mm\/h）持续，预计\d+分钟后达到河道超警戒水位/);
    // a forecast is a class below the real alarms in the same list, and never one of them
    await waitFor(async () => (await page.locator('.row[data-alarm="flood/420381/gauge-over/river_level_m"], .row[data-alarm*="gauge-over"]').count()) > 0 || null, 'the real alarm listed', 60_000, 250);
    const order = await page.locator('[role="grid"] [role="row"]').evaluateAll((rows) => rows.map((r) => (r.hasAttribute('data-forecast') ? 'forecast' : r.hasAttribute('data-alarm') ? 'alarm' : 'other')));
    // (the gauge over its level, and the downpour's rain over its own alarm level)
    expect(order.filter((k) => k === 'alarm').length).toBeGreaterThanOrEqual(1);
    expect(order.lastIndexOf('alarm')).toBeLessThan(order.indexOf('forecast'));
    expect(await page.locator('[data-forecast][data-alarm]').count()).toBe(0);
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
