import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { launchChromium, openWall } from '../testing/browser.js';
import { builtCli, EngineProcess } from '../testing/engineProcess.js';
import { tempDir, waitFor } from '../testing/harness.js';

/**
 * A district centre's wall: an engine scoped to district 420303 whose stream lost messages before it
 * read them (purged). Writes docs/screenshots/scope-gap.png (the health strip names the scope and the gap).
 */
async function main(): Promise<void> {
  const server = await NatsServerProcess.start();
  const tmp = tempDir('cityops-scope-');
  const nc = await connectNats({ url: server.url });
  const args = ['--nats', server.url, '--db', `${tmp.dir}/d.duckdb`, '--port', '0', '--token', 'admin-token-0123456789', '--wall-token', 'wall-token-0123456789', '--scope', 'district=420303'];
  try {
    await (await jetstreamManager(nc)).streams.add({ name: 'CITY', subjects: ['city.>'] });
    const js = jetstream(nc);
    const publish = async (from: number, n: number): Promise<void> => {
      for (let i = from; i < from + n; i++) {
        const district = i % 2 ? '420303' : '420302';
        await js.publish(`city.telemetry.gas.${district}.p${i % 5}`, JSON.stringify({ id: `s-${i}`, ts: Date.now() - 1000, metric: 'pressure_mpa', value: 0.3 }));
      }
    };
    await publish(0, 50);
    let engine = await EngineProcess.start(builtCli(), args);
    await waitFor(async () => (await engine.health()).ingest.received === 25 || null, 'the scope read');
    await engine.kill('SIGTERM');
    await publish(50, 40);
    await (await jetstreamManager(nc)).streams.purge('CITY', { seq: 81 });
    engine = await EngineProcess.start(builtCli(), args);
    const browser = await launchChromium();
    try {
      const { page } = await openWall(browser, `${engine.url}/#token=wall-token-0123456789`);
      await page.waitForSelector('[data-gap]', { timeout: 30_000 });
      await page.waitForTimeout(1_500);
      await page.screenshot({ path: 'docs/screenshots/scope-gap.png' });
    } finally {
      await browser.close();
      await engine.kill('SIGTERM');
    }
  } finally {
    await nc.close();
    await server.dispose();
    tmp.remove();
  }
}

await main();
