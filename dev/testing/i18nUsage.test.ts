import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEXTS } from '../../analytics/common/i18n.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** The product's source: the renderer and the engine, without tests and without the table itself. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(path);
    return /\.(ts|svelte)$/.test(e.name) && !/\.test\.ts$/.test(e.name) && path !== join('analytics', 'common', 'i18n.ts') ? [path] : [];
  });
}
const FILES = [...sources('renderer/src'), ...sources('analytics')];
const TEXT = FILES.map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
// the table itself builds keys too (paramText, deviceLabel, riskReasonText): its code, not its entries
const TABLE_CODE = readFileSync(join(ROOT, 'analytics/common/i18n.ts'), 'utf8').split('} as const satisfies')[1] ?? '';

/**
 * Keys that no source names whole because the code builds them from a prefix and a value. Each
 * prefix is listed with where it is built; the test checks that the building is still there.
 */
const BUILT: Record<string, string> = {
  stage_: 'a case stage in words: alarmDisplay.ts stageKey, handoverHtml.ts, paramText in i18n.ts',
  grade_: 'a hazard grade in words: paramText in i18n.ts (grade, from, to)',
  role_: 'a device role in words: ConsoleHeader.svelte, deviceLabel and paramText in i18n.ts',
  as_: 'who signs (outgoing, incoming) in a refusal: paramText in i18n.ts',
  state_: 'an alarm state in words: alarmDisplay.ts stateKey, handoverHtml.ts',
  prio_: 'an alarm priority in words: alarmDisplay.ts prioKey, handoverHtml.ts',
  risk_: 'a risk colour in words: alarmDisplay.ts riskKey, the map panel and legend',
  factor_: 'a risk factor code from the engine: riskReasonText in i18n.ts',
  danger_: 'a dangerous-works class of a construction site: AssetDrawer.svelte',
  ke_: 'a key event kind of the handover: HandoverReportView.svelte, handoverHtml.ts',
  msg_: 'a message code from the engine (refusals): messageText in i18n.ts',
  hist_: 'a case history code from the engine: messageText in i18n.ts',
  sql_refused_: 'a refused SQL statement\'s code from the engine: refusalText in renderer/src/analysis/sqlRefusal.ts',
  sql_ready_: 'a ready question\'s title: titleKey in analytics/node/analysis/readyQuestions.ts',
  pfk_: 'a permit finding\'s kind in words: PermitsPanel.svelte',
  pt_: 'a permit type in words: PermitsPanel.svelte',
  pauth_: 'the department that issues a permit type: PermitsPanel.svelte',
  use_: 'a building\'s use in words: PermitsPanel.svelte',
};
const builds = (prefix: string): boolean => [TEXT, TABLE_CODE].some((s) => s.includes(`\`${prefix}\${`) || s.includes(`'${prefix}'`));
const named = (key: string): boolean => [`'${key}'`, `"${key}"`, `\`${key}\``].some((q) => TEXT.includes(q) || TABLE_CODE.includes(q));

describe('every text of the i18n table is shown somewhere', () => {
  it('finds each key named in the renderer or the engine, or under a prefix the code builds keys from', () => {
    const unused = Object.keys(TEXTS).filter((k) => !named(k) && !Object.keys(BUILT).some((p) => k.startsWith(p)));
    expect(unused).toEqual([]);
  });

  it('still builds keys from every prefix of its allow-list (an entry the code no longer needs goes)', () => {
    expect(Object.keys(BUILT).filter((p) => !builds(p))).toEqual([]);
  });

  it('reads the product source (the renderer, the engine and the shared code)', () => {
    expect(FILES.some((f) => f.startsWith(join('renderer', 'src', 'console')))).toBe(true);
    expect(FILES.some((f) => f.startsWith(join('analytics', 'node')))).toBe(true);
    expect(FILES).not.toContain(join('analytics', 'common', 'i18n.ts'));
    expect(relative(ROOT, join(ROOT, 'renderer/src'))).toBe(join('renderer', 'src'));
  });
});
