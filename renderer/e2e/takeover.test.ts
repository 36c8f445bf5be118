/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../analytics/node/audit/auditLog.js';
import { openWall } from '../../dev/testing/browser.js';
import { waitFor } from '../../dev/testing/harness.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';

const WALL = 'takeover-wall-token-0123456789';
const CONSOLE = 'takeover-console-token-0123456789';
const D = '420302';
const enc = new TextEncoder();

const suite = browserEngineSuite('takeover', { wall: WALL, console: CONSOLE });

function reading(domain: string, asset: string, tsMs: number, metric: string, value: number): void {
  suite.nc.publish(`city.telemetry.${domain}.${D}.${asset}`, enc.encode(JSON.stringify({ id: `${asset}-${tsMs}`, ts: tsMs, metric, value })));
}

describe('the wall follows the operational state', () => {
  it('queues criticals, has no acknowledge of its own, and releases when a console acknowledges, saying who and when', async () => {
    const wall = await openWall(suite.browser, `${suite.engine.url}/?debug=1#token=${WALL}`);
    const con = await openWall(suite.browser, `${suite.engine.url}/?view=console#token=${CONSOLE}`);
    await wall.page.locator('[data-display="0"]').waitFor();
    const gas = `gas/${D}/gas-q1#gas.lel.level2`;
    const tunnel = `tunnel/${D}/tunnel-q1#tunnel.ch4.alarm`;
    const t0 = Date.now();
    reading('gas', 'gas-q1', t0, 'lel_pct', 70);
    await suite.nc.flush();
    const bar = wall.page.locator('[data-interrupt]');
    await waitFor(async () => (await bar.getAttribute('data-interrupt'))?.startsWith(gas) || null, 'the gas critical takes over the wall');
    // the wall cannot acknowledge: it says who must
    expect(await wall.page.locator('[data-interrupt] button').count()).toBe(0);
    expect(await bar.textContent()).toContain('待值班长在工作台确认');

    // a second critical queues behind the first instead of replacing it
    reading('tunnel', 'tunnel-q1', t0 + 1000, 'ch4_lel_pct', 40);
    await suite.nc.flush();
    await waitFor(async () => (await wall.page.locator('[data-interrupt-queued]').getAttribute('data-interrupt-queued')) === '1' || null, 'one critical queued');
    expect(await bar.getAttribute('data-interrupt')).toContain(gas);

    // acknowledged at the console: the wall says so, then shows the next critical
    const row = con.page.locator(`.row[data-alarm="${gas}"]`);
    await row.click();
    await con.page.keyboard.press('a');
    await waitFor(async () => (await wall.page.locator('[data-interrupt-acked]').textContent())?.includes('已确认 · 值班长') || null, 'the wall shows who acknowledged');
    await waitFor(async () => (await bar.getAttribute('data-interrupt'))?.startsWith(tunnel) || null, 'the queued critical follows');
    await con.page.locator(`.row[data-alarm="${tunnel}"]`).click();
    await con.page.keyboard.press('a');
    await waitFor(async () => (await wall.page.locator('[data-display="0"]').getAttribute('data-showing')) !== 'asset' || null, 'the rotation resumes');
    expect(wall.errors).toEqual([]);
    expect(con.errors).toEqual([]);
    await wall.page.close();
    await con.page.close();
  });

  it('a red event takes over the wall; acknowledged at the console, it releases; an orange one becomes a hazard; both audited', async () => {
    const wall = await openWall(suite.browser, `${suite.engine.url}/?debug=1#token=${WALL}`);
    const con = await openWall(suite.browser, `${suite.engine.url}/?view=console#token=${CONSOLE}`);
    await wall.page.locator('[data-display="0"]').waitFor();
    await con.page.locator('[data-console]').waitFor();
    const red = `ev-red-${Date.now()}`;
    suite.nc.publish(`city.event.bridge.${D}`, enc.encode(JSON.stringify({ id: red, ts: Date.now(), type: 'deflection', severity: 'red', title: '桥梁挠度超限，建议封闭交通', asset: 'bridge-q1' })));
    await suite.nc.flush();
    await waitFor(async () => (await wall.page.locator('[data-interrupt]').getAttribute('data-interrupt')) === red || null, 'the red event takes over the wall');
    const item = con.page.locator(`[data-event="${red}"]`);
    await item.waitFor();
    await item.locator('button[data-act="event-ack"]').click();
    await waitFor(async () => (await item.getAttribute('data-acked')) === 'console-1' || null, 'acknowledged on the console');
    await waitFor(async () => (await wall.page.locator('[data-interrupt-acked]').textContent())?.includes('已确认 · 值班长') || null, 'the wall shows who acknowledged');
    await waitFor(async () => (await wall.page.locator('[data-display="0"]').getAttribute('data-showing')) !== 'asset' || null, 'the wall releases');

    const orange = `ev-orange-${Date.now()}`;
    suite.nc.publish(`city.event.bridge.${D}`, enc.encode(JSON.stringify({ id: orange, ts: Date.now(), type: 'crack', severity: 'orange', title: '桥面裂缝扩展', asset: 'bridge-q1' })));
    await suite.nc.flush();
    const o = con.page.locator(`[data-event="${orange}"]`);
    await o.waitFor();
    await o.locator('button[data-act="event-hazard"]').click();
    await waitFor(async () => (await con.page.locator('[data-hazard^="ev-"]').count()) > 0 || null, 'a hazard case from the event');
    await waitFor(async () => (await o.getAttribute('data-acked')) === 'console-1' || null, 'turning it into a hazard handles the event');
    const audit = readFileSync(`${suite.dir}/takeover.duckdb.audit.log`, 'utf8');
    expect(audit).toMatch(/"actor":"console-1\/shift_leader".*event\.ack/);
    expect(audit).toMatch(/"actor":"console-1\/shift_leader".*hazard\.raise/);
    expect(verifyAuditLog(`${suite.dir}/takeover.duckdb.audit.log`).ok).toBe(true);
    expect(wall.errors).toEqual([]);
    expect(con.errors).toEqual([]);
  });

  it('a wall opened while a critical stands unacknowledged takes over for it at once, and keeps it until a console acknowledges', async () => {
    const point = `gas/${D}/gas-q9#gas.lel.level2`;
    reading('gas', 'gas-q9', Date.now(), 'lel_pct', 75);
    await suite.nc.flush();
    const con = await openWall(suite.browser, `${suite.engine.url}/?view=console#token=${CONSOLE}`);
    const row = con.page.locator(`.row[data-alarm^="${point}"]`);
    await row.waitFor();
    // the wall opens after the alarm was raised: it was never "new" to this page
    const wall = await openWall(suite.browser, `${suite.engine.url}/?debug=1#token=${WALL}`);
    const bar = wall.page.locator('[data-interrupt]');
    await waitFor(async () => (await bar.getAttribute('data-interrupt'))?.startsWith(point) || null, 'the standing critical takes over the opened wall');
    await row.click();
    await con.page.keyboard.press('a');
    await waitFor(async () => (await wall.page.locator('[data-interrupt-acked]').textContent())?.includes('已确认') || null, 'the wall shows it acknowledged');
    expect(wall.errors).toEqual([]);
    expect(con.errors).toEqual([]);
    await wall.page.close();
    await con.page.close();
  });
});
