/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openWall } from '../../dev/testing/browser.js';
import { waitFor } from '../../dev/testing/harness.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';

const WALL = 'flood-wall-token-0123456789';
const CONSOLE = 'flood-console-token-0123456789';
const enc = new TextEncoder();

const suite = browserEngineSuite('flood', { wall: WALL, console: CONSOLE });

const PRIO_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };

function reading(domain: string, district: string, asset: string, tsMs: number, metric: string, value: number): void {
  suite.nc.publish(`city.telemetry.${domain}.${district}.${asset}`, enc.encode(JSON.stringify({ id: `${asset}-${tsMs}`, ts: tsMs, metric, value })));
}

type Alarm = { point: string; priority: string; domain: string; annunciated: boolean; state: string };
type Hook = { __cityops: { ops: { snapshot: { alarms: Alarm[] } | null }; client: { command(n: string, a: unknown): Promise<unknown> } } };
const alarmsOf = (page: Page): Promise<Alarm[]> => page.evaluate(() => (globalThis as unknown as Hook).__cityops.ops.snapshot?.alarms ?? []);

/** The rows of a list as shown: point and whether it is indented under the row above. */
const rowsOf = (page: Page, selector: string): Promise<{ point: string; grouped: boolean }[]> =>
  page.locator(selector).evaluateAll((els) => els.map((e) => ({ point: (e as HTMLElement).dataset['alarm'] ?? '', grouped: e.classList.contains('grouped') })));

