/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWall } from '../../dev/testing/browser.js';
import { tempDir, waitFor } from '../../dev/testing/harness.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';

const WALL = 'export-wall-token-0123456789';
const CONSOLE = 'export-console-token-0123456789';
const out = tempDir('cityops-export-out-');
const enc = new TextEncoder();
const suite = browserEngineSuite('export', { wall: WALL, console: CONSOLE });
afterAll(() => out.remove());

describe('the console exports a bundle', () => {
  it('a refused folder says why next to the button; a good one fills the progress bar and leaves a complete bundle', async () => {
    suite.nc.publish('city.telemetry.gas.420302.exp-1', enc.encode(JSON.stringify({ id: `exp-${Date.now()}`, ts: Date.now(), metric: 'lel_pct', value: 3 })));
    await suite.nc.flush();
    const { page, errors } = await openWall(suite.browser, `${suite.engine.url}/?view=console#token=${CONSOLE}`);
    await page.locator('[data-console]').waitFor();
    await page.locator('button[data-open-export]').click();
    const dialog = page.locator('[data-dialog="export"]');
    await dialog.waitFor();
    // a relative folder is refused by the suite.engine; the dialog stays open and says so
    await dialog.locator('input[name="out"]').fill('relative/folder');
    await page.keyboard.press('Enter');
    await dialog.locator('[data-refusal]').waitFor();
    expect(await dialog.locator('[data-refusal]').textContent()).toContain('导出未完成');
    // a good folder: Enter again exports
    const folder = join(out.dir, 'bundle');
    await dialog.locator('input[name="out"]').fill(folder);
    await dialog.locator('input[name="csv"]').check();
    await page.keyboard.press('Enter');
    await waitFor(async () => (await dialog.locator('[data-export-progress]').getAttribute('data-export-progress')) === '100' || null, 'the bar full');
    // the bar is full only once the engine answered, and then the dialog says where the bundle is
    expect(await dialog.textContent()).toContain('导出完成');
    expect(existsSync(join(folder, '_SUCCESS'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
    expect(manifest.files.some((f) => f.path === 'readings.csv')).toBe(true);
    expect(errors).toEqual([]);
  });
});
