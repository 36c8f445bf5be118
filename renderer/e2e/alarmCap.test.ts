/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { openWall } from '../../dev/testing/browser.js';
import { waitFor } from '../../dev/testing/harness.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';

const WALL = 'cap-wall-token-0123456789';
const CONSOLE = 'cap-console-token-0123456789';
const D = '420302';
const enc = new TextEncoder();

const suite = browserEngineSuite('cap', { wall: WALL, console: CONSOLE });

describe('nothing beyond a cap is out of the console’s reach', () => {
  it('more alarms than the picture carries: the table says how many are not listed, and a search reaches all of them', async () => {
    const con = await openWall(suite.browser, `${suite.engine.url}/?view=console#token=${CONSOLE}`);
    await con.page.locator('[data-console]').waitFor();
    const t0 = Date.now();
    const n = 330;
    for (let i = 0; i < n; i++) suite.nc.publish(`city.telemetry.gas.${D}.capgas-${i}`, enc.encode(JSON.stringify({ id: `cap-${i}-${t0}`, ts: t0, metric: 'lel_pct', value: 30 })));
    await suite.nc.flush();
    const note = con.page.locator('[data-not-listed]');
    await waitFor(async () => (await note.getAttribute('data-not-listed')) === String(n - 300) || null, 'the table says 30 are not listed');
    expect(await con.page.locator('.row[data-alarm]').count()).toBe(300);
    // a search over all of them (every asset id contains "capgas")
    await con.page.locator('input[name="alarm-search"]').fill('capgas');
    await waitFor(async () => (await con.page.locator('.row[data-alarm]').count()) === n || null, 'the search lists all 330');
    expect(await note.count()).toBe(0);
    expect(con.errors).toEqual([]);
    await con.page.close();
  });

  it('a red event stays on the console to be handled after a burst of routine events', async () => {
    const con = await openWall(suite.browser, `${suite.engine.url}/?view=console&debug=1#token=${CONSOLE}`);
    await con.page.locator('[data-console]').waitFor();
    const red = `ev-cap-red-${Date.now()}`;
    suite.nc.publish(`city.event.bridge.${D}`, enc.encode(JSON.stringify({ id: red, ts: Date.now(), type: 'deflection', severity: 'red', title: '桥梁挠度超限，建议封闭交通', asset: 'bridge-c1' })));
    await suite.nc.flush();
    await con.page.locator(`[data-event="${red}"]`).waitFor();
    const last = `ev-cap-blue-259-${Date.now()}`;
    for (let i = 0; i < 260; i++) suite.nc.publish(`city.event.park.${D}`, enc.encode(JSON.stringify({ id: i === 259 ? last : `ev-cap-blue-${i}-${Date.now()}`, ts: Date.now(), type: 'notice', severity: 'blue', title: '公园例行巡查' })));
    await suite.nc.flush();
    type Hook = { __cityops: { city: { events: { id: string }[] } } };
    await waitFor(() => con.page.evaluate((id) => (globalThis as unknown as Hook).__cityops.city.events.some((e) => e.id === id) || null, last), 'the burst reached the console');
    // the red event is no longer among the latest 200 the page keeps, nor among those a reload reads
    expect(await con.page.evaluate((id) => (globalThis as unknown as Hook).__cityops.city.events.some((e) => e.id === id), red)).toBe(false);
    await con.page.locator(`[data-event="${red}"] button[data-act="event-ack"]`).waitFor();
    await con.page.reload();
    await con.page.locator('[data-console]').waitFor();
    await con.page.locator(`[data-event="${red}"] button[data-act="event-ack"]`).waitFor();
    // and the wall opened now takes over for it
    const wall = await openWall(suite.browser, `${suite.engine.url}/?debug=1#token=${WALL}`);
    await waitFor(async () => (await wall.page.locator('[data-interrupt]').getAttribute('data-interrupt')) === red || null, 'the wall takes over for the unhandled red event');
    expect(con.errors).toEqual([]);
    expect(wall.errors).toEqual([]);
  });
});
