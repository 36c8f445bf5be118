import { describe, expect, it } from 'vitest';
import type { Permit } from '../feedSchemas.js';
import { cityDay, cityDayStartMs, findingId, judgeCampaign, judgePermits, requiredPermits, type PermitFacts } from './permitRules.js';

const p = (type: Permit['type'], issued: string, extra: Partial<Permit> = {}): Permit => ({
  type, number: `${type}-1`, department: `${type}-dept`, issued, status: 'valid', ...extra,
});
const whole = (): Permit[] => [
  p('project', '2015-01-10'), p('land', '2015-03-01'), p('planning', '2015-06-01'), p('construction', '2015-09-01'), p('fire', '2017-05-01'),
];
const facts = (permits: Permit[], o: Partial<PermitFacts> & { use?: string | null } = {}): PermitFacts => ({
  domain: 'building', district: '420302', asset: 'b-1', name: 'B1', lat: 32.6, lon: 110.8,
  record: { tsMs: Date.parse('2026-06-01T00:00:00Z'), use: o.use === undefined ? 'residential' : o.use, permits }, ...o,
});
const at = (day: string, hhmm = '12:00'): number => Date.parse(`${day}T${hhmm}:00+08:00`);

describe('permit rules', () => {
  it('a building with the whole chain in order, valid and of its use has no finding', () => {
    expect(judgePermits(facts(whole()), at('2026-06-13'))).toEqual([]);
  });

  it('a missing fire permit is a major finding naming no issuer (the competent authority is its type)', () => {
    const f = judgePermits(facts(whole().filter((x) => x.type !== 'fire')), at('2026-06-13'));
    expect(f.map((x) => [x.kind, x.type, x.department, x.grade])).toEqual([['missing', 'fire', null, 'major']]);
  });

  it('a missing planning permit names the construction permit issued without it and its department', () => {
    const f = judgePermits(facts(whole().filter((x) => x.type !== 'planning')), at('2026-06-13'));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ kind: 'missing', type: 'planning', grade: 'general', related: { type: 'construction', department: 'construction-dept' } });
  });

  it('a revoked or suspended permit is not held: missing', () => {
    for (const status of ['revoked', 'suspended'] as const) {
      const list = whole().map((x) => (x.type === 'fire' ? { ...x, status } : x));
      expect(judgePermits(facts(list), at('2026-06-13')).map((x) => x.kind)).toEqual(['missing']);
    }
  });

  it('what is required follows the domain and the use', () => {
    expect(requiredPermits('construction', null)).toEqual(['project', 'land', 'planning', 'construction']);
    expect(requiredPermits('building', 'hotel')).toContain('special_trade');
    expect(requiredPermits('building', 'residential')).not.toContain('special_trade');
    expect(requiredPermits('gas', null)).toEqual([]);
    // a construction site has no fire permit yet: not missing
    expect(judgePermits(facts(whole().filter((x) => x.type !== 'fire'), { domain: 'construction' }), at('2026-06-13'))).toEqual([]);
  });

  it('expires at the end of its last day in the city (UTC+8): valid all that day, expired from the next midnight, by its issuer', () => {
    const list = [...whole(), p('special_trade', '2018-01-01', { expires: '2026-06-13', department: '市公安局' })];
    const hotel = facts(list, { use: 'hotel' });
    expect(judgePermits(hotel, at('2026-06-13', '23:59'))).toEqual([]);
    const f = judgePermits(hotel, at('2026-06-14', '00:00'));
    expect(f.map((x) => [x.kind, x.type, x.department])).toEqual([['expired', 'special_trade', '市公安局']]);
    expect(f[0]?.sinceMs).toBe(Date.parse('2026-06-14T00:00:00+08:00'));
    // 16:00 UTC on the 13th is already the 14th in Shiyan
    expect(judgePermits(hotel, Date.parse('2026-06-13T16:00:00Z'))).toHaveLength(1);
  });

  it('a status "expired" is expired whatever its date; a renewed permit beside the old one is no finding', () => {
    const old = p('fire', '2010-01-01', { status: 'expired', number: 'F-old' });
    const list = whole().filter((x) => x.type !== 'fire');
    expect(judgePermits(facts([...list, old]), at('2026-06-13')).map((x) => [x.kind, x.number])).toEqual([['expired', 'F-old']]);
    expect(judgePermits(facts([...list, old, p('fire', '2020-01-01')]), at('2026-06-13'))).toEqual([]);
  });

  it('construction before planning is out of order, on the construction permit\'s department; the same day is in order', () => {
    const early = whole().map((x) => (x.type === 'construction' ? { ...x, issued: '2015-05-31' } : x));
    const f = judgePermits(facts(early), at('2026-06-13'));
    expect(f.map((x) => [x.kind, x.type, x.department, x.related?.type])).toEqual([['out_of_order', 'construction', 'construction-dept', 'planning']]);
    const same = whole().map((x) => (x.type === 'construction' ? { ...x, issued: '2015-06-01' } : x));
    expect(judgePermits(facts(same), at('2026-06-13'))).toEqual([]);
  });

  it('a permit issued for another use than the building\'s use now is held under a changed use, by its issuer', () => {
    const list = whole().map((x) => (x.type === 'planning' || x.type === 'fire' ? { ...x, use: 'residential' } : x));
    expect(judgePermits(facts(list, { use: 'residential' }), at('2026-06-13'))).toEqual([]);
    const f = judgePermits(facts(list, { use: 'catering' }), at('2026-06-13'));
    expect(f.map((x) => [x.kind, x.type, x.department, x.permitUse, x.use])).toEqual([
      ['use_changed', 'planning', 'planning-dept', 'residential', 'catering'],
      ['use_changed', 'fire', 'fire-dept', 'residential', 'catering'],
    ]);
    // into a hotel: the special-trade permit becomes required as well
    expect(judgePermits(facts(list, { use: 'hotel' }), at('2026-06-13')).map((x) => x.kind)).toContain('missing');
  });

  it('a finding\'s id is stable, fits a hazard id and differs per permit', () => {
    const a = findingId('expired', 'special_trade', 'building', '420302', 'x'.repeat(64), 'N-1');
    expect(a).toMatch(/^[A-Za-z0-9_.:-]{3,120}$/);
    expect(findingId('expired', 'special_trade', 'building', '420302', 'x'.repeat(64), 'N-1')).toBe(a);
    expect(findingId('expired', 'special_trade', 'building', '420302', 'x'.repeat(64), 'N-2')).not.toBe(a);
    expect(findingId('expired', 'special_trade', 'construction', '420302', 'x'.repeat(64), 'N-1')).not.toBe(a);
  });

  it('city days: the day of an instant in UTC+8 and its start', () => {
    expect(cityDay(Date.parse('2026-06-12T16:00:00Z'))).toBe('2026-06-13');
    expect(cityDay(Date.parse('2026-06-12T15:59:59.999Z'))).toBe('2026-06-12');
    expect(cityDayStartMs('2026-06-13')).toBe(Date.parse('2026-06-12T16:00:00Z'));
  });
});

