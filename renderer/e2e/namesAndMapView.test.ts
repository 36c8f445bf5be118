/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openWall } from '../../dev/testing/browser.js';
import { waitFor } from '../../dev/testing/harness.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';
import { buildCity } from '../../analytics/node/sim/city.js';
import { assetSubject } from '../../analytics/common/subjects.js';

const WALL = 'names-wall-token-0123456789';
const CONSOLE = 'names-console-token-0123456789';
const enc = new TextEncoder();

const suite = browserEngineSuite('names', { wall: WALL, console: CONSOLE });

/** A reading of an asset the registry has never heard of (no registry is published in this test). */
function reading(district: string, asset: string, tsMs: number, value: number): void {
  suite.nc.publish(`city.telemetry.gas.${district}.${asset}`, enc.encode(JSON.stringify({ id: `${asset}-${tsMs}`, ts: tsMs, metric: 'lel_pct', value })));
}

interface GeoView { zoom: number; center: number[]; colours: string[] }
/** The map's geo as ECharts holds it: its zoom and centre (roaming included) and the districts' colours. */
async function mapView(page: Page): Promise<GeoView | null> {
  return page.evaluate(() => {
    const charts = (globalThis as unknown as { __charts: { instances: Set<{ getDom(): HTMLElement; getOption(): { geo?: { zoom: number; center: number[]; regions: { name: string; itemStyle: { areaColor: string } }[] }[] } }> } }).__charts;
    const map = [...charts.instances].find((c) => c.getDom().dataset['chart'] === 'map');
    const geo = map?.getOption().geo?.[0];
    return geo ? { zoom: geo.zoom, center: [...geo.center], colours: geo.regions.map((r) => `${r.name}:${r.itemStyle.areaColor}`) } : null;
  });
}

describe('the wall and the console name what they show', () => {
  it('keeps the operator’s zoom and pan on the map when a district changes colour', async () => {
    const { page, errors } = await openWall(suite.browser, `${suite.engine.url}/?screen=overview&debug=1#token=${WALL}`);
    const before = await waitFor(() => mapView(page), 'the map');
    expect(before.zoom).toBe(1);
    // roam with the wheel over the map, as an operator does
    const box = await waitFor(() => page.locator('[data-chart="map"]').boundingBox(), 'the map on screen');
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.45);
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -300);
    const roamed = await waitFor(async () => { const v = await mapView(page); return v && v.zoom > 1.2 ? v : null; }, 'the map zoomed by the wheel');
    // one registered gas asset, the only one of its district: a high alarm on it changes the district's colour
    const gas = buildCity(20, 7).assets.find((a) => a.profile.domain === 'gas');
    if (!gas) throw new Error('the demo city has no gas asset');
    suite.nc.publish(assetSubject('gas', gas.district, gas.id), enc.encode(JSON.stringify({ ...gas.record, ts: new Date().toISOString() })));
    await suite.nc.flush();
    reading(gas.district, gas.id, Date.now(), 30);
    await suite.nc.flush();
    const after = await waitFor(async () => { const v = await mapView(page); return v && v.colours.join() !== roamed.colours.join() ? v : null; }, 'a district changed colour');
    expect(after.zoom).toBeCloseTo(roamed.zoom, 6);
    expect(after.center[0]).toBeCloseTo(roamed.center[0] ?? NaN, 6);
    expect(after.center[1]).toBeCloseTo(roamed.center[1] ?? NaN, 6);
    // the zoom button zooms on from there, not from where the last button press left it
    await page.locator('[data-map-zoom] button').first().click();
    const zoomed = await waitFor(async () => { const v = await mapView(page); return v && v.zoom > after.zoom * 1.1 ? v : null; }, 'the map zoomed by the button');
    expect(zoomed.zoom).toBeCloseTo(Math.min(12, after.zoom * 1.5), 6);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says an unregistered asset’s domain and district, never its id, on the takeover and at the console', async () => {
    const wall = await openWall(suite.browser, `${suite.engine.url}/?debug=1#token=${WALL}`);
    const con = await openWall(suite.browser, `${suite.engine.url}/?view=console#token=${CONSOLE}`);
    await wall.page.locator('[data-display="0"]').waitFor();
    await con.page.locator('[data-console]').waitFor();
    reading('420303', 'gas-q9', Date.now(), 70);
    await suite.nc.flush();
    const point = 'gas/420303/gas-q9#gas.lel.level2';
    const bar = wall.page.locator('[data-interrupt]');
    await waitFor(async () => (await bar.getAttribute('data-interrupt'))?.startsWith(point) || null, 'the critical takes over the wall');
    await waitFor(async () => (await bar.textContent())?.includes('燃气设施（张湾区）') || null, 'the takeover names the asset');
    const row = con.page.locator(`.row[data-alarm="${point}"]`);
    await waitFor(async () => (await row.textContent())?.includes('燃气设施（张湾区）') || null, 'the console names the asset');
    for (const p of [wall.page, con.page]) expect(await p.evaluate(() => document.body.innerText)).not.toContain('gas-q9');
    // in English after a switch, still by name
    await con.page.locator('header button', { hasText: 'English' }).click();
    await waitFor(async () => (await row.textContent())?.includes('Gas asset (Zhangwan)') || null, 'the console names the asset in English');
    expect(await con.page.evaluate(() => document.body.innerText)).not.toContain('gas-q9');
    expect(wall.errors).toEqual([]);
    expect(con.errors).toEqual([]);
    await wall.page.close();
    await con.page.close();
  });
});
