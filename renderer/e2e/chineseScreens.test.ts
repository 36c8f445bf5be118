/// <reference lib="dom" />
import type { NatsConnection } from '@nats-io/nats-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsPublisher } from '../../analytics/node/feeds/natsPublisher.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { buildCity } from '../../analytics/node/sim/city.js';
import { CitySimulator, DEFAULT_SIM } from '../../analytics/node/sim/simulator.js';
import { openWall } from '../../dev/testing/browser.js';
import { foreignWords } from '../../dev/testing/chineseText.js';
import { EngineProcess } from '../../dev/testing/engineProcess.js';
import { tempDir, waitFor } from '../../dev/testing/harness.js';
import { startBrowserEngine } from '../../dev/testing/browserEngine.js';

const WALL = 'zh-wall-token-0123456789';
const CONSOLE = 'zh-console-token-0123456789';
const D = '420303';
const ASSET = 'gas-zh-1';
const POINT = `gas/${D}/${ASSET}#gas.lel.level2`;
const tmp = tempDir('cityops-zh-');
let server: NatsServerProcess;
let engine: EngineProcess;
let nc: NatsConnection;
let sim: CitySimulator;
let browser: Browser;
const enc = new TextEncoder();

beforeAll(async () => {
  ({ server, engine, nc, browser } = await startBrowserEngine(tmp.dir, 'zh', { wall: WALL, console: CONSOLE }));
  sim = new CitySimulator(CITY, new NatsPublisher(nc), { ...DEFAULT_SIM, rate: 200, eventsPerMin: 30 });
  await sim.publishRegistry(Date.now());
  nc.publish(`city.asset.gas.${D}.${ASSET}`, enc.encode(JSON.stringify({
    id: ASSET, ts: Date.now() - 600_000, name: '张湾区燃气调压站（测试）', kind: 'regulator_station', lat: 32.66, lon: 110.72,
    owner: '十堰市燃气有限公司', supervisor: '十堰市住房和城乡建设局', approver: '十堰市住房和城乡建设局',
    attrs: { owner_contact: '0719-8000001', supervisor_contact: '0719-8000002', approver_contact: '0719-8000003' },
  })));
  await nc.flush();
  sim.start();
});
afterAll(async () => {
  sim?.stop();
  await browser?.close();
  await nc?.close();
  await engine?.kill('SIGTERM');
  await server?.dispose();
  tmp.remove();
});

const wallUrl = (q: string): string => `${engine.url}/?${q}&debug=1#token=${WALL}`;
const consoleUrl = (): string => `${engine.url}/?view=console&debug=1#token=${CONSOLE}`;

/** The page's visible text (and its tooltips' titles), scanned for English words and raw keys. */
async function foreignOn(page: Page, selector = 'body'): Promise<string[]> {
  const text = await page.locator(selector).first().evaluate((el) => `${(el as HTMLElement).innerText}\n${[...el.querySelectorAll('[title]')].map((x) => x.getAttribute('title')).join('\n')}`);
  // a handover report's fingerprint (the first 16 hex digits of its SHA-256, so that two signers can
  // compare what they sign) is data, as an asset's contact number is
  return foreignWords(text.replace(/\b[0-9a-f]{16}…/g, ''));
}

/**
 * The rule for the English pages: Chinese characters on them come from data only. Each run of CJK
 * characters must be part of a text the city's systems or the operators wrote — asset names and
 * the responsible parties from the registry, event titles, case titles and parties, reasons and
 * notes typed at the console — or be the language switch, which names Chinese in Chinese (中文).
 * A Chinese label of the UI (a column head, a button, a message) is not data and fails. The rule
 * cannot see a label that happens to be part of some data text (a kind such as 燃气调压站 inside an
 * asset's name, 中断 inside an event's title); it sees every other.
 */
