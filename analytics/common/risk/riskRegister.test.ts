import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RiskColour } from './riskMatrix.js';
import { assessAll, assetKey, districtRisks, RiskTracker, type AssetRisk, type DistrictRisk, type RegisterAsset, type RiskChange } from './riskRegister.js';

const SEED = 20261127;
const COLOURS: readonly RiskColour[] = ['red', 'orange', 'yellow', 'blue'];
const RANK: Record<RiskColour, number> = { red: 0, orange: 1, yellow: 2, blue: 3 };
const T0 = 1_781_300_000_000;

type AlarmArg = Parameters<typeof assessAll>[1][number];
type HazardArg = Parameters<typeof assessAll>[2][number];

/** An alarm with the fields the register reads; the rest of the view does not enter the risk. */
function alarm(a: Pick<AlarmArg, 'domain' | 'district' | 'asset' | 'priority' | 'active'>): AlarmArg {
  return a as AlarmArg;
}

/** A hazard case with the fields the register reads. */
function hazard(h: Pick<HazardArg, 'domain' | 'district' | 'asset' | 'stage' | 'grade' | 'overdue'>): HazardArg {
  return h as HazardArg;
}

/** An assessed asset of a given colour (score in its band), as the tracker receives it. */
function risk(district: string, asset: string, colour: RiskColour, score = { red: 20, orange: 10, yellow: 5, blue: 2 }[colour], reasons: string[] = []): AssetRisk {
  return { domain: 'gas', district, asset, name: asset, likelihood: 1, severity: 1, score, colour, reasons, factors: [] };
}

const station: RegisterAsset = { domain: 'gas', district: '420303', asset: 'st-1', name: '张湾区燃气调压站1号', baseline: 2 };

describe('assessing the register', () => {
  it('raises an asset by its standing alarms and open hazards only', () => {
    const quiet = assessAll([station], [], [], new Map());
    expect(quiet[0]).toMatchObject({ asset: 'st-1', likelihood: 2, severity: 5, score: 10, colour: 'orange', reasons: [] });

    const cleared = assessAll([station], [alarm({ domain: 'gas', district: '420303', asset: 'st-1', priority: 'critical', active: false })],
      [hazard({ domain: 'gas', district: '420303', asset: 'st-1', stage: 'closed', grade: 'major', overdue: true })], new Map());
    expect(cleared[0]?.score).toBe(10);

    const standing = assessAll([station], [alarm({ domain: 'gas', district: '420303', asset: 'st-1', priority: 'critical', active: true })], [], new Map());
    expect(standing[0]).toMatchObject({ likelihood: 4, score: 20, colour: 'red', factors: [{ factor: 'critical_alarms', n: 1, delta: 2 }] });
  });

  it('gives each asset only its own evidence (same asset id in another district or domain does not count)', () => {
    const twin: RegisterAsset = { ...station, district: '420302' };
    const elsewhere = [
      alarm({ domain: 'gas', district: '420302', asset: 'st-1', priority: 'critical', active: true }),
      alarm({ domain: 'water', district: '420303', asset: 'st-1', priority: 'critical', active: true }),
    ];
    const hazards = [hazard({ domain: 'gas', district: '420303', asset: null, stage: 'found', grade: 'major', overdue: false })];
    const inspections = new Map([[assetKey('gas', '420303', 'st-1'), { failed: 2, passed: 0 }]]);
    const [here, there] = assessAll([station, twin], elsewhere, hazards, inspections);
    // its own failed inspections count, and (routine findings alone) stop below red
    expect(here).toMatchObject({ district: '420303', likelihood: 2, factors: [{ factor: 'failed_inspections', n: 2, delta: 1 }, { factor: 'routine_capped', n: 0, delta: -1 }] });
    expect(there).toMatchObject({ district: '420302', likelihood: 4, factors: [{ factor: 'critical_alarms', n: 1, delta: 2 }] });
  });
});

describe('the district risk', () => {
  const assetRisks = fc.array(fc.record({ district: fc.constantFrom('420302', '420303', '420304'), colour: fc.constantFrom(...COLOURS), bump: fc.nat(3) }), { maxLength: 40 })
    .map((xs) => xs.map((x, i) => risk(x.district, `a-${i}`, x.colour, { red: 15, orange: 9, yellow: 4, blue: 1 }[x.colour] + x.bump)));

  it('is the worst colour of its assets, with counts per colour and the highest-scoring asset named', () => {
    fc.assert(fc.property(assetRisks, (rs) => {
      const ds = districtRisks(rs);
      expect(ds.map((d) => d.district)).toEqual([...new Set(rs.map((r) => r.district))].sort());
      for (const d of ds) {
        const mine = rs.filter((r) => r.district === d.district);
        const worst = mine.reduce((w, r) => (RANK[r.colour] < RANK[w] ? r.colour : w), 'blue' as RiskColour);
        expect(d.colour).toBe(worst);
        for (const c of COLOURS) expect(d.counts[c]).toBe(mine.filter((r) => r.colour === c).length);
        const top = Math.max(...mine.map((r) => r.score));
        const first = mine.find((r) => r.score === top);
        expect(d.worst).toBe(first ? assetKey(first.domain, first.district, first.asset) : null);
      }
    }), { seed: SEED, numRuns: 500 });
  });

  it('is red when a single asset of a thousand blue ones is red', () => {
    const rs = Array.from({ length: 1000 }, (_, i) => risk('420303', `b-${i}`, 'blue'));
    rs.splice(500, 0, risk('420303', 'r-1', 'red'));
    expect(districtRisks(rs)).toEqual([{ district: '420303', colour: 'red', counts: { red: 1, orange: 0, yellow: 0, blue: 1000 }, worst: 'gas/420303/r-1' }]);
  });
});

