/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import { NatsPublisher } from '../../analytics/node/feeds/natsPublisher.js';
import { buildCity } from '../../analytics/node/sim/city.js';
import { CitySimulator, DEFAULT_SIM } from '../../analytics/node/sim/simulator.js';
import { clauseText, isSiteKind, judgeSite, ruleText, type SiteAttributes } from '../../analytics/common/hazards/dangerousWorks.js';
import { KIND_NAMES, t } from '../../analytics/common/i18n.js';
import { openWall } from '../../dev/testing/browser.js';
import { browserEngineSuite } from '../../dev/testing/browserEngine.js';

const WALL = 'danger-wall-token-0123456789';
const CONSOLE = 'danger-console-token-0123456789';
const suite = browserEngineSuite('danger', { wall: WALL, console: CONSOLE });
// the demo city (seed 613, as the demo and the soak use it): every kind at least once
const CITY = buildCity(40, 613);
const site = (id: string): { domain: string; district: string; attrs: SiteAttributes; kind: string } => {
  const a = CITY.assets.find((x) => x.id === id);
  if (!a) throw new Error(`no ${id} in the demo city`);
  return { domain: a.profile.domain, district: a.district, attrs: (a.record.attrs ?? {}) as SiteAttributes, kind: a.record.kind };
};

describe('dangerous works in the console, on the demo city', () => {
  it('opens sites of the new kinds from the risk list and shows their class with each reason and its clause, in Chinese and in English', async () => {
    await new CitySimulator(CITY, new NatsPublisher(suite.nc), { ...DEFAULT_SIM, rate: 0 }).publishRegistry(Date.now());
    await suite.nc.flush();
    for (const lang of ['zh', 'en'] as const) {
      const con = await openWall(suite.browser, `${suite.engine.url}/?view=console${lang === 'en' ? '&lang=en' : ''}#token=${CONSOLE}`);
      for (const id of ['demolition-0001', 'curtain-wall-0001', 'underground-excavation-0001', 'attached-lifting-scaffold-0001', 'manual-dug-pile-0001']) {
        const s = site(id);
        if (!isSiteKind(s.kind)) throw new Error(`${id} is not a construction sub-project`);
        const expected = judgeSite(s.kind, s.attrs);
        expect(expected.class, id).not.toBe('none');
        const row = con.page.locator(`[data-risk="${id}"]`);
        await row.waitFor({ timeout: 20_000 });
        await row.click();
        const drawer = con.page.locator(`[data-asset-drawer="${id}"]`);
        const danger = drawer.locator('[data-danger]');
        await danger.waitFor();
        expect(await danger.getAttribute('data-danger'), id).toBe(expected.class);
        expect(await drawer.textContent()).toContain(KIND_NAMES[s.kind]?.[lang]);
        expect(await danger.locator('b').textContent()).toBe(t(lang, `danger_${expected.class}`));
        const items = danger.locator('li[data-clause]');
        expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-clause')))).toEqual(expected.rules.map((r) => clauseText(r.clause)));
        const texts = await items.allTextContents();
        expected.rules.forEach((r, i) => {
          expect(texts[i], id).toContain(clauseText(r.clause, lang));
          expect(texts[i], id).toContain(ruleText(r, lang));
        });
        await con.page.keyboard.press('Escape');
        await drawer.waitFor({ state: 'detached' });
      }
      expect(con.errors).toEqual([]);
      await con.page.close();
    }
  });
});
