import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import type { Permit } from '../../common/feedSchemas.js';
import { Database } from '../store/database.js';
import { permits } from './permits.js';

const tmp = tempDir('cityops-permits-');
let db: Database;
const DAY = 86_400_000;
const NOW = Date.now();
const iso = (ms: number): string => new Date(ms).toISOString();
const p = (type: Permit['type'], issued: string, extra: Partial<Permit> = {}): Permit => ({ type, number: `${type}-1`, department: `${type}局`, issued, status: 'valid', ...extra });
const whole: Permit[] = [p('project', '2015-01-10'), p('land', '2015-03-01'), p('planning', '2015-06-01'), p('construction', '2015-09-01'), p('fire', '2017-05-01')];

beforeAll(async () => {
  db = await Database.open(`${tmp.dir}/p.duckdb`);
  const asset = (ts: number, domain: string, district: string, id: string): string =>
    `('${iso(ts)}', '${domain}', '${district}', '${id}', '${id}号楼', 'old_building', 32.6, 110.8, '业委会', '市住建局', NULL, NULL, 'city.asset.${domain}.${district}.${id}', NULL, '${iso(ts)}')`;
  await db.writer.run(`INSERT INTO asset_versions VALUES
    ${asset(NOW - 10 * DAY, 'building', '420302', 'ok')}, ${asset(NOW - 10 * DAY, 'building', '420302', 'fixed-later')},
    ${asset(NOW - 10 * DAY, 'building', '420303', 'unchecked')}, ${asset(NOW - 10 * DAY, 'construction', '420303', 'site')},
    ${asset(NOW - 10 * DAY, 'gas', '420303', 'station')}`);
  const rec = (ts: number, domain: string, district: string, id: string, list: Permit[], use: string | null = 'residential'): string =>
    `('${iso(ts)}', '${domain}', '${district}', '${id}', ${use === null ? 'NULL' : `'${use}'`}, '${JSON.stringify(list)}', 'city.permit.${domain}.${district}.${id}', NULL, '${iso(ts)}')`;
  const noFire = whole.filter((x) => x.type !== 'fire');
  const early = whole.slice(0, 4).map((x) => (x.type === 'construction' ? { ...x, issued: '2015-05-01' } : x));
  await db.writer.run(`INSERT INTO permit_versions VALUES
    ${rec(NOW - 9 * DAY, 'building', '420302', 'ok', whole)},
    ${rec(NOW - 9 * DAY, 'building', '420302', 'fixed-later', noFire)},
    ${rec(NOW - 2 * DAY, 'building', '420302', 'fixed-later', whole)},
    ${rec(NOW - 9 * DAY, 'construction', '420303', 'site', early, null)},
    ${rec(NOW - 9 * DAY, 'gas', '420303', 'station', [])}`);
});
afterAll(() => {
  db?.close();
  tmp.remove();
});

describe('the permit campaign on a real DuckDB file', () => {
  it('judges each building and site by its newest permits record as it stood, with the case stages given', async () => {
    const r = await permits(db, { limit: 100 }, NOW, () => null);
    expect(r.findings.map((f) => [f.asset, f.kind, f.type, f.department])).toEqual([['site', 'out_of_order', 'construction', 'construction局']]);
    expect(r.districts).toEqual([
      { district: '420302', assets: 2, checked: 2, clean: 2, findings: 0, cases: 0, closed: 0 },
      { district: '420303', assets: 2, checked: 1, clean: 0, findings: 1, cases: 0, closed: 0 },
    ]);
    // five days ago the fire permit of 'fixed-later' was not on record yet
    const before = await permits(db, { limit: 100 }, NOW - 5 * DAY, (id) => (id.includes('fixed-later') ? 'dispatched' : null));
    expect(before.findings.map((f) => [f.asset, f.kind, f.type, f.department, f.grade, f.stage])).toEqual([
      ['site', 'out_of_order', 'construction', 'construction局', 'general', null],
      ['fixed-later', 'missing', 'fire', null, 'major', 'dispatched'],
    ]);
    expect(before.districts[0]).toMatchObject({ findings: 1, cases: 1, closed: 0 });
    // before any record came, nothing was checked
    expect((await permits(db, { limit: 100 }, NOW - 9.5 * DAY, () => null)).districts.map((d) => d.checked)).toEqual([0, 0]);
  });

  it('filters by domain, district and kind, and lists no more than asked', async () => {
    const at = NOW - 5 * DAY;
    expect((await permits(db, { domain: 'construction', limit: 100 }, at, () => null)).findings.map((f) => f.asset)).toEqual(['site']);
    expect((await permits(db, { district: '420302', limit: 100 }, at, () => null)).findings.map((f) => f.asset)).toEqual(['fixed-later']);
    expect((await permits(db, { kind: 'missing', limit: 100 }, at, () => null)).findings.map((f) => f.kind)).toEqual(['missing']);
    const one = await permits(db, { limit: 1 }, at, () => null);
    expect([one.findings.length, one.total]).toEqual([1, 2]);
  });
});