describe('the risk tracker', () => {
  it('does not record the first sight of a blue asset, and records the first sight of any other colour', () => {
    const t = new RiskTracker();
    const out = t.update(T0, [risk('420303', 'calm', 'blue'), risk('420303', 'hot', 'orange', 10, ['+1 likelihood: 1 high alarm(s) standing'])], []);
    expect(out).toEqual([{ atMs: T0, key: 'gas/420303/hot', from: null, to: 'orange', reasons: ['+1 likelihood: 1 high alarm(s) standing'], factors: [] }]);
    expect(t.changes).toEqual(out);
  });

  it('records a change only when the colour moves, not when the score or the reasons do', () => {
    const t = new RiskTracker();
    t.update(T0, [risk('420303', 'a', 'yellow', 4)], []);
    expect(t.update(T0 + 1, [risk('420303', 'a', 'yellow', 8, ['+1 likelihood: 2 failed inspection item(s) in 30 days'])], [])).toEqual([]);
    const up = t.update(T0 + 2, [risk('420303', 'a', 'red', 20, ['+2 likelihood: 1 critical alarm(s) standing'])], []);
    expect(up).toMatchObject([{ atMs: T0 + 2, key: 'gas/420303/a', from: 'yellow', to: 'red' }]);
    // back to blue is a change like any other (only the first sight of blue is not)
    const down = t.update(T0 + 3, [risk('420303', 'a', 'blue')], []);
    expect(down).toEqual([{ atMs: T0 + 3, key: 'gas/420303/a', from: 'red', to: 'blue', reasons: ['baseline'], factors: [] }]);
    expect(t.changes.map((c) => `${c.from ?? '-'}>${c.to}`)).toEqual(['->yellow', 'yellow>red', 'red>blue']);
  });

  it('keys districts apart from assets and says which asset made the colour', () => {
    const t = new RiskTracker();
    const rs = [risk('420303', 'a', 'red')];
    const out = t.update(T0, rs, districtRisks(rs));
    expect(out.map((c) => [c.key, c.to, c.reasons])).toEqual([['gas/420303/a', 'red', ['baseline']], ['district/420303', 'red', ['worst asset gas/420303/a']]]);
  });

  it('keeps only the newest changes past its cap, though each update still returns all of its own', () => {
    const t = new RiskTracker(3);
    const colours: RiskColour[] = ['red', 'orange', 'red', 'yellow', 'red'];
    const all = colours.flatMap((c, i) => t.update(T0 + i, [risk('420303', 'a', c)], []));
    expect(all).toHaveLength(5);
    expect(t.changes).toEqual(all.slice(-3));
    const burst = t.update(T0 + 10, Array.from({ length: 5 }, (_, i) => risk('420304', `n-${i}`, 'orange')), []);
    expect(burst).toHaveLength(5);
    expect(t.changes).toEqual(burst.slice(-3));
  });

  it('records exactly the colour moves an oracle sees, within its cap, over any sequence of updates', () => {
    const rounds = fc.array(fc.array(fc.record({ asset: fc.constantFrom('a', 'b', 'c', 'd'), district: fc.constantFrom('420303', '420304'), colour: fc.constantFrom(...COLOURS) }), { maxLength: 6 }), { maxLength: 20 });
    fc.assert(fc.property(rounds, fc.integer({ min: 1, max: 30 }), (rs, cap) => {
      const t = new RiskTracker(cap);
      const seen = new Map<string, RiskColour>();
      const expected: Pick<RiskChange, 'atMs' | 'key' | 'from' | 'to'>[] = [];
      rs.forEach((round, i) => {
        // one colour per key and round, the last one given (as the engine assesses each asset once)
        const byKey = new Map(round.map((r) => [assetKey('gas', r.district, r.asset), r]));
        const risks = [...byKey.values()].map((r) => risk(r.district, r.asset, r.colour));
        const districts: DistrictRisk[] = districtRisks(risks);
        const want: typeof expected = [];
        const oracle = (key: string, to: RiskColour): void => {
          const from = seen.get(key) ?? null;
          if (from === to) return;
          seen.set(key, to);
          if (from === null && to === 'blue') return;
          want.push({ atMs: T0 + i, key, from, to });
        };
        for (const r of risks) oracle(assetKey(r.domain, r.district, r.asset), r.colour);
        for (const d of districts) oracle(`district/${d.district}`, d.colour);
        expect(t.update(T0 + i, risks, districts).map(({ atMs, key, from, to }) => ({ atMs, key, from, to }))).toEqual(want);
        expected.push(...want);
      });
      expect(t.changes.length).toBeLessThanOrEqual(cap);
      expect(t.changes.map(({ atMs, key, from, to }) => ({ atMs, key, from, to }))).toEqual(expected.slice(-cap));
      expect(t.changes.every((c) => c.from !== c.to && !(c.from === null && c.to === 'blue'))).toBe(true);
    }), { seed: SEED, numRuns: 500 });
  });
});