describe('an alarm flood with criticals, on the console and the wall', () => {
  it('puts criticals on top, hides nothing under a lower or shelved alarm, groups within one system, and counts the same on both screens', async () => {
    const t0 = Date.now() - 60_000;
    // 420302: a crane warning first (it will be shelved), then a critical gas alarm in the same district
    reading('construction', '420302', 'crane-1', t0, 'crane_load_pct', 97);
    await suite.nc.flush();
    const con = await openWall(suite.browser, `${suite.engine.url}/?view=console&debug=1#token=${CONSOLE}`);
    await waitFor(async () => (await alarmsOf(con.page)).length === 1 || null, 'the crane alarm');
    await con.page.evaluate(async () => {
      const c = (globalThis as unknown as Hook).__cityops.client;
      await c.command('ops', { kind: 'alarm.shelve', point: 'construction/420302/crane-1#construction.crane.moment', reason: '检修中', forMs: 3_600_000 });
    });
    reading('gas', '420302', 'gas-1', t0 + 2000, 'lel_pct', 62);
    // 420303: nine medium gas pressure alarms first, then a critical methane alarm in the utility tunnel
    // (the pressure rule has a 60 s on-delay: low at t-61 s and still low at t)
    for (let i = 1; i <= 9; i++) {
      reading('gas', '420303', `gas-p${i}`, t0 + 3000 + i * 100 - 61_000, 'pressure_kpa', 1.2);
      reading('gas', '420303', `gas-p${i}`, t0 + 3000 + i * 100, 'pressure_kpa', 1.2);
    }
    reading('tunnel', '420303', 'tunnel-1', t0 + 5000, 'ch4_lel_pct', 35);
    await suite.nc.flush();

    const wall = await openWall(suite.browser, `${suite.engine.url}/?screen=overview&debug=1#token=${WALL}`);
    // 13 raises: the crane, gas-1 (level 1 and 2), nine pressures, the tunnel
    const all = await waitFor(async () => {
      const l = await alarmsOf(con.page);
      return l.length === 13 && l.some((a) => a.point.startsWith('construction/') && !a.annunciated) ? l : null;
    }, 'the flood on the console');
    const byPoint = new Map(all.map((a) => [a.point, a]));
    const annunciated = all.filter((a) => a.annunciated).map((a) => a.point).sort();
    expect(annunciated).toHaveLength(12);

    // the console: every annunciated alarm is a row, criticals first, no group under a lower or hidden parent, one system per group
    const conRows = await waitFor(async () => {
      const r = await rowsOf(con.page, '.row[data-alarm]');
      return r.length === 12 ? r : null;
    }, 'twelve rows on the console');
    expect(conRows.map((r) => r.point).sort()).toEqual(annunciated);
    const rank = (p: string): number => PRIO_RANK[byPoint.get(p)?.priority ?? 'low'] ?? 3;
    expect(rank(conRows[0]?.point ?? '')).toBe(0);
    let parent: string | null = null;
    let worstTopLevelSoFar = -1;
    for (const r of conRows) {
      if (!r.grouped) {
        // top-level rows are in priority order
        expect(rank(r.point)).toBeGreaterThanOrEqual(worstTopLevelSoFar);
        worstTopLevelSoFar = rank(r.point);
        parent = r.point;
        continue;
      }
      expect(parent).not.toBeNull();
      expect(rank(parent ?? '')).toBeLessThanOrEqual(rank(r.point));
      expect(byPoint.get(parent ?? '')?.domain).toBe(byPoint.get(r.point)?.domain);
    }
    for (const p of annunciated.filter((x) => byPoint.get(x)?.priority === 'critical')) expect(conRows.find((r) => r.point === p)?.grouped).toBe(false);

    // one count everywhere: the console's header, the wall's list and its KPI line say 12 shown, 12 unacknowledged
    const count = async (page: Page, sel: string): Promise<number> => Number(await page.locator(sel).first().getAttribute('data-count'));
    await waitFor(async () => (await count(con.page, '[data-count-of="shown"]')) === 12 || null, 'the console counts the rows it shows');
    expect(await count(con.page, '[data-count-of="unacknowledged"]')).toBe(12);
    await waitFor(async () => (await count(wall.page, '[data-alarm-list] [data-count-of="shown"]')) === 12 || null, 'the wall list counts the same');
    expect(await count(wall.page, '[data-kpi-loop] [data-count-of="shown"]')).toBe(12);
    expect(await count(wall.page, '[data-kpi-loop] [data-count-of="unacknowledged"]')).toBe(12);

    // the wall: a critical on top, every row it shows fully visible, "还有 N 条" for the rest, and it pages through them all
    const wallRows = wall.page.locator('[data-alarm-list] li[data-alarm]');
    await waitFor(async () => (await wallRows.count()) > 0 || null, 'rows on the wall');
    expect(rank((await wallRows.first().getAttribute('data-alarm')) ?? '')).toBe(0);
    const box = await wall.page.locator('[data-alarm-list] ol').boundingBox();
    const seen = new Set<string>();
    await waitFor(async () => {
      const n = await wallRows.count();
      for (let i = 0; i < n; i++) {
        const b = await wallRows.nth(i).boundingBox();
        expect(b && box && b.y >= box.y - 1 && b.y + b.height <= box.y + box.height + 1).toBe(true);
        seen.add((await wallRows.nth(i).getAttribute('data-alarm')) ?? '');
      }
      const more = await wall.page.locator('[data-alarm-list] [data-more]').getAttribute('data-more');
      expect(Number(more)).toBe(12 - n);
      return seen.size === 12 || null;
    }, 'the wall pages through every alarm');

    // acknowledging one changes the unacknowledged count on both screens alike
    await con.page.locator('.row[data-alarm]').first().click();
    await con.page.keyboard.press('a');
    await waitFor(async () => (await count(con.page, '[data-count-of="unacknowledged"]')) === 11 || null, 'console: 11 unacknowledged');
    await waitFor(async () => (await count(wall.page, '[data-kpi-loop] [data-count-of="unacknowledged"]')) === 11 || null, 'wall: 11 unacknowledged');
    expect(con.errors).toEqual([]);
    expect(wall.errors).toEqual([]);
    await wall.page.close();
    await con.page.close();
  });
});