describe('the campaign', () => {
  it('counts per district what is checked, clean, found, opened and closed; not opened first', () => {
    const noFire = whole().filter((x) => x.type !== 'fire');
    const list = [
      facts(whole(), { asset: 'a' }),
      facts(noFire, { asset: 'b' }),
      facts(noFire, { asset: 'c', district: '420303' }),
      { ...facts([], { asset: 'd', district: '420303' }), record: null },
    ];
    const ids = list.flatMap((f) => judgePermits(f, at('2026-06-13'))).map((x) => x.id);
    const r = judgeCampaign(list, at('2026-06-13'), (id) => (id === ids[0] ? 'closed' : null), 10);
    expect(r.total).toBe(2);
    expect(r.byKind.missing).toBe(2);
    expect(r.districts).toEqual([
      { district: '420302', assets: 2, checked: 2, clean: 1, findings: 1, cases: 1, closed: 1 },
      { district: '420303', assets: 2, checked: 1, clean: 0, findings: 1, cases: 0, closed: 0 },
    ]);
    expect(r.findings.map((x) => x.stage)).toEqual([null, 'closed']);
    expect(judgeCampaign(list, at('2026-06-13'), () => null, 1).findings).toHaveLength(1);
    expect(judgeCampaign([], at('2026-06-13'), () => null, 10)).toMatchObject({ total: 0, findings: [], districts: [] });
  });
});