const CITY = buildCity(120, 613);
const REGISTRY_TEXTS = [
  ...CITY.assets.flatMap((a) => [a.record.name, a.record.owner, a.record.supervisor, a.record.approver]),
  '张湾区燃气调压站（测试）', '十堰市燃气有限公司', '十堰市住房和城乡建设局',
].filter((x): x is string => typeof x === 'string');
/** What operators typed in this file's tests (reasons and notes are data, whatever the page's language). */
const TYPED_TEXTS = ['临时维护，稍后恢复', '夜班交接说明'];
async function chineseOutsideData(page: Page, selector = 'body'): Promise<string[]> {
  const text = await page.locator(selector).first().evaluate((el) => `${(el as HTMLElement).innerText}\n${[...el.querySelectorAll('[title]')].map((x) => x.getAttribute('title')).join('\n')}`);
  const live = await page.evaluate(async () => {
    type Hook = {
      city: { assets: { name: string }[]; events: { title: string }[] };
      ops: { snapshot: { openHazards: { title: string; assignee: string | null }[]; alarms: { shelved: { reason: string } | null }[] } | null };
      client: { query: (name: string, params: unknown) => Promise<unknown> };
    };
    const h = (globalThis as unknown as { __cityops: Hook }).__cityops;
    // every case, not only the 30 open ones the picture carries: a report (the handover) lists closed and older ones too
    const cases = (await h.client.query('hazards', { limit: 5000 }).catch(() => [])) as { title: string; assignee: string | null }[];
    return [
      ...h.city.assets.map((a) => a.name), ...h.city.events.map((e) => e.title),
      ...(h.ops.snapshot?.openHazards ?? []).flatMap((x) => [x.title, x.assignee ?? '']),
      ...cases.flatMap((x) => [x.title, x.assignee ?? '']),
      ...(h.ops.snapshot?.alarms ?? []).map((a) => a.shelved?.reason ?? ''),
    ];
  });
  const data = [...REGISTRY_TEXTS, ...TYPED_TEXTS, ...live, '中文'];
  const runs = new Set(text.match(/[\u3400-\u9fff\uf900-\ufaff]+/g) ?? []);
  return [...runs].filter((r) => !data.some((d) => d.includes(r)));
}

type ChartHandle = { getDom(): HTMLElement; getOption(): Record<string, unknown>; convertToPixel(f: unknown, v: unknown): number[] };
async function chartOption(page: Page, kind: string): Promise<Record<string, unknown>[]> {
  return page.evaluate((k) => {
    const charts = (globalThis as unknown as { __charts: { instances: Set<ChartHandle> } }).__charts;
    return [...charts.instances].filter((c) => c.getDom().dataset['chart'] === k).map((c) => JSON.parse(JSON.stringify(c.getOption())) as Record<string, unknown>);
  }, kind);
}

/** A reading of the test station at a whole 45 s past a minute: a chart drawn a minute behind cannot show it. */
function lel(id: string, tsMs: number, value: number): void {
  nc.publish(`city.telemetry.gas.${D}.${ASSET}`, enc.encode(JSON.stringify({ id, ts: tsMs, metric: 'lel_pct', value, unit: '%LEL' })));
}
const at45 = (): number => {
  const m = Math.floor(Date.now() / 60_000) * 60_000 + 45_000;
  return m <= Date.now() ? m : m - 60_000;
};

