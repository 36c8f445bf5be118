/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { launchChromium, openWall, type WatchedPage } from '../../dev/testing/browser.js';
import { builtCli, EngineProcess } from '../../dev/testing/engineProcess.js';
import { tempDir, waitFor } from '../../dev/testing/harness.js';
import { freePort, NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';

/**
 * The console as a tired shift leader uses it: the selection stays where it was put, keys work in
 * any case and never twice, every dialog takes Enter in its own first field, each stage of a case
 * has its own note, irreversible steps ask once, a console that cannot sound says so, and the
 * handover's signatures keep the hash they sign.
 */
const CONSOLE = 'console-test-token-0123456789';
const D = '420302';
const tmp = tempDir('cityops-console-');
let server: NatsServerProcess;
let engine: EngineProcess;
let nc: NatsConnection;
let browser: Browser;
let con: WatchedPage;
const enc = new TextEncoder();
let seq = 0;

beforeAll(async () => {
  server = await NatsServerProcess.start();
  const devices = `${tmp.dir}/devices.json`;
  writeFileSync(devices, JSON.stringify([{ device: 'console-1', role: 'shift_leader', token: CONSOLE }]));
  engine = await EngineProcess.start(builtCli(), ['--nats', server.url, '--db', `${tmp.dir}/console.duckdb`, '--port', String(await freePort()), '--devices', devices]);
  nc = await connectNats({ url: server.url, name: 'console test feed' });
  await waitFor(async () => (await engine.health()).ok, 'engine connected');
  browser = await launchChromium();
  con = await openWall(browser, `${engine.url}/?view=console&debug=1#token=${CONSOLE}`);
  await con.page.locator('[data-console]').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await nc?.close();
  await engine?.kill('SIGTERM');
  await server?.dispose();
  tmp.remove();
});

/** A gas reading on an asset of the test district: above 25 %LEL a high alarm, above 50 a critical one. */
async function gas(asset: string, lel: number): Promise<void> {
  nc.publish(`city.telemetry.gas.${D}.${asset}`, enc.encode(JSON.stringify({ id: `r${++seq}`, ts: Date.now() - 1000, metric: 'lel_pct', value: lel, unit: '%LEL' })));
  await nc.flush();
}
const point = (asset: string, level: 1 | 2): string => `gas/${D}/${asset}#gas.lel.level${level}`;
const row = (page: Page, asset: string, level: 1 | 2) => page.locator(`.row[data-alarm="${point(asset, level)}"]`);
const stateOf = (page: Page, asset: string, level: 1 | 2): Promise<string | null> => row(page, asset, level).getAttribute('data-state');
/** The operator actions this page has sent, by kind (what the debug hook's store recorded, synchronously on send). */
const sent = (page: Page, kind: string): Promise<number> =>
  page.evaluate((k) => (globalThis as unknown as { __cityops: { ops: { submitted: { kind: string }[] } } }).__cityops.ops.submitted.filter((s) => s.kind === k).length, kind);
const dialog = (page: Page) => page.locator('[role="dialog"]');
const focusInDialog = (page: Page): Promise<boolean> => page.evaluate(() => document.activeElement?.closest('[role="dialog"]') != null);

async function standing(asset: string, level: 1 | 2): Promise<void> {
  await gas(asset, level === 2 ? 58 : 30);
  await row(con.page, asset, level).waitFor({ timeout: 0 });
}

describe('the console as a shift leader uses it, in Chromium', () => {
  it('the selection stays on the alarm the operator chose: after shelving, A acknowledges nothing new', async () => {
    const { page } = con;
    await standing('sel-1', 1);
    await standing('sel-2', 1);
    await row(page, 'sel-1', 1).click();
    await page.keyboard.press('s');
    await dialog(page).waitFor();
    // a critical alarm arrives while the dialog is open: it goes to the top of the table
    await standing('sel-new', 2);
    await page.locator('[role="dialog"] input[name="reason"]').fill('检修中');
    await page.keyboard.press('Enter');
    await row(page, 'sel-1', 1).waitFor({ state: 'detached', timeout: 0 });
    const acksBefore = await sent(page, 'alarm.ack');
    await page.keyboard.press('a');
    expect(await sent(page, 'alarm.ack')).toBe(acksBefore);
    expect(await stateOf(page, 'sel-new', 2)).toBe('unack');
    expect(await stateOf(page, 'sel-2', 1)).toBe('unack');
    expect(await page.locator('[data-no-selection]').count()).toBe(1);
  });

  it('the table searches and filters; Enter opens the asset with its trends and past alarms', async () => {
    const { page } = con;
    await page.locator('input[name="alarm-search"]').fill('sel-2');
    await waitFor(async () => (await page.locator('.row[data-alarm]').count()) === 1 || null, 'one row matches');
    await page.locator('input[name="alarm-search"]').fill('');
    await page.locator('select[name="alarm-priority"]').selectOption('critical');
    await waitFor(async () => (await page.locator('.row[data-alarm*="level1"]').count()) === 0 || null, 'only critical rows');
    await page.locator('select[name="alarm-priority"]').selectOption('all');
    await row(page, 'sel-2', 1).click();
    await page.keyboard.press('Enter');
    const drawer = page.locator('[data-asset-drawer="sel-2"]');
    await drawer.locator('[data-asset-trends] .trend').first().waitFor({ timeout: 0 });
    await waitFor(async () => (await drawer.locator('[data-asset-past-alarms] li').first().textContent())?.includes('报警') || null, 'a past alarm listed');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  it('Shift+A and Caps Lock acknowledge; an input method or Caps Lock is named on screen', async () => {
    const { page } = con;
    await standing('key-1', 1);
    await standing('key-2', 1);
    await row(page, 'key-1', 1).click();
    await page.keyboard.press('Shift+A');
    await waitFor(async () => (await stateOf(page, 'key-1', 1)) === 'ack' || null, 'acknowledged with Shift+A');
    await row(page, 'key-2', 1).click();
    // Caps Lock on: the key arrives as "A" and the modifier state says so
    await page.evaluate(() => document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'A', code: 'KeyA', modifierCapsLock: true, bubbles: true })));
    await waitFor(async () => (await stateOf(page, 'key-2', 1)) === 'ack' || null, 'acknowledged with Caps Lock on');
    await page.locator('[data-key-warning="capslock"]').waitFor();
    // a Chinese input method composes: the page receives "Process" (keyCode 229) and says so
    await page.evaluate(() => document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Process', code: 'KeyA', isComposing: true, bubbles: true })));
    await page.locator('[data-key-warning="ime"]').waitFor();
  });

  it('a double A sends one acknowledgement; a double click on 开始整改 is no refusal', async () => {
    const { page } = con;
    await standing('dbl-1', 1);
    await row(page, 'dbl-1', 1).click();
    const before = await sent(page, 'alarm.ack');
    await page.keyboard.press('a');
    await page.keyboard.press('a');
    await waitFor(async () => (await stateOf(page, 'dbl-1', 1)) === 'ack' || null, 'acknowledged');
    expect(await sent(page, 'alarm.ack')).toBe(before + 1);

    const card = await raiseAndDispatch(page, 'dbl-1', '双击测试');
    await card.locator('button[data-act="start"]').dblclick();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'rectifying' || null, 'rectifying');
    expect(await page.locator('[data-submitted="refused"]').count()).toBe(0);
  });

  it('Enter in 转隐患 raises the pre-filled hazard even after 登记隐患 was last clicked; the cursor is in the first field and stays in the dialog', async () => {
    const { page } = con;
    await standing('ent-1', 2);
    await page.locator('[data-act="raise-manual"], header button:has-text("登记隐患")').first().click();
    await dialog(page).waitFor();
    expect(await focusInDialog(page)).toBe(true);
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    await row(page, 'ent-1', 2).click();
    await page.keyboard.press('h');
    await dialog(page).waitFor();
    expect(await page.locator('[role="dialog"] select[name="grade"]').inputValue()).toBe('major');
    expect(await focusInDialog(page)).toBe(true);
    for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
    expect(await focusInDialog(page)).toBe(true);
    const title = await page.locator('[role="dialog"] input[name="title"]').inputValue();
    expect(title).toContain('可燃气体二级报警');
    await page.keyboard.press('Enter');
    await dialog(page).waitFor({ state: 'detached' });
    await page.locator(`[data-hazard] .title:text-is("${title}")`).waitFor({ timeout: 0 });
  });

  it('the shelve dialog takes typing at once, submits on Enter, and keeps a draft when closed by mistake', async () => {
    const { page } = con;
    await standing('shv-1', 1);
    await row(page, 'shv-1', 1).click();
    await page.keyboard.press('s');
    await dialog(page).waitFor();
    await page.keyboard.type('管道抢修');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    await page.keyboard.press('s');
    expect(await page.locator('[role="dialog"] input[name="reason"]').inputValue()).toBe('管道抢修');
    await page.keyboard.press('Enter');
    await row(page, 'shv-1', 1).waitFor({ state: 'detached', timeout: 0 });
  });

  it('the handover dialog puts the cursor in its first field and generates on Enter', async () => {
    const { page } = con;
    await page.locator('[data-open-handover]').click();
    await dialog(page).waitFor();
    expect(await focusInDialog(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('[data-report]').waitFor({ timeout: 0 });
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
  });

  it('each stage of a case has its own note: the report does not pre-fill the verification, nor the send-back the next report', async () => {
    const { page } = con;
    await standing('note-1', 1);
    const card = await raiseAndDispatch(page, 'note-1', '分段说明测试');
    await card.locator('button[data-act="start"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'rectifying' || null, 'rectifying');
    await card.locator('input[name="note"]').fill('整改完成');
    await card.locator('button[data-act="report"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'verifying' || null, 'verifying');
    expect(await card.locator('input[name="note"]').inputValue()).toBe('');
    await card.locator('input[name="note"]').fill('阀门仍有泄漏');
    await card.locator('button[data-act="verify-fail"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'rectifying' || null, 'sent back');
    expect(await card.locator('input[name="note"]').inputValue()).toBe('');

    // 销号 asks once before it closes the case
    await card.locator('input[name="note"]').fill('已更换阀门');
    await card.locator('button[data-act="report"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'verifying' || null, 'verifying again');
    await card.locator('input[name="note"]').fill('复查合格');
    await card.locator('button[data-act="verify-pass"]').click();
    await dialog(page).waitFor();
    expect(await card.getAttribute('data-stage')).toBe('verifying');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'closed' || null, 'closed after confirming');
  });

  it('a major hazard: the deadline a date inside the five items, the refusal next to the button, nothing lost on collapse, the items on the case after dispatch', async () => {
    const { page } = con;
    await standing('maj-1', 2);
    await row(page, 'maj-1', 2).click();
    await page.keyboard.press('h');
    await page.locator('[role="dialog"] input[name="title"]').fill('重大隐患派发测试');
    await page.keyboard.press('Enter');
    const card = page.locator('[data-hazard]:has(.title:text-is("重大隐患派发测试"))');
    await card.waitFor({ timeout: 0 });
    await card.locator('.head').click();
    expect(await card.locator('fieldset input[name="deadline"][data-date-field="date"]').count()).toBe(1);
    await card.locator('input[name="assignee"]').fill('十堰燃气公司');
    await card.locator('input[name="measures"]').fill('关阀、通风');
    await card.locator('button[data-act="dispatch"]').click();
    await card.locator('[data-refusal]').waitFor({ timeout: 0 });
    expect(await card.locator('[data-refusal]').textContent()).toContain('五落实');
    // collapsed and opened again: what was typed is still there
    await card.locator('.head').click();
    await card.locator('.head').click();
    expect(await card.locator('input[name="measures"]').inputValue()).toBe('关阀、通风');
    await card.locator('input[name="funds"]').fill('2万元');
    await card.locator('input[name="person"]').fill('张工');
    await card.locator('input[name="plan"]').fill('燃气泄漏专项应急预案');
    await card.locator('button[data-act="dispatch"]').click();
    await waitFor(async () => (await card.getAttribute('data-stage')) === 'dispatched' || null, 'dispatched');
    const five = await card.locator('[data-five-items]').textContent();
    for (const x of ['关阀、通风', '2万元', '张工', '燃气泄漏专项应急预案']) expect(five).toContain(x);
  });

  it('S on a shelved alarm and 全部消音 ask once before they act', async () => {
    const { page } = con;
    await standing('uns-1', 1);
    await row(page, 'uns-1', 1).click();
    await page.keyboard.press('s');
    await page.locator('[role="dialog"] input[name="reason"]').fill('临时维护');
    await page.keyboard.press('Enter');
    await row(page, 'uns-1', 1).waitFor({ state: 'detached', timeout: 0 });
    await page.locator('[data-show-all]').check();
    await row(page, 'uns-1', 1).click();
    const before = await sent(page, 'alarm.unshelve');
    await page.keyboard.press('s');
    await dialog(page).waitFor();
    expect(await sent(page, 'alarm.unshelve')).toBe(before);
    await page.keyboard.press('Enter');
    await dialog(page).waitFor({ state: 'detached' });
    expect(await sent(page, 'alarm.unshelve')).toBe(before + 1);
    await page.locator('[data-show-all]').uncheck();

    const silenced = await sent(page, 'alarm.silence');
    await page.locator('[data-act="silence-all"]').click();
    await dialog(page).waitFor();
    expect(await sent(page, 'alarm.silence')).toBe(silenced);
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    expect(await sent(page, 'alarm.silence')).toBe(silenced);
  });

  it('a console that cannot sound says so with a banner until sound is on, and offers a test and the volume', async () => {
    const { page } = con;
    const banner = page.locator('[data-sound-banner]');
    await banner.waitFor();
    await banner.locator('button').click();
    await banner.waitFor({ state: 'detached' });
    expect(await page.locator('[data-sound-test]').count()).toBe(1);
    expect(await page.locator('input[data-sound-volume]').count()).toBe(1);
    await page.reload();
    await page.locator('[data-console]').waitFor();
    // after a reload the wish for sound is remembered: sound is on again, or (when the browser waits
    // for a gesture) the banner says it is not — never a silent console without a word
    await page.locator('[data-sound-banner], [data-sound="on"]').first().waitFor();
    const on = (await page.locator('[data-sound="on"]').count()) === 1;
    expect(await page.locator('[data-sound-banner]').count()).toBe(on ? 0 : 1);
  });

  it('the handover: the leader writes 交班说明 and 遗留事项; signatures keep the hash they sign; one person cannot sign both sides', async () => {
    const { page } = con;
    await page.locator('[data-open-handover]').click();
    await dialog(page).waitFor();
    await page.locator('textarea[name="summary"]').fill('本班燃气报警多发，已处置。');
    await page.locator('textarea[name="pending"]').fill('分段说明测试隐患待复查。');
    await page.locator('[data-act="handover-generate"]').click();
    const report = page.locator('[data-report]');
    await report.waitFor({ timeout: 0 });
    const hash = await report.getAttribute('data-report');
    expect(await report.textContent()).toContain('本班燃气报警多发，已处置。');
    expect(await report.textContent()).toContain('分段说明测试隐患待复查。');
    // the shift's pictures as in the printed report: alarms per 10 minutes, cases by stage, risks turned red
    expect(await report.locator('figure[data-picture] svg').count()).toBe(3);
    expect(await report.locator('[data-picture="alarms"] figcaption').textContent()).toBe('每10分钟报警数（按优先级）');
    await page.locator('input[name="signer"]').fill('张三');
    await page.locator('[data-act="sign-outgoing"]').click();
    await report.locator('[data-signature="outgoing"]').waitFor({ timeout: 0 });
    expect(await report.getAttribute('data-report')).toBe(hash);
    await page.locator('input[name="signer"]').fill('张三');
    await page.locator('[data-act="sign-incoming"]').click();
    await page.locator('[data-sign-refusal]').waitFor({ timeout: 0 });
    expect(await report.locator('[data-signature="incoming"]').count()).toBe(0);
    await page.locator('input[name="signer"]').fill('李四');
    await page.locator('[data-act="sign-incoming"]').click();
    await report.locator('[data-signature="incoming"]').waitFor({ timeout: 0 });
    expect(await report.getAttribute('data-report')).toBe(hash);
    // opened again later, the signed report is shown as it was signed, not generated anew
    await page.keyboard.press('Escape');
    await page.locator('[data-open-handover]').click();
    await page.locator('[data-act="handover-generate"]').click();
    await report.waitFor({ timeout: 0 });
    expect(await report.getAttribute('data-report')).toBe(hash);
    expect(await report.locator('[data-signature]').count()).toBe(2);
    expect(con.errors).toEqual([]);
  });
});

/** Raises a general hazard from the asset's alarm and dispatches it to a party; returns its card, opened. */
async function raiseAndDispatch(page: Page, asset: string, title: string) {
  await row(page, asset, 1).click();
  await page.keyboard.press('h');
  await dialog(page).waitFor();
  await page.locator('[role="dialog"] input[name="title"]').fill(title);
  await page.locator('[role="dialog"] select[name="grade"]').selectOption('general');
  await page.locator('[role="dialog"] button[type="submit"]').click();
  const card = page.locator(`[data-hazard]:has(.title:text-is("${title}"))`);
  await card.waitFor({ timeout: 0 });
  await card.locator('.head').click();
  await card.locator('input[name="assignee"]').fill('十堰燃气公司');
  await card.locator('button[data-act="dispatch"]').click();
  await waitFor(async () => (await card.getAttribute('data-stage')) === 'dispatched' || null, 'dispatched');
  return card;
}
