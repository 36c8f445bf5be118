import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { freePort, NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { runMain } from '../../analytics/node/runMain.js';
import { launchChromium, openWall } from '../testing/browser.js';
import { builtCli, EngineProcess } from '../testing/engineProcess.js';
import { tempDir, waitFor } from '../testing/harness.js';
import { saveShot } from './shots.js';

const WALL = 'shots-wall-token-0123456789';
const CONSOLE = 'shots-console-token-0123456789';

/**
 * docs/screenshots of the moments that matter (`npm run build && node dist/dev/soak/opsScreenshots.js`):
 * an alarm flood with criticals on the console and the wall, a critical taking over the wall with
 * another queued behind it, the same takeover once a console acknowledged it, and a red event at the
 * console. The same scenario as the browser tests (renderer/e2e/criticalFirst, takeover).
 */
async function main(): Promise<void> {
  const tmp = tempDir('cityops-shots-');
  const server = await NatsServerProcess.start();
  writeFileSync(`${tmp.dir}/devices.json`, JSON.stringify([{ device: 'wall-1', role: 'wall', token: WALL }, { device: 'console-1', role: 'shift_leader', token: CONSOLE }]));
  const engine = await EngineProcess.start(builtCli(), ['--nats', server.url, '--db', `${tmp.dir}/shots.duckdb`, '--port', String(await freePort()), '--devices', `${tmp.dir}/devices.json`]);
  const nc = await connectNats({ url: server.url, name: 'screenshots feed' });
  const enc = new TextEncoder();
  const reading = (domain: string, district: string, asset: string, ts: number, metric: string, value: number): void =>
    nc.publish(`city.telemetry.${domain}.${district}.${asset}`, enc.encode(JSON.stringify({ id: `${asset}-${ts}`, ts, metric, value })));
  const browser = await launchChromium();
  const shot = async (page: Page, name: string): Promise<void> => {
    await page.waitForTimeout(1500);
    await saveShot(page, name);
  };
  try {
    await waitFor(async () => (await engine.health()).ok, 'engine connected');
    const t0 = Date.now() - 60_000;
    reading('construction', '420302', 'crane-1', t0, 'crane_load_pct', 97);
    await nc.flush();
    const con = await openWall(browser, `${engine.url}/?view=console&debug=1#token=${CONSOLE}`);
    await con.page.locator('.row[data-alarm]').first().waitFor();
    await con.page.evaluate(async () => {
      const c = (globalThis as unknown as { __cityops: { client: { command(n: string, a: unknown): Promise<unknown> } } }).__cityops.client;
      await c.command('ops', { kind: 'alarm.shelve', point: 'construction/420302/crane-1#construction.crane.moment', reason: '检修中', forMs: 3_600_000 });
    });
    reading('gas', '420302', 'gas-1', t0 + 2000, 'lel_pct', 62);
    for (let i = 1; i <= 9; i++) {
      reading('gas', '420303', `gas-p${i}`, t0 + 3000 + i * 100 - 61_000, 'pressure_kpa', 1.2);
      reading('gas', '420303', `gas-p${i}`, t0 + 3000 + i * 100, 'pressure_kpa', 1.2);
    }
    reading('tunnel', '420303', 'tunnel-1', t0 + 5000, 'ch4_lel_pct', 35);
    nc.publish('city.event.bridge.420302', enc.encode(JSON.stringify({ id: `ev-shot-${Date.now()}`, ts: Date.now(), type: 'deflection', severity: 'orange', title: '桥梁挠度超限，建议封闭交通', asset: 'bridge-1' })));
    await nc.flush();
    await waitFor(async () => (await con.page.locator('.row[data-alarm]').count()) >= 12 || null, 'the flood on the console');
    await shot(con.page, 'flood-console');
    const wall = await openWall(browser, `${engine.url}/?screen=overview#token=${WALL}`);
    await wall.page.locator('[data-alarm-list] [data-more]').waitFor();
    await shot(wall.page, 'flood-wall');

    // a critical takes over the wall, a second one queues behind it; what the flood left standing is
    // acknowledged first, as the shift leader would (a wall opened on standing criticals takes over for them)
    type Hook = { __cityops: { client: { command(n: string, a: unknown): Promise<unknown> }; ops: { snapshot: { alarms: { point: string; raisedAtMs: number; priority: string; state: string }[]; eventAcks: { event: string }[] } | null }; city: { severe: { id: string; severity: string }[] } } };
    await con.page.evaluate(async () => {
      const h = (globalThis as unknown as Hook).__cityops;
      for (const a of h.ops.snapshot?.alarms ?? []) if (a.priority === 'critical' && (a.state === 'unack' || a.state === 'rtn_unack')) await h.client.command('ops', { kind: 'alarm.ack', point: a.point, raisedAtMs: a.raisedAtMs });
      const acked = new Set((h.ops.snapshot?.eventAcks ?? []).map((e) => e.event));
      for (const e of h.city.severe) if (e.severity === 'red' && !acked.has(e.id)) await h.client.command('ops', { kind: 'event.ack', event: e.id });
    });
    await con.page.waitForTimeout(1500);
    const takeover = await openWall(browser, `${engine.url}/#token=${WALL}`);
    await takeover.page.locator('[data-display="0"]').waitFor();
    await takeover.page.waitForTimeout(2000);
    reading('gas', '420304', 'gas-q1', Date.now(), 'lel_pct', 70);
    await nc.flush();
    await takeover.page.locator('[data-interrupt]').waitFor();
    reading('tunnel', '420304', 'tunnel-q1', Date.now(), 'ch4_lel_pct', 40);
    await nc.flush();
    await takeover.page.locator('[data-interrupt-queued]').waitFor();
    await shot(takeover.page, 'takeover-queued');
    await con.page.locator('.row[data-alarm="gas/420304/gas-q1#gas.lel.level2"]').click();
    await con.page.keyboard.press('a');
    await takeover.page.locator('[data-interrupt-acked]').waitFor();
    await takeover.page.waitForTimeout(300);
    await saveShot(takeover.page, 'takeover-acked');
    const errors = [...con.errors, ...wall.errors, ...takeover.errors];
    if (errors.length) console.log(`console errors: ${errors.join(' | ')}`);
  } finally {
    await browser.close();
    await nc.close();
    await engine.kill('SIGTERM');
    await server.dispose();
    tmp.remove();
  }
}

runMain(main);
