/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../analytics/node/cli/openCommand.js';
import { openWall } from '../../dev/testing/browser.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';
import { tempDir, waitFor } from '../../dev/testing/harness.js';

const WALL = 'replay-wall-token-0123456789';
const CONSOLE = 'replay-console-token-0123456789';
const D = '420302';
const POINT = `tunnel/${D}/tunnel-r1#tunnel.ch4.alarm`;
const suite = browserEngineSuite('replay', { wall: WALL, console: CONSOLE });
const enc = new TextEncoder();
/** When the critical was raised and when it was back to normal and handled (epoch ms). */
let raisedAt = 0;
let clearedAt = 0;

function reading(asset: string, tsMs: number, metric: string, value: number): void {
  suite.nc.publish(`city.telemetry.tunnel.${D}.${asset}`, enc.encode(JSON.stringify({ id: `${asset}-${tsMs}`, ts: tsMs, metric, value })));
}
const cursorOf = async (page: Page): Promise<number> => Number(await page.locator('[data-replay-timeline]').getAttribute('data-cursor'));
const bannerAt = async (page: Page): Promise<number> => Number(await page.locator('[data-replay-banner]').getAttribute('data-at'));
const rowCount = (page: Page): Promise<number> => page.locator(`.row[data-alarm="${POINT}"]`).count();

beforeAll(async () => {
  const { engine, nc, browser } = suite;
  // a history: a critical raised, acknowledged at the console, back to normal (gone from the live list)
  const con = await openWall(browser, `${engine.url}/?view=console#token=${CONSOLE}`);
  await con.page.locator('[data-console]').waitFor();
  raisedAt = Date.now();
  reading('tunnel-r1', raisedAt, 'ch4_lel_pct', 40);
  await nc.flush();
  const row = con.page.locator(`.row[data-alarm="${POINT}"]`);
  await row.waitFor({ timeout: 0 });
  await row.click();
  await con.page.keyboard.press('a');
  await waitFor(async () => (await row.getAttribute('data-state')) === 'ack' || null, 'acknowledged');
  await new Promise((r) => setTimeout(r, 3000));
  clearedAt = Date.now();
  reading('tunnel-r1', clearedAt, 'ch4_lel_pct', 0);
  await nc.flush();
  await row.waitFor({ state: 'detached', timeout: 0 });
  await con.page.close();
});

