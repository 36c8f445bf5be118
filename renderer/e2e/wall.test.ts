/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { NatsConnection } from '@nats-io/nats-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { NatsPublisher } from '../../analytics/node/feeds/natsPublisher.js';
import { buildCity } from '../../analytics/node/sim/city.js';
import { CitySimulator, DEFAULT_SIM } from '../../analytics/node/sim/simulator.js';
import { launchChromium, openWall } from '../../dev/testing/browser.js';
import { builtCli, EngineProcess } from '../../dev/testing/engineProcess.js';
import { tempDir, waitFor } from '../../dev/testing/harness.js';
import { freePort, NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';

const TOKEN = 'wall-e2e-token-0123456789';
const tmp = tempDir('cityops-wall-');
let server: NatsServerProcess;
let engine: EngineProcess;
let engineArgs: string[];
let nc: NatsConnection;
let sim: CitySimulator;
let browser: Browser;
const enc = new TextEncoder();

beforeAll(async () => {
  server = await NatsServerProcess.start();
  engineArgs = ['--nats', server.url, '--db', `${tmp.dir}/wall.duckdb`, '--port', String(await freePort()), '--token', TOKEN];
  engine = await EngineProcess.start(builtCli(), engineArgs);
  nc = await connectNats({ url: server.url, name: 'wall test simulator' });
  const city = buildCity(200, 613);
  sim = new CitySimulator(city, new NatsPublisher(nc), { ...DEFAULT_SIM, rate: 400, eventsPerMin: 30 });
  await waitFor(async () => (await engine.health()).ok, 'engine connected');
  await sim.publishRegistry(Date.now());
  sim.start();
  browser = await launchChromium();
});
afterAll(async () => {
  sim?.stop();
  await browser?.close();
  await nc?.close();
  await engine?.kill('SIGTERM');
  await server?.dispose();
  tmp.remove();
});

/** The page with its debug hooks (`__charts`, `__cityops`), which the checks below read. */
const url = (q: string): string => `${engine.url}/${q}&debug=1#token=${TOKEN}`;

/** The option of the wall's chart whose element has `data-chart=kind`, read through ECharts itself. */
async function chartOption(page: Page, kind: string): Promise<Record<string, unknown>[]> {
  return page.evaluate((k) => {
    const charts = (globalThis as unknown as { __charts: { instances: Set<{ getDom(): HTMLElement; getOption(): Record<string, unknown> }> } }).__charts;
    return [...charts.instances].filter((c) => c.getDom().dataset['chart'] === k).map((c) => JSON.parse(JSON.stringify(c.getOption())) as Record<string, unknown>);
  }, kind);
}

describe('the wall in Chromium', () => {
  it('loads the overview with no console errors and the map of the 8 districts', async () => {
    const { page, errors } = await openWall(browser, url('?screen=overview'));
    await waitFor(async () => (await chartOption(page, 'map')).length === 1, 'map chart');
    const [map] = await chartOption(page, 'map');
    const regions = ((map?.['geo'] as { regions: { name: string }[] }[])[0]?.regions ?? []).map((r) => r.name).sort();
    expect(regions).toEqual(['丹江口市', '房县', '张湾区', '郧西县', '郧阳区', '竹山县', '竹溪县', '茅箭区'].sort());
    await waitFor(async () => (await page.locator('[data-kpi="gas"] .big').textContent())?.match(/^[1-9]/), 'gas KPI shows reporting assets');
    expect(await page.locator('[data-link="engine"]').textContent()).toContain('正常');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the debug hooks and the bench screen out of a page opened without debug=1', async () => {
    const { page, errors } = await openWall(browser, `${engine.url}/?screen=bench24#token=${TOKEN}`);
    // the page is mounted (the hooks would be set by now) and shows the asset screen in the bench screen's place
    await page.locator('[data-display="0"][data-showing="bench24"] [data-asset]').waitFor();
    const hooks = await page.evaluate(() => ['__cityops', '__charts'].filter((k) => k in globalThis));
    expect(hooks).toEqual([]);
    expect(await page.locator('[data-bench24]').count()).toBe(0);
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name).filter((n) => n.includes('Bench24')));
    expect(scripts).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
    // with the flag, the benchmark's screen is there: 24 trend charts
    const bench = await openWall(browser, url('?screen=bench24'));
    await bench.page.locator('[data-bench24]').waitFor();
    await waitFor(async () => (await chartOption(bench.page, 'trend')).length === 24 || null, '24 trend charts on the bench screen');
    expect(bench.errors).toEqual([]);
    await bench.page.close();
  });

  it('shows a failed query on the panel and in the console list that asked it, and clears it with the next answer', async () => {
    // the engine link, with every `series` and `risks` query answered by a refusal while `failing` holds
    let failing = true;
    const open = async (q: string): Promise<Awaited<ReturnType<typeof openWall>>> => {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.routeWebSocket(/\/api\/ws/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((m) => {
          const msg = JSON.parse(String(m)) as { t: string; id: number; name?: string };
          if (failing && msg.t === 'query' && (msg.name === 'series' || msg.name === 'risks')) {
            ws.send(JSON.stringify({ t: 'result', id: msg.id, ok: false, error: { code: 'timeout', message: 'query took longer than 10 s' } }));
          } else server.send(m);
        });
      });
      await page.goto(url(q));
      return { page, errors };
    };
    const wall = await open('?screen=overview');
    const trendError = wall.page.locator('[data-panel] [data-query-error]').first();
    await trendError.waitFor({ timeout: 20_000 });
    expect(await trendError.textContent()).toBe('查询失败：timeout: query took longer than 10 s');
    const con = await open('?view=console');
    const riskError = con.page.locator('.risks [data-query-error]');
    await riskError.waitFor({ timeout: 20_000 });
    expect(await riskError.textContent()).toContain('timeout: query took longer than 10 s');
    failing = false;
    await wall.page.locator('[data-query-error]').first().waitFor({ state: 'detached', timeout: 20_000 });
    await con.page.locator('[data-query-error]').waitFor({ state: 'detached', timeout: 20_000 });
    expect([...wall.errors, ...con.errors]).toEqual([]);
    await wall.page.close();
    await con.page.close();
  });

  it('shows a reading published to NATS', async () => {
    const { page, errors } = await openWall(browser, url('?screen=lifelines'));
    const asset = { id: 'e2e-probe', ts: new Date().toISOString(), name: '张湾区燃气探测点E2E', kind: 'market_detector', lat: 32.65, lon: 110.77, owner: '测试', supervisor: '测试' };
    nc.publish('city.asset.gas.420303.e2e-probe', enc.encode(JSON.stringify(asset)));
    nc.publish('city.telemetry.gas.420303.e2e-probe', enc.encode(JSON.stringify({ id: `probe-${Date.now()}`, ts: Date.now(), metric: 'lel_pct', value: 77.7, unit: '%LEL' })));
    await waitFor(async () => {
      const bars = await chartOption(page, 'bars');
      return bars.some((b) => JSON.stringify(b['series']).includes('77.7'));
    }, 'the probe value in the gas TOP 10', 30_000, 250);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the NATS banner when nats-server stops and clears it when it is back', async () => {
    const { page } = await openWall(browser, url('?screen=overview'));
    await page.locator('[data-link="nats"]').waitFor();
    await server.stop('SIGKILL');
    await page.locator('[data-banner="nats"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-link="nats"]').textContent()).toContain('中断');
    await server.restart();
    await page.locator('[data-banner]').waitFor({ state: 'detached', timeout: 30_000 });
    await page.close();
  });

  it('shows the engine banner when the engine dies and recovers without a page reload when it is back', async () => {
    const { page } = await openWall(browser, url('?screen=overview'));
    await page.locator('[data-link="engine"]').waitFor();
    await page.evaluate(() => { (globalThis as unknown as { __loaded: number }).__loaded = 1; });
    await engine.kill('SIGKILL');
    await page.locator('[data-banner="engine"]').waitFor({ timeout: 30_000 });
    engine = await EngineProcess.start(builtCli(), engineArgs);
    await page.locator('[data-banner]').waitFor({ state: 'detached', timeout: 30_000 });
    const before = Number((await page.locator('.counts').textContent())?.replace(/[^0-9 ]/g, '').trim().split(/\s+/)[0] ?? 0);
    await waitFor(async () => Number((await page.locator('.counts').textContent())?.replace(/[^0-9 ]/g, '').trim().split(/\s+/)[0] ?? 0) > before, 'live counts again');
    // same page: the marker set before the outage is still there
    expect(await page.evaluate(() => (globalThis as unknown as { __loaded?: number }).__loaded)).toBe(1);
    await page.close();
  });

  it('rotates the playlist, and a critical event takes focus until a console acknowledges it', async () => {
    const { page, errors } = await openWall(browser, url('?wall=1x1&rotate=3'));
    // a wall takes over at once for what stands unhandled (the probe's critical from an earlier test, the
    // simulator's red events): handled here as a console would, so the rotation is what remains
    type Hook = { __cityops: { client: { command(n: string, a: unknown): Promise<unknown> }; ops: { snapshot: { alarms: { point: string; raisedAtMs: number; priority: string; state: string }[]; eventAcks: { event: string }[] } | null }; city: { severe: { id: string; severity: string }[] } } };
    await waitFor(() => page.evaluate(() => (globalThis as unknown as Hook).__cityops.ops.snapshot !== null || null), 'the operational picture');
    await page.evaluate(async () => {
      const h = (globalThis as unknown as Hook).__cityops;
      const snap = h.ops.snapshot;
      for (const a of snap?.alarms ?? []) if (a.priority === 'critical' && (a.state === 'unack' || a.state === 'rtn_unack')) await h.client.command('ops', { kind: 'alarm.ack', point: a.point, raisedAtMs: a.raisedAtMs });
      const acked = new Set((snap?.eventAcks ?? []).map((e) => e.event));
      for (const e of h.city.severe) if (e.severity === 'red' && !acked.has(e.id)) await h.client.command('ops', { kind: 'event.ack', event: e.id });
    });
    const seen = new Set<string>();
    await waitFor(async () => {
      seen.add((await page.locator('[data-display="0"]').getAttribute('data-showing')) ?? '');
      return seen.size >= 3;
    }, 'three screens in rotation', 30_000, 250);
    const red = `e2e-red-${Date.now()}`;
    nc.publish('city.event.gas.420303', enc.encode(JSON.stringify({ id: red, ts: new Date().toISOString(), type: 'gas_leak', severity: 'red', title: 'E2E 可燃气体二级报警', asset: 'e2e-probe' })));
    await page.locator('[data-interrupt]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-display="0"]').getAttribute('data-showing')).toBe('asset');
    await page.waitForTimeout(4000);
    expect(await page.locator('[data-display="0"]').getAttribute('data-showing')).toBe('asset');
    // the wall has no acknowledge of its own; acknowledged through the engine API (as a console does), it releases
    expect(await page.locator('[data-interrupt] button').count()).toBe(0);
    await page.evaluate(async (id) => {
      const c = (globalThis as unknown as { __cityops: { client: { command(n: string, a: unknown): Promise<unknown> } } }).__cityops.client;
      await c.command('ops', { kind: 'event.ack', event: id });
    }, red);
    await page.locator('[data-interrupt-acked]').waitFor();
    await waitFor(async () => (await page.locator('[data-display="0"]').getAttribute('data-showing')) !== 'asset', 'rotation resumed');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('scales a screen to a 4K display with click areas where they are drawn', async () => {
    const { page, errors } = await openWall(browser, url('?wall=4k'), 3840, 2160);
    await waitFor(async () => (await chartOption(page, 'bars')).some((b) => JSON.stringify(b['series']).includes('"key"')), 'bars with data');
    // the top bar of the first TOP 10 chart, located by ECharts in design pixels, mapped through the display's scale
    const target = await page.evaluate(() => {
      const charts = (globalThis as unknown as { __charts: { instances: Set<{ getDom(): HTMLElement; getOption(): { series: { data: { key: string; value: number }[] }[] }; convertToPixel(f: unknown, v: unknown): number[] }> } }).__charts;
      const c = [...charts.instances].find((x) => x.getDom().dataset['chart'] === 'bars');
      if (!c) return null;
      const data = c.getOption().series[0]?.data ?? [];
      const i = data.length - 1;
      const [x, y] = c.convertToPixel({ seriesIndex: 0 }, [(data[i]?.value ?? 0) / 2, i]) as [number, number];
      const dom = c.getDom();
      const r = dom.getBoundingClientRect();
      const scale = r.width / dom.offsetWidth;
      return { key: data[i]?.key ?? '', x: r.left + x * scale, y: r.top + y * scale, scale };
    });
    expect(target?.scale).toBe(2);
    if (!target) throw new Error('no bar chart');
    await page.mouse.click(target.x, target.y);
    await waitFor(async () => (await page.locator('[data-display="0"]').getAttribute('data-showing')) === 'asset', 'asset detail opened by the click');
    expect(await page.locator('[data-asset]').getAttribute('data-asset')).toBe(target.key.split('/')[2]);
    // canvases render at the display's real density: no upscaling blur
    const sharp = await page.evaluate(() => [...document.querySelectorAll('canvas')].every((c) => c.width >= c.getBoundingClientRect().width - 1));
    expect(sharp).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('puts nothing across a seam of a 2×2 wall with bezels', async () => {
    const { page, errors } = await openWall(browser, url('?wall=2x2'), 3864, 2184);
    await waitFor(async () => (await chartOption(page, 'trend')).length >= 8, 'charts on every display');
    await page.waitForTimeout(2000);
    const violations = await page.evaluate(seamCheck);
    expect(violations.displays).toEqual([[0, 0, 1920, 1080], [1944, 0, 1920, 1080], [0, 1104, 1920, 1080], [1944, 1104, 1920, 1080]]);
    expect(violations.count).toBeGreaterThan(100);
    expect(violations.out).toEqual([]);
    // the check itself can fail: a label pushed past the right edge of display 0 is caught
    await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.textContent = '跨越拼缝的文字';
      probe.style.cssText = 'position:absolute;left:1880px;top:500px;font-size:30px;white-space:nowrap';
      document.querySelector('[data-display="0"] [data-canvas]')?.appendChild(probe);
    });
    expect((await page.evaluate(seamCheck)).out).toEqual(['SPAN "跨越拼缝的文字" crosses the edge of display 0']);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/**
 * Runs in the page: every visible leaf (text or canvas), clipped by its clipping ancestors inside
 * its display's canvas, must lie within the display. The display's own edge is the seam.
 */
function seamCheck(): { count: number; out: string[]; displays: number[][] } {
  const out: string[] = [];
  const displays = [...document.querySelectorAll<HTMLElement>('[data-display]')].map((d) => ({ el: d, r: d.getBoundingClientRect() }));
  const leaves = [...document.querySelectorAll<HTMLElement>('[data-display] *')].filter((e) => e.tagName === 'CANVAS' || (e.childElementCount === 0 && (e.textContent ?? '').trim() !== ''));
  for (const e of leaves) {
    const home = displays.find((d) => d.el.contains(e));
    if (!home) { out.push(`${e.tagName} outside every display`); continue; }
    let r = e.getBoundingClientRect();
    let box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
    for (let a = e.parentElement; a && !a.hasAttribute('data-canvas') && a !== home.el; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
        r = a.getBoundingClientRect();
        box = { l: Math.max(box.l, r.left), t: Math.max(box.t, r.top), r: Math.min(box.r, r.right), b: Math.min(box.b, r.bottom) };
      }
    }
    if (box.r - box.l < 1 || box.b - box.t < 1) continue;
    const h = home.r;
    if (box.l < h.left - 0.5 || box.t < h.top - 0.5 || box.r > h.right + 0.5 || box.b > h.bottom + 0.5) {
      out.push(`${e.tagName} "${(e.textContent ?? '').slice(0, 30)}" crosses the edge of display ${home.el.dataset['display'] ?? ''}`);
    }
  }
  return { count: leaves.length, out, displays: displays.map((d) => [d.r.left, d.r.top, d.r.width, d.r.height]) };
}
