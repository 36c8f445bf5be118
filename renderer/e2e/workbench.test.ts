/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWall } from '../../dev/testing/browser.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';
import { waitFor } from '../../dev/testing/harness.js';

const WALL = 'workbench-wall-token-0123456789';
const LEADER = 'workbench-leader-token-0123456789';
const D = '420302';
const suite = browserEngineSuite('workbench', { wall: WALL, console: LEADER });
const enc = new TextEncoder();
const AT = { lat: 32.6291, lon: 110.7981 };
let burstId = '';

async function run(page: Page, sql: string): Promise<void> {
  const box = page.locator('textarea[name="sql"]');
  await box.fill(sql);
  await box.press('Control+Enter');
  // the run button says 运行 again once the engine answered
  await waitFor(async () => ((await page.locator('[data-wb-run]').textContent())?.trim() === '运行' ? true : null), 'the run ended');
}

beforeAll(async () => {
  const { nc, engine } = suite;
  const now = Date.now();
  burstId = `ev-wb-burst-${now}`;
  for (let i = 0; i < 30; i++) {
    nc.publish(`city.telemetry.water.${D}.water-m${i % 3}`, enc.encode(JSON.stringify({ id: `wb-w-${now}-${i}`, ts: now - (30 - i) * 60_000, metric: 'pressure_mpa', value: 0.3 + (i % 5) / 100 })));
  }
  // a water main burst, then, minutes later and a hundred metres away, road settlement and a gas leak report
  // (orange: a red event would take the wall over until acknowledged, hiding the overview's map)
  nc.publish(`city.event.water.${D}`, enc.encode(JSON.stringify({ id: burstId, ts: now - 20 * 60_000, type: 'pipe_burst', severity: 'orange', title: '供水主管爆管', asset: 'water-m0', ...AT })));
  nc.publish(`city.event.road.${D}`, enc.encode(JSON.stringify({ id: `ev-wb-road-${now}`, ts: now - 12 * 60_000, type: 'settlement', severity: 'orange', title: '路面沉降', lat: AT.lat + 0.0005, lon: AT.lon + 0.0004 })));
  nc.publish(`city.event.gas.${D}`, enc.encode(JSON.stringify({ id: `ev-wb-gas-${now}`, ts: now - 5 * 60_000, type: 'leak_report', severity: 'yellow', title: '燃气异味报告', lat: AT.lat - 0.0004, lon: AT.lon + 0.0006 })));
  // the same kinds far apart in place: no cluster
  nc.publish(`city.event.gas.${D}`, enc.encode(JSON.stringify({ id: `ev-wb-far-${now}`, ts: now - 6 * 60_000, type: 'leak_report', severity: 'yellow', title: '远处燃气异味', lat: AT.lat + 0.2, lon: AT.lon + 0.2 })));
  await nc.flush();
  await waitFor(async () => ((await engine.health()).ingest.stored >= 34 ? true : null), 'the feed is stored');
});

describe('the analyst\'s workbench in Chromium', () => {
  it('runs a query, shows the table and the chart, saves the chart as PNG and exports the whole result', async () => {
    const { page, errors } = await openWall(suite.browser, `${suite.engine.url}/?view=analysis#token=${LEADER}`);
    await page.locator('[data-workbench]').waitFor();
    await run(page, 'SELECT domain, asset, count(*) AS readings, avg(value) AS mean_mpa FROM readings GROUP BY domain, asset ORDER BY asset');
    const result = page.locator('[data-wb-result]');
    await result.waitFor();
    expect(await result.getAttribute('data-rows')).toBe('3');
    // a category and numbers: drawn as bars
    await page.locator('[data-wb-chart="bar"] canvas').waitFor();
    await page.locator('[data-wb-view="table"]').click();
    expect(await page.locator('[data-wb-result] tbody tr[data-row]').count()).toBe(3);
    expect(await page.locator('[data-wb-result] tbody tr[data-row="0"] td').first().textContent()).toBe('water');

    // over time: a line on a time axis
    await run(page, "SELECT time_bucket(INTERVAL 5 MINUTE, ts) AS t, avg(value) AS mpa FROM readings WHERE domain = 'water' GROUP BY t ORDER BY t");
    await page.locator('[data-wb-chart="line"] canvas').waitFor();
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('[data-wb-png]').click()]);
    const pngBytes = readFileSync(await png.path());
    expect([...pngBytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(pngBytes.length).toBeGreaterThan(2000);

    // the whole result for Excel: UTF-8 with a byte-order mark, Chinese text decoded
    await page.locator('textarea[name="sql"]').fill('SELECT ts, title, severity FROM events ORDER BY ts');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-wb-export="csv"]').click()]);
    const bytes = readFileSync(await csv.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('供水主管爆管');
    expect(text.trim().split('\n')).toHaveLength(5);
    await page.locator('[data-wb-note]').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says why a statement is refused, in Chinese, and the database is unchanged', async () => {
    const { page } = await openWall(suite.browser, `${suite.engine.url}/?view=analysis#token=${LEADER}`);
    await page.locator('[data-workbench]').waitFor();
    const refusal = page.locator('[data-sql-refusal]');
    await run(page, 'DELETE FROM readings');
    expect(await refusal.textContent()).toContain('写操作不允许');
    await run(page, "SELECT * FROM read_csv('/etc/passwd')");
    expect(await refusal.textContent()).toContain('不允许读取数据库以外的文件');
    await run(page, 'SELECT 1; DROP TABLE readings');
    expect(await refusal.textContent()).toContain('一次只能执行一条语句');
    await run(page, "SELECT count(*) AS n FROM readings WHERE domain = 'water'");
    expect(await page.locator('[data-wb-result] tbody tr[data-row="0"] td').first().textContent()).toBe('30');
    // the history keeps what was run, refusals included
    await page.locator('[data-wb-tab="history"]').click();
    expect(await page.locator('aside .history').count()).toBe(4);
    await page.close();
  });

  it('refuses the wall\'s token', async () => {
    const { page } = await openWall(suite.browser, `${suite.engine.url}/?view=analysis#token=${WALL}`);
    await page.locator('[data-workbench]').waitFor();
    await run(page, 'SELECT 1');
    expect(await page.locator('[data-sql-refusal]').textContent()).toContain('无权使用分析工作台');
    await page.close();
  });

  it('finds the burst, the settlement and the gas report as one cluster, on the workbench and on the wall', async () => {
    const { page } = await openWall(suite.browser, `${suite.engine.url}/?view=analysis#token=${LEADER}`);
    await page.locator('[data-workbench]').waitFor();
    await page.locator('[data-corr-run]').click();
    const cluster = page.locator('[data-corr-cluster]');
    await cluster.first().waitFor();
    expect(await cluster.count()).toBe(1);
    const said = (await cluster.first().textContent()) ?? '';
    for (const d of ['供水', '道路', '燃气']) expect(said).toContain(d);
    expect(await page.locator('[data-corr-members] tr').count()).toBe(3);
    await page.locator('[data-corr-map] canvas').first().waitFor();
    await page.close();

    const wall = await openWall(suite.browser, `${suite.engine.url}/#token=${WALL}`);
    const card = wall.page.locator('[data-correlation-card]');
    await card.waitFor({ timeout: 0 });
    expect(await card.textContent()).toContain('关联事件');
    expect(await card.textContent()).toContain('供水主管爆管');
    await wall.page.close();
  });
});
