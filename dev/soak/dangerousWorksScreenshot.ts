import { runMain } from '../../analytics/node/runMain.js';
import { isSiteKind, judgeSite, type SiteAttributes } from '../../analytics/common/hazards/dangerousWorks.js';
import { buildCity } from '../../analytics/node/sim/city.js';
import { openWall } from '../testing/browser.js';
import { errorsNote, shotPath, withLiveCity } from './shots.js';

const ASSETS = 120;
const FIRST_KINDS = new Set(['foundation_pit', 'high_formwork', 'lifting', 'tower_crane', 'scaffold']);

/** The demo city's site of a kind new with the full table that names the most clauses, beyond scale first. */
function showcase(): string {
  const scored = buildCity(ASSETS, 613).assets.flatMap((a) => {
    if (!isSiteKind(a.record.kind) || FIRST_KINDS.has(a.record.kind)) return [];
    const v = judgeSite(a.record.kind, (a.record.attrs ?? {}) as SiteAttributes);
    return [{ id: a.id, score: (v.class === 'beyond_scale' ? 10 : 0) + v.rules.length }];
  });
  const best = scored.sort((x, y) => y.score - x.score)[0];
  if (!best) throw new Error('no site of a new kind in the demo city');
  return best.id;
}

/**
 * docs/screenshots/dangerous-works.png: the console at 1920×1080 on the live demo city, the drawer of
 * a site of a kind new with the full table of 建办质〔2018〕31号 open, its class with each reason and
 * its clause.
 */
async function main(): Promise<void> {
  const id = showcase();
  await withLiveCity({ rate: 200, assets: ASSETS }, async (city, browser) => {
    const { page, errors } = await openWall(browser, city.url('?view=console'), 1920, 1080);
    const row = page.locator(`[data-risk="${id}"]`);
    await row.waitFor({ timeout: 60_000 });
    await row.click();
    await page.locator(`[data-asset-drawer="${id}"] [data-danger] li[data-clause]`).first().waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: shotPath('dangerous-works.png') });
    console.log(`dangerous-works.png (${id})${errorsNote(errors)}`);
  });
}

runMain(main);
