import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOMAINS } from './city.js';
import { inScope, parseScope, scopeFilters } from './subjects.js';

/** NATS subject matching: `*` one token, `>` one or more trailing tokens. */
function matches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

const districts = ['420302', '420303', '420304'];
const subject = fc.record({
  kind: fc.constantFrom('telemetry', 'event', 'asset', 'inspection'),
  domain: fc.constantFrom(...DOMAINS.slice(0, 4)),
  district: fc.constantFrom(...districts),
  asset: fc.option(fc.constantFrom('a1', 'b-2'), { nil: null }),
}).map((x) => `city.${x.kind}.${x.domain}.${x.district}${x.asset === null ? '' : `.${x.asset}`}`);
const scope = fc.record({
  domains: fc.option(fc.uniqueArray(fc.constantFrom(...DOMAINS.slice(0, 4)), { minLength: 1, maxLength: 3 }), { nil: null }),
  districts: fc.option(fc.uniqueArray(fc.constantFrom(...districts), { minLength: 1, maxLength: 2 }), { nil: null }),
}).filter((s) => s.domains !== null || s.districts !== null);

describe('a district centre\'s scope', () => {
  it('lets through exactly what its consumer filters let through, and no subject matches two filters', () => {
    fc.assert(fc.property(scope, subject, (sc, s) => {
      const fs = scopeFilters(sc);
      const hits = fs.filter((f) => matches(f, s)).length;
      expect(hits > 0).toBe(inScope(s, sc));
      // plain subscriptions on these filters never deliver one message twice
      expect(hits).toBeLessThanOrEqual(1);
    }), { numRuns: 2000, seed: 20261128 });
  });

  it('reads domain and district lists, and refuses anything else with a reason', () => {
    expect(parseScope('district=420303', DOMAINS)).toEqual({ domains: null, districts: ['420303'] });
    expect(parseScope('domain=gas,water', DOMAINS)).toEqual({ domains: ['gas', 'water'], districts: null });
    expect(parseScope('domain=gas; district=420302,420303', DOMAINS)).toEqual({ domains: ['gas'], districts: ['420302', '420303'] });
    expect(scopeFilters({ domains: ['gas'], districts: null })).toEqual(['city.*.gas.>']);
    expect(() => parseScope('domain=lava', DOMAINS)).toThrow(/unknown domain "lava"/);
    expect(() => parseScope('district=4203', DOMAINS)).toThrow(/6-digit/);
    expect(() => parseScope('district=420303.>', DOMAINS)).toThrow(/6-digit/);
    expect(() => parseScope('town=1', DOMAINS)).toThrow(/write domain=/);
    expect(() => parseScope(';', DOMAINS)).toThrow(/names no domain/);
  });
});