describe('complete Chinese, names not ids, and what the operator needs, in Chromium', () => {
  it('shows every wall screen with no English word, raw id or key', async () => {
    const found: Record<string, string[]> = {};
    for (const screen of ['overview', 'lifelines', 'bridges', 'construction', 'housing', 'waste']) {
      const { page, errors } = await openWall(browser, wallUrl(`screen=${screen}`));
      await page.locator('[data-chart]').first().waitFor();
      await waitFor(async () => (await page.locator('[data-link="engine"]').textContent())?.includes('正常'), `${screen} connected`);
      // the panels' first answers are in (the event lists and the health strip have text)
      await waitFor(async () => ((await page.locator('body').innerText()).match(/\d+秒前|刚刚/) ? true : null), `${screen} has data`);
      const words = await foreignOn(page);
      if (words.length > 0) found[screen] = words;
      expect(errors).toEqual([]);
      await page.close();
    }
    expect(found).toEqual({});
  });

  it('has a map legend of its colouring rules, names that do not overlap, and zooms', async () => {
    const { page } = await openWall(browser, wallUrl('screen=overview'));
    const legend = page.locator('[data-map-legend]');
    await legend.waitFor();
    expect(await legend.locator('[data-legend-colour]').count()).toBe(4);
    expect(await legend.textContent()).toContain('巡检');
    await waitFor(async () => ((await chartOption(page, 'map'))[0]?.['series'] as { id: string }[] | undefined)?.some((s) => s.id === 'labels'), 'district names drawn');
    // each name's box on screen, from where ECharts puts its point and the label's font size
    const boxes = await page.evaluate(() => {
      const charts = (globalThis as unknown as { __charts: { instances: Set<ChartHandle> } }).__charts;
      const c = [...charts.instances].find((x) => x.getDom().dataset['chart'] === 'map');
      const labels = (c?.getOption()['series'] as { id: string; data: { label: string; value: number[] }[]; label: { fontSize: number } }[]).find((s) => s.id === 'labels');
      return (labels?.data ?? []).map((d) => {
        const [x, y] = c?.convertToPixel({ seriesId: 'labels' }, d.value) ?? [0, 0];
        const w = d.label.length * (labels?.label.fontSize ?? 18);
        const h = labels?.label.fontSize ?? 18;
        return { name: d.label, x0: (x ?? 0) - w / 2, x1: (x ?? 0) + w / 2, y0: (y ?? 0) - h / 2, y1: (y ?? 0) + h / 2 };
      });
    });
    expect(boxes.map((b) => b.name).sort()).toEqual(['丹江口市', '房县', '张湾区', '郧西县', '郧阳区', '竹山县', '竹溪县', '茅箭区'].sort());
    const overlaps = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1).map((b) => `${a.name}/${b.name}`));
    expect(overlaps).toEqual([]);
    await page.locator('[data-map-zoom] button').first().click();
    await waitFor(async () => ((await chartOption(page, 'map'))[0]?.['geo'] as { zoom: number }[] | undefined)?.[0]?.zoom === 1.5, 'zoomed in');
    await page.close();
  });

  it('takes over with the value against its limit, the parties with contacts, what to do, where it is, and a current chart', async () => {
    const { page, errors } = await openWall(browser, wallUrl('wall=1x1'));
    await waitFor(async () => (await page.locator('[data-link="engine"]').textContent())?.includes('正常'), 'wall connected');
    await page.waitForFunction(() => (globalThis as unknown as { __cityops: { ops: { snapshot: unknown } } }).__cityops.ops.snapshot !== null);
    const ts = at45();
    lel('zh-r1', ts - 30_000, 3.1);
    lel('zh-r2', ts, 58.5);
    const view = page.locator(`[data-display="0"][data-showing="asset"] [data-asset="${ASSET}"]`);
    await view.waitFor({ timeout: 30_000 });
    const reading = view.locator('[data-reading="lel_pct"]');
    await waitFor(async () => (await reading.locator('[data-value]').textContent()) === '58.5' || null, 'the value large');
    expect(await reading.locator('[data-limit]').getAttribute('data-limit')).toBe('50');
    expect(await reading.textContent()).toContain('%LEL');
    expect(await reading.textContent()).toContain('超限');
    await waitFor(async () => (await view.locator('[data-contact="owner"]').textContent())?.includes('0719-8000001'), 'owner contact');
    expect(await view.locator('[data-party="supervisor"]').textContent()).toContain('十堰市住房和城乡建设局');
    expect(await view.locator('[data-contact="approver"]').textContent()).toContain('0719-8000003');
    expect(await view.locator('[data-guidance-rule="gas.lel.level2"]').textContent()).toContain('关闭上游阀门');
    expect(await view.locator('[data-chart="location"]').count()).toBe(1);
    // the trend reaches the newest reading (a 1-minute bucket drawn at its start was 45 s behind it)
    await waitFor(async () => {
      const trends = await chartOption(page, 'trend');
      const avg = trends.flatMap((o) => (o['series'] as { id: string; data: [number, number | null][] }[]).filter((s) => s.id === 'avg'));
      const last = avg.map((s) => s.data.filter((p) => p[1] !== null).at(-1)?.[0] ?? 0);
      return last.some((t) => t >= ts - 10_000) || null;
    }, 'a current chart');
    const marks = await chartOption(page, 'trend');
    expect(JSON.stringify(marks.map((o) => o['series']))).toContain('可燃气体二级报警');
    expect(await foreignOn(page, `[data-display="0"]`)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the console, its drawer and dialogs in Chinese, and a refusal as 未执行 with its reason', async () => {
    // the station's alarm stands (raised here too, so that this test runs alone)
    lel('zh-c1', Date.now() - 1000, 61);
    const { page, errors } = await openWall(browser, consoleUrl());
    const row = page.locator(`.row[data-alarm="${POINT}"]`);
    await row.waitFor({ timeout: 30_000 });
    // the rules and the registry are in (until they are, a row can only say the rule's and the asset's ids)
    await waitFor(async () => ((await row.textContent())?.includes('可燃气体二级报警') && (await row.textContent())?.includes('张湾区燃气调压站')) || null, 'the row by names');
    const found: Record<string, string[]> = {};
    const scan = async (where: string, selector = 'body'): Promise<void> => {
      const w = await foreignOn(page, selector);
      if (w.length > 0) found[where] = w;
    };
    await scan('console');
    await row.click();
    await page.keyboard.press('Enter');
    await page.locator(`[data-asset-drawer="${ASSET}"]`).waitFor();
    await waitFor(async () => (await page.locator(`[data-asset-drawer="${ASSET}"]`).textContent())?.includes('0719-8000001'), 'drawer with contacts');
    await scan('drawer', `[data-asset-drawer="${ASSET}"]`);
    await page.locator(`[data-asset-drawer="${ASSET}"] button[aria-label="关闭"]`).click();
    // the manual form places a hazard by name
    await page.locator('button[data-act="raise-manual"]').click();
    const manual = page.locator('form').first();
    await manual.waitFor();
    expect(await manual.locator('input[name="district"]').count()).toBe(0);
    expect(await manual.locator('select[name="district"] option').allTextContents()).toContain('张湾区');
    await scan('manual hazard form', 'form');
    await page.keyboard.press('Escape');
    await manual.waitFor({ state: 'detached' });
    // a major hazard from the alarm, dispatched without the five items: refused, and said why in Chinese
    await row.click();
    await page.keyboard.press('h');
    await page.locator('form select[name="grade"]').selectOption('major');
    await scan('raise dialog', 'form');
    await page.locator('form button[type="submit"]').click();
    const card = page.locator('[data-hazard^="hz-"]', { hasText: '张湾区燃气调压站' }).first();
    await card.waitFor({ timeout: 15_000 });
    // open the case (a click that lands while the list is being redrawn is repeated)
    await waitFor(async () => {
      if ((await card.locator('.head').getAttribute('aria-expanded')) !== 'true') await card.locator('.head').click();
      return (await card.locator('button[data-act="dispatch"]').count()) > 0 || null;
    }, 'the case opened');
    // the deadline is written and typed as 年-月-日 (YYYY-MM-DD), not in the browser's mm/dd/yyyy
    const deadline = card.locator('input[name="deadline"]');
    expect(await deadline.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const due = new Date(Date.now() + 10 * 86_400_000);
    const [y, m, d] = [due.getFullYear(), due.getMonth() + 1, due.getDate()];
    await deadline.fill(`${m}/${d}/${y}`);
    await deadline.press('Tab');
    const problem = card.locator('[data-date-problem="deadline"]');
    await problem.waitFor();
    expect(await problem.textContent()).toBe('请按“年-月-日”填写，如 2026-01-31');
    // the form will not be sent while it is not a date, and the browser's bubble says why in Chinese
    expect(await deadline.evaluate((el) => (el as HTMLInputElement).validationMessage)).toBe('请按“年-月-日”填写，如 2026-01-31');
    await deadline.fill(`${y}/${m}/${d}`);
    await deadline.press('Tab');
    expect(await deadline.inputValue()).toBe(`${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    expect(await problem.count()).toBe(0);
    // Enter in the date field sends the form, as it did with the browser's date input
    await deadline.press('Enter');
    await waitFor(async () => (await page.locator('body').innerText()).includes('重大隐患须先落实措施、资金、时限、责任人、预案（五落实）方可派发') || null, 'the refusal in Chinese');
    expect(await page.locator('body').innerText()).toContain('未执行');
    // the case's parties with full-width colons (责任单位：…)
    const parties = (await card.locator('.parties').innerText()).replace(/\s+/g, ' ');
    expect(parties).toContain('产权单位（谁拥有谁负责）：十堰市燃气有限公司');
    expect(parties).toContain('责任单位：');
    expect(parties).not.toMatch(/[\u3400-\u9fff）]: /);
    await scan('console after the refusal');

    // the shelve dialog (S on the selected alarm), left with Escape
    await row.click();
    await page.keyboard.press('s');
    await page.locator('[data-dialog="shelve"]').waitFor();
    await scan('shelve dialog', '[data-dialog="shelve"]');
    await page.keyboard.press('Escape');
    await page.locator('[data-dialog="shelve"]').waitFor({ state: 'detached' });

    // the handover dialog: the shift typed as 年-月-日 时:分 (24-hour), the report generated on Enter
    await page.locator('[data-open-handover]').click();
    const handover = page.locator('[data-dialog="handover"]');
    await handover.waitFor();
    const from = handover.locator('input[name="from"]');
    const to = handover.locator('input[name="to"]');
    expect(await from.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:00$/);
    expect(await to.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:00$/);
    await scan('handover dialog', '[data-dialog="handover"]');
    const shiftEnd = new Date((await to.inputValue()).replace(' ', 'T'));
    const shiftStart = new Date(shiftEnd.getTime() - 12 * 3_600_000);
    await from.fill(`${shiftStart.getMonth() + 1}/${shiftStart.getDate()}/${shiftStart.getFullYear()} 8:00 PM`);
    await from.press('Tab');
    await handover.locator('[data-date-problem="from"]').waitFor();
    expect(await handover.locator('[data-date-problem="from"]').textContent()).toContain('年-月-日 时：分');
    await from.fill(`${shiftStart.getFullYear()}年${shiftStart.getMonth() + 1}月${shiftStart.getDate()}日 ${shiftStart.getHours()}:${String(shiftStart.getMinutes()).padStart(2, '0')}`);
    await from.press('Tab');
    const pad = (n: number): string => String(n).padStart(2, '0');
    expect(await from.inputValue()).toBe(`${shiftStart.getFullYear()}-${pad(shiftStart.getMonth() + 1)}-${pad(shiftStart.getDate())} ${pad(shiftStart.getHours())}:${pad(shiftStart.getMinutes())}`);
    expect(await handover.locator('[data-date-problem]').count()).toBe(0);
    await handover.locator('textarea[name="summary"]').fill('夜班交接说明');
    await from.focus();
    await from.press('Enter');
    await handover.locator('[data-report]').waitFor({ timeout: 30_000 });
    await scan('handover dialog with its report', '[data-dialog="handover"]');
    await page.keyboard.press('Escape');
    await handover.waitFor({ state: 'detached' });

    // the checklist tab, a domain opened to its items and districts
    await page.locator('[data-tab="checklist"]').click();
    const domainRow = page.locator('[data-checklist]').first();
    await domainRow.waitFor({ timeout: 30_000 });
    await domainRow.click();
    await scan('checklist tab');

    expect(found).toEqual({});
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows no Chinese label of its own on the English console, its dialogs and tabs: Chinese there is data only', async () => {
    lel('zh-e1', Date.now() - 1000, 62);
    const { page, errors } = await openWall(browser, consoleUrl());
    const row = page.locator(`.row[data-alarm="${POINT}"]`);
    await row.waitFor({ timeout: 30_000 });
    await waitFor(async () => (await row.textContent())?.includes('张湾区燃气调压站') || null, 'the row by names');
    // the rule sees the console's own labels while it is in Chinese
    expect(await chineseOutsideData(page)).toContain('值班长工作台');
    // switched as an operator does, with the header's button
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await waitFor(async () => (await page.locator('body').innerText()).includes("Shift leader's console") || null, 'the console in English');
    const found: Record<string, string[]> = {};
    const scan = async (where: string, selector = 'body'): Promise<void> => {
      const w = await chineseOutsideData(page, selector);
      if (w.length > 0) found[where] = w;
    };
    await scan('console');
    await row.click();
    await page.keyboard.press('s');
    await page.locator('[data-dialog="shelve"]').waitFor();
    await page.locator('[data-dialog="shelve"] input[name="reason"]').fill('临时维护，稍后恢复');
    await scan('shelve dialog', '[data-dialog="shelve"]');
    await page.keyboard.press('Escape');
    await page.locator('[data-dialog="shelve"]').waitFor({ state: 'detached' });
    await row.click();
    await page.keyboard.press('Enter');
    await page.locator(`[data-asset-drawer="${ASSET}"]`).waitFor();
    await waitFor(async () => (await page.locator(`[data-asset-drawer="${ASSET}"]`).textContent())?.includes('0719-8000001'), 'drawer with contacts');
    await scan('drawer', `[data-asset-drawer="${ASSET}"]`);
    await page.locator(`[data-asset-drawer="${ASSET}"] button[aria-label="Close"]`).click();
    // the handover: a date typed in English is the same YYYY-MM-DD HH:mm, and its message is English
    await page.locator('[data-open-handover]').click();
    const handover = page.locator('[data-dialog="handover"]');
    await handover.waitFor();
    const from = handover.locator('input[name="from"]');
    const shown = await from.inputValue();
    expect(shown).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:00$/);
    await from.fill('13/40/2026 25:00');
    await from.press('Tab');
    expect(await handover.locator('[data-date-problem="from"]').textContent()).toBe('Write the date and time as YYYY-MM-DD HH:mm (24-hour), e.g. 2026-01-31 20:00');
    await from.fill(shown);
    await from.press('Enter');
    await handover.locator('[data-report]').waitFor({ timeout: 30_000 });
    await scan('handover dialog with its report', '[data-dialog="handover"]');
    await page.keyboard.press('Escape');
    await handover.waitFor({ state: 'detached' });
    await page.locator('[data-tab="checklist"]').click();
    const domainRow = page.locator('[data-checklist]').first();
    await domainRow.waitFor({ timeout: 30_000 });
    await domainRow.click();
    await scan('checklist tab');
    // the hazard queue's cases opened (their parties, the five items, the history)
    const card = page.locator('[data-hazard^="hz-"]').first();
    if ((await card.count()) > 0) {
      await card.locator('.head').click();
      await scan('a case opened', '[data-hazard^="hz-"]');
    }
    expect(found).toEqual({});
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows every wall screen in English with Chinese from data only', async () => {
    const found: Record<string, string[]> = {};
    for (const screen of ['overview', 'lifelines', 'bridges', 'construction', 'housing', 'waste']) {
      const { page, errors } = await openWall(browser, wallUrl(`screen=${screen}`));
      await page.locator('[data-chart]').first().waitFor();
      await waitFor(async () => (await page.locator('[data-link="engine"]').textContent())?.includes('正常'), `${screen} connected`);
      await page.getByRole('button', { name: 'English', exact: true }).first().click();
      await waitFor(async () => ((await page.locator('body').innerText()).match(/\d+ s ago|just now|\d+ min ago/) ? true : null), `${screen} in English with data`);
      const words = await chineseOutsideData(page);
      if (words.length > 0) found[screen] = words;
      expect(errors).toEqual([]);
      await page.close();
    }
    expect(found).toEqual({});
  });
});