describe('the console and the wall replayed as of an instant', () => {
  it('looks back on the console: drags the cursor, plays at 60×, jumps to the alarm, shows no action, returns to live', async () => {
    const { engine, browser } = suite;
    const { page, errors } = await openWall(browser, `${engine.url}/?view=console&debug=1#token=${CONSOLE}`);
    await page.locator('[data-console]').waitFor();
    await waitFor(async () => (await page.locator('[data-act="silence-all"]').count()) === 1 || null, 'live: the leader may act');
    expect(await page.locator('[data-replay-banner]').count()).toBe(0);

    await page.keyboard.press('b');
    const bar = page.locator('[data-replay-timeline]');
    await bar.waitFor();
    await page.locator('[data-replay-banner]').waitFor();
    expect(await page.locator('[data-replay-banner]').textContent()).toContain('回放');
    // the banner says the instant the data is as of, once the engine confirmed it
    await waitFor(async () => (await bannerAt(page)) === (await cursorOf(page)) || null, 'the engine replays the cursor');
    // in replay no operator action is offered, and the console says why
    expect(await page.locator('[data-act]:visible').count()).toBe(0);
    await page.locator('[data-replay-no-actions]').waitFor();

    // a drag to the start of the window: the cursor and the data follow
    const track = page.locator('[data-replay-track]');
    const box = await track.boundingBox();
    if (!box) throw new Error('no track');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2, { steps: 10 });
    await page.mouse.move(box.x + 1, box.y + box.height / 2, { steps: 10 });
    await page.mouse.up();
    await waitFor(async () => (await cursorOf(page)) < raisedAt - 1000 || null, 'the cursor dragged before the alarm');
    await waitFor(async () => (await bannerAt(page)) === (await cursorOf(page)) || null, 'the data follows the drag');
    expect(await rowCount(page)).toBe(0);

    // play at 60×: the cursor moves a minute per second
    await page.locator('[data-replay="speed"]').selectOption('60');
    const before = await cursorOf(page);
    await page.locator('[data-replay="play"]').click();
    await waitFor(async () => (await cursorOf(page)) - before >= 60_000 || null, 'a minute replayed');
    await page.locator('[data-replay="play"]').click();
    expect(await bar.getAttribute('data-playing')).toBe('no');

    // the next alarm: the cursor goes to where it was raised, and the alarm stands on the console again
    await page.keyboard.press('n');
    await waitFor(async () => Math.abs((await cursorOf(page)) - raisedAt) < 5000 || null, 'the cursor on the alarm');
    await page.locator(`.row[data-alarm="${POINT}"]`).waitFor({ timeout: 0 });
    expect(await page.locator(`.row[data-alarm="${POINT}"]`).getAttribute('data-state')).toBe('unack');

    // the bar shows ten minutes around the cursor
    await page.locator('[data-replay="span"]').selectOption('600000');
    const track10 = page.locator('[data-replay-track]');
    const lo = Number(await track10.getAttribute('aria-valuemin'));
    const hi = Number(await track10.getAttribute('aria-valuemax'));
    expect(hi - lo).toBeLessThanOrEqual(600_000);
    expect(lo <= raisedAt + 5000 && raisedAt - 5000 <= hi).toBe(true);

    // a second either side: keys step the cursor
    const at = await cursorOf(page);
    await page.keyboard.press('ArrowRight');
    expect(await cursorOf(page)).toBe(at + 1000);
    await page.keyboard.press('Shift+ArrowLeft');
    expect(await cursorOf(page)).toBe(at + 1000 - 60_000);

    // back to live: the bar and the banner go, the handled alarm is gone, actions are offered again
    await page.keyboard.press('l');
    await bar.waitFor({ state: 'detached' });
    expect(await page.locator('[data-replay-banner]').count()).toBe(0);
    await page.locator(`.row[data-alarm="${POINT}"]`).waitFor({ state: 'detached', timeout: 0 });
    await page.locator('[data-act="silence-all"]').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens the wall at the instant of ?replay= with the banner, and the alarm as it stood', async () => {
    const { engine, browser } = suite;
    const at = raisedAt + 1000;
    const { page, errors } = await openWall(browser, `${engine.url}/?screen=overview&replay=${at}#token=${WALL}`);
    await page.locator('[data-replay-banner]').first().waitFor();
    await waitFor(async () => (await bannerAt(page)) === at || null, 'the wall replays the instant asked');
    await page.locator(`[data-alarm-list] li[data-alarm="${POINT}"]`).waitFor({ timeout: 0 });
    expect(await page.locator('[data-replay-banner]').first().textContent()).toContain('回放');
    expect(clearedAt).toBeGreaterThan(raisedAt);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('over a bundle the timeline is always shown, starts at the window start and has no live to return to', async () => {
    const { engine, browser } = suite;
    // the console (a shift leader may export) writes a bundle of the history above
    const con = await openWall(browser, `${engine.url}/?view=console&debug=1#token=${CONSOLE}`);
    await con.page.locator('[data-console]').waitFor();
    const out = tempDir('cityops-replay-bundle-');
    const fromMs = raisedAt - 30_000;
    const toMs = Date.now();
    await con.page.evaluate(async (a) => {
      const c = (globalThis as unknown as { __cityops: { client: { command(n: string, a: unknown): Promise<unknown> } } }).__cityops.client;
      await c.command('export', a);
    }, { fromMs, toMs, out: out.dir, force: true });
    await con.page.close();
    const opened = await openBundle({ dir: out.dir, host: '127.0.0.1', port: 0, verify: true });
    try {
      const leader = opened.devices.find((d) => d.role === 'shift_leader');
      if (!leader) throw new Error('the bundle serves no console');
      const { page, errors } = await openWall(browser, `${opened.server.url}/?view=console#token=${leader.token}`);
      const bar = page.locator('[data-replay-timeline]');
      await waitFor(async () => (await bar.getAttribute('data-mode')) === 'bundle' || null, 'the bundle timeline is shown by itself');
      await waitFor(async () => (await bannerAt(page)) === fromMs || null, 'the replay starts at the window start');
      expect(await page.locator('[data-replay="live"]').count()).toBe(0);
      expect(await page.locator('[data-replay="enter"]').count()).toBe(0);
      expect(await rowCount(page)).toBe(0);
      await page.keyboard.press('n');
      await waitFor(async () => Math.abs((await cursorOf(page)) - raisedAt) < 5000 || null, 'the cursor on the alarm');
      await page.locator(`.row[data-alarm="${POINT}"]`).waitFor({ timeout: 0 });
      // L does nothing over a bundle: it stays in replay
      await page.keyboard.press('l');
      await page.keyboard.press('ArrowRight');
      expect(await bar.count()).toBe(1);
      await waitFor(async () => (await bannerAt(page)) === (await cursorOf(page)) || null, 'still replaying');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await opened.stop();
      out.remove();
    }
  });
});
