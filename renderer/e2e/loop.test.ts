/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../analytics/node/audit/auditLog.js';
import { handoverPdf } from '../../analytics/node/cli/handoverCommand.js';
import { openWall } from '../../dev/testing/browser.js';
import { waitFor } from '../../dev/testing/harness.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';

const WALL = 'loop-wall-token-0123456789';
const CONSOLE = 'loop-console-token-0123456789';
const D = '420302';
const ASSET = 'gas-loop-1';
const POINT = `gas/${D}/${ASSET}#gas.lel.level2`;
const enc = new TextEncoder();

const suite = browserEngineSuite('loop', { wall: WALL, console: CONSOLE });

function reading(id: string, tsMs: number, lel: number): void {
  suite.nc.publish(`city.telemetry.gas.${D}.${ASSET}`, enc.encode(JSON.stringify({ id, ts: tsMs, metric: 'lel_pct', value: lel, unit: '%LEL' })));
}

type Snapshot = { districts: { district: string; colour: string }[] } | null;
const districtColour = (page: Page): Promise<string | undefined> =>
  page.evaluate((d) => ((globalThis as unknown as { __cityops: { ops: { snapshot: Snapshot } } }).__cityops.ops.snapshot?.districts.find((x) => x.district === d)?.colour), D);

describe('the closed loop in Chromium', () => {
  it('gas above the second level alarms on the wall; the console acknowledges, dispatches, verifies and closes; the risk colour follows', async () => {
    const t0 = Date.now() - 120_000;
    suite.nc.publish(`city.asset.gas.${D}.${ASSET}`, enc.encode(JSON.stringify({
      id: ASSET, ts: t0 - 60_000, name: '茅箭区燃气调压站(测试)', kind: 'regulator', lat: 32.62, lon: 110.79,
      owner: '十堰燃气公司', supervisor: '市城管局', approver: '市住建局',
    })));
    await suite.nc.flush();
    // debug=1: the checks read the wall's operational store through its debug hook
    const wall = await openWall(suite.browser, `${suite.engine.url}/?screen=overview&debug=1#token=${WALL}`);
    const con = await openWall(suite.browser, `${suite.engine.url}/?view=console#token=${CONSOLE}`);
    await waitFor(async () => (await districtColour(wall.page)) === 'yellow' || null, 'baseline colour before the alarm');

    reading('loop-r1', t0, 58.5);
    const onWall = wall.page.locator(`[data-alarm="${POINT}"]`);
    await onWall.waitFor({ timeout: 15_000 });
    expect(await onWall.getAttribute('data-state')).toBe('unack');
    expect(await onWall.textContent()).toContain('可燃气体二级报警');
    await waitFor(async () => (await districtColour(wall.page)) === 'red' || null, 'district red with a critical gas alarm');

    // acknowledge at the console (keyboard), the wall follows
    const row = con.page.locator(`.row[data-alarm="${POINT}"]`);
    await row.click();
    await con.page.keyboard.press('a');
    await waitFor(async () => (await row.getAttribute('data-state')) === 'ack' || null, 'acknowledged on the console');
    await waitFor(async () => (await onWall.getAttribute('data-state')) === 'ack' || null, 'acknowledged on the wall');

    // raise a major hazard from the alarm (H), dispatch it with the five fixed items, rectify, verify, close
    await con.page.keyboard.press('h');
    await con.page.locator('form select[name="grade"]').selectOption('major');
    await con.page.locator('form button[type="submit"]').click();
    const card = con.page.locator('[data-hazard^="hz-"]');
    await card.waitFor({ timeout: 15_000 });
    await card.locator('.head').click();
    await card.locator('text=十堰燃气公司').first().waitFor();
    await card.locator('button[data-act="dispatch"]').click();
    await waitFor(async () => (await con.page.locator('[data-submitted="refused"]').count()) > 0 || null, 'dispatch without the five items refused');
    expect(await con.page.locator('[data-submitted="refused"]').first().textContent()).toContain('五落实');
    await card.locator('input[name="measures"]').fill('关阀、通风、更换调压器');
    await card.locator('input[name="funds"]').fill('2万元');
    await card.locator('input[name="person"]').fill('张工');
    await card.locator('input[name="plan"]').fill('燃气泄漏专项应急预案');
    await card.locator('button[data-act="dispatch"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'dispatched' || null, 'dispatched');
    await card.locator('button[data-act="start"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'rectifying' || null, 'rectifying');
    await card.locator('input[name="note"]').fill('已更换调压器');
    await card.locator('button[data-act="report"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'verifying' || null, 'awaiting verification');
    await card.locator('input[name="note"]').fill('复查合格');
    await card.locator('button[data-act="verify-pass"]').click();
    // closing a case cannot be undone: the console asks once
    await con.page.locator('[data-dialog="confirm"] button[type="submit"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'closed' || null, 'closed');

    // the gas goes back to normal; the latched alarm is reset; the colour falls back
    reading('loop-r2', t0 + 40_000, 1.2);
    reading('loop-r3', t0 + 80_000, 1.1);
    await waitFor(async () => (await row.getAttribute('data-state')) === 'latched' || null, 'latched after clearing');
    const level1 = con.page.locator(`.row[data-alarm="gas/${D}/${ASSET}#gas.lel.level1"]`);
    await level1.click();
    await con.page.keyboard.press('a');
    // keys wait while an action is unanswered: the reset goes after the acknowledgement is read back
    await con.page.locator('[data-busy]').waitFor({ state: 'detached' });
    await row.click();
    await con.page.keyboard.press('r');
    await waitFor(async () => (await con.page.locator(`.row[data-alarm^="gas/${D}/${ASSET}#"]`).count()) === 0 || null, 'no alarm left on the console');
    await waitFor(async () => (await districtColour(wall.page)) === 'yellow' || null, 'district back to its baseline colour');
    expect(await con.page.locator(`[data-district-risk="${D}"]`).getAttribute('data-colour')).toBe('yellow');

    // a wall cannot act, even by calling the suite.engine API itself; the refusal is audited under its device
    const refused = await wall.page.evaluate(async (p) => {
      const c = (globalThis as unknown as { __cityops: { client: { command(n: string, a: unknown): Promise<unknown> } } }).__cityops.client;
      try {
        await c.command('ops', { kind: 'alarm.ack', point: p, raisedAtMs: 0 });
        return 'accepted';
      } catch (e) {
        return String(e);
      }
    }, POINT);
    expect(refused).toMatch(/forbidden/);
    expect(wall.errors).toEqual([]);
    expect(con.errors).toEqual([]);
    const audit = readFileSync(`${suite.dir}/loop.duckdb.audit.log`, 'utf8');
    expect(audit).toMatch(/"actor":"wall-1\/wall".*refused alarm.ack/);
    expect(audit).toMatch(/"actor":"console-1\/shift_leader".*hazard.verify/);
    expect(verifyAuditLog(`${suite.dir}/loop.duckdb.audit.log`).ok).toBe(true);
    // a construction site in the registry is classified by the national rules in its history drawer
    suite.nc.publish(`city.asset.construction.${D}.pit-loop`, enc.encode(JSON.stringify({
      id: 'pit-loop', ts: Date.now() - 1000, name: '茅箭区深基坑(测试)', kind: 'foundation_pit', lat: 32.63, lon: 110.8,
      owner: '湖北十堰城建集团', supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局', attrs: { depth_m: 6.2 },
    })));
    const pit = con.page.locator('[data-risk="pit-loop"]');
    await pit.waitFor({ timeout: 15_000 });
    await pit.click();
    const danger = con.page.locator('[data-asset-drawer="pit-loop"] [data-danger]');
    await danger.waitFor();
    expect(await danger.getAttribute('data-danger')).toBe('beyond_scale');
    expect(await danger.textContent()).toContain('开挖深度超过5m');
    await con.page.keyboard.press('Escape');

    // the read-only HTTP API for other city systems
    const get = (path: string, token: string | null = WALL): Promise<Response> => fetch(`${suite.engine.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    expect((await get('/api/hazards', null)).status).toBe(401);
    expect((await get('/api/alarms?district=nope')).status).toBe(400);
    const closed = (await (await get('/api/hazards?stage=closed&domain=gas')).json()) as { data: { stage: string; asset: string; fiveItems: unknown }[] };
    expect(closed.data.map((h) => [h.stage, h.asset])).toEqual([['closed', ASSET]]);
    const risks = (await (await get(`/api/risks?district=${D}`)).json()) as { data: { assets: { asset: string; colour: string }[] } };
    expect(risks.data.assets.find((r) => r.asset === ASSET)?.colour).toBe('yellow');
    expect(((await (await get('/api/alarms?domain=gas')).json()) as { data: unknown[] }).data).toEqual([]);

    // the shift's handover report: generated from the data, printed to PDF, kept
    const html = await (await fetch(`${suite.engine.url}/api/handover.html?fromMs=${t0 - 3_600_000}&toMs=${Date.now() + 60_000}&token=${CONSOLE}`)).text();
    expect(html).toContain('值班交接班报告');
    expect(html).toMatch(/本班报警：2</);
    expect(html).toMatch(/销号隐患：1</);
    expect(html).toMatch(/升为红色的风险：[1-9]/);
    const pdf = await handoverPdf({ url: suite.engine.url ?? '', token: CONSOLE, fromMs: t0 - 3_600_000, toMs: Date.now() + 60_000, out: `${suite.dir}/handover.pdf`, lang: 'zh' });
    expect(pdf.bytes).toBeGreaterThan(10_000);
    expect(readFileSync(pdf.out).subarray(0, 5).toString()).toBe('%PDF-');
    await wall.page.close();
    await con.page.close();
  });
});
