import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import { Database } from '../store/database.js';
import { correlate, CorrelationPointsCache, poissonTail, type CorrelationParams } from './correlation.js';
import { findPairs, timeOrder } from './correlationPairs.js';
import { correlationMacros, DEFAULT_RADIUS_M, DEFAULT_WINDOW_S, DISTANCE_TOLERANCE_M, EARTH_RADIUS_M } from './correlationSql.js';

const tmp = tempDir('cityops-correlation-');
afterAll(() => tmp.remove());

const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CENTRE = { lat: 32.62, lon: 110.78 };
const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;
const DEFAULTS: CorrelationParams = { radiusM: DEFAULT_RADIUS_M, windowS: DEFAULT_WINDOW_S, minDomains: 2, limit: 1000 };

/** A point `north`, `east` metres from a place (small offsets: a local flat approximation is plenty for placing). */
const offset = (p: { lat: number; lon: number }, north: number, east: number): { lat: number; lon: number } => ({
  lat: p.lat + north / M_PER_DEG, lon: p.lon + east / (M_PER_DEG * Math.cos((p.lat * Math.PI) / 180)),
});

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Ev { id: string; us: number; domain: string; lat: number | null; lon: number | null; asset?: string; district?: string }
const DISTRICT = '420302';
const sqlStr = (s: string | null | undefined): string => (s === null || s === undefined ? 'NULL' : `'${s.replace(/'/g, "''")}'`);

async function insertEvents(db: Database, evs: Ev[]): Promise<void> {
  for (let i = 0; i < evs.length; i += 2000) {
    const rows = evs.slice(i, i + 2000).map((e) => `(make_timestamptz(${e.us}::BIGINT), '${e.domain}', '${e.district ?? DISTRICT}', '${e.id}', 'test', 'red', '${e.id} title', ${sqlStr(e.asset)},
      ${e.lat ?? 'NULL'}, ${e.lon ?? 'NULL'}, NULL, 'city.event.${e.domain}.${DISTRICT}', NULL, now())`);
    await db.writer.run(`INSERT INTO events VALUES ${rows.join(', ')}`);
  }
}
async function insertAsset(db: Database, domain: string, asset: string, tsMs: number, p: { lat: number; lon: number }): Promise<void> {
  await db.writer.run(`INSERT INTO asset_versions VALUES (make_timestamptz(${tsMs * 1000}::BIGINT), '${domain}', '${DISTRICT}', '${asset}', '${asset}', 'kind', ${p.lat}, ${p.lon},
    'owner', 'supervisor', NULL, NULL, 'city.asset.${domain}.${DISTRICT}.${asset}', NULL, now())`);
}
async function insertAlarm(db: Database, domain: string, asset: string, tsMs: number, active: boolean, rule = `${domain}.test`): Promise<void> {
  await db.writer.run(`INSERT INTO alarm_log VALUES (make_timestamptz(${tsMs * 1000}::BIGINT), '${domain}/${DISTRICT}/${asset}#${rule}', '${rule}', 'high',
    '${domain}', '${DISTRICT}', '${asset}', 'metric', false, ${active}, 30)`);
}
async function clear(db: Database): Promise<void> {
  for (const t of ['events', 'alarm_log', 'asset_versions']) await db.writer.run(`DELETE FROM ${t}`);
}

/** The macro's pairs as sorted "a|b" id strings (each pair's ids in order). */
async function macroPairs(db: Database, radiusM: number, windowS: number, extra = ''): Promise<string[]> {
  for (const s of correlationMacros()) await db.writer.run(s);
  const r = await db.writer.runAndReadAll(`SELECT a_id, b_id FROM correlated_pairs(radius_m := ${radiusM}, window_s := ${windowS}${extra})`);
  return r.getRowObjects().map((row) => [String(row['a_id']), String(row['b_id'])].sort().join('|')).sort();
}

/** The connected components of these pairs ("a|b" ids) as sorted, comma-joined member ids, sorted. */
function components(evs: Ev[], pairs: string[]): string[] {
  const parent = new Map<string, string>(evs.map((e) => [e.id, e.id]));
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x) as string;
    return x;
  };
  const paired = new Set<string>();
  for (const p of pairs) {
    const [x, y] = p.split('|') as [string, string];
    paired.add(x).add(y);
    parent.set(find(x), find(y));
  }
  const groups = new Map<string, string[]>();
  for (const id of paired) groups.set(find(id), [...(groups.get(find(id)) ?? []), id]);
  return [...groups.values()].map((g) => g.sort().join(',')).sort();
}

/** Brute force: every pair of different domains with h ≤ sin²((R + tol)/2E) and |dt| ≤ Δt (µs), O(n²). */
function brutePairs(evs: Ev[], radiusM: number, windowS: number): string[] {
  const out: string[] = [];
  const hmax = Math.sin((radiusM + DISTANCE_TOLERANCE_M) / (2 * EARTH_RADIUS_M)) ** 2;
  const wu = Math.max(1, Math.round(windowS * 1e6));
  const rad = (d: number): number => (d * Math.PI) / 180;
  for (let i = 0; i < evs.length; i++) {
    for (let j = i + 1; j < evs.length; j++) {
      const a = evs[i] as Ev;
      const b = evs[j] as Ev;
      if (a.domain === b.domain || a.lat === null || b.lat === null || a.lon === null || b.lon === null) continue;
      if (Math.abs(a.us - b.us) > wu) continue;
      const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lon - a.lon) / 2) ** 2;
      if (h <= hmax) out.push([a.id, b.id].sort().join('|'));
    }
  }
  return out.sort();
}

/** Background: `n` events of 14 domains over a day, uniform over a 30 km square round the centre, none within 1.5 km of `avoid`. */
function background(n: number, seed: number, avoid: { lat: number; lon: number }[]): Ev[] {
  const r = rng(seed);
  const domains = ['water', 'drainage', 'power', 'gas', 'heat', 'bridge', 'road', 'pipeline', 'tunnel', 'waste', 'park', 'construction', 'building', 'flood'];
  const out: Ev[] = [];
  while (out.length < n) {
    const p = offset(CENTRE, (r() - 0.5) * 30_000, (r() - 0.5) * 30_000);
    if (avoid.some((q) => Math.abs(q.lat - p.lat) * M_PER_DEG < 1500 && Math.abs(q.lon - p.lon) * M_PER_DEG * 0.84 < 1500)) continue;
    out.push({ id: `bg${out.length}`, us: (T0 + Math.floor(r() * DAY)) * 1000, domain: domains[Math.floor(r() * domains.length)] as string, lat: p.lat, lon: p.lon });
  }
  return out;
}

describe('correlation across lifelines', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open(join(tmp.dir, 'c.duckdb'));
  });
  afterAll(() => db.close());

  const siteA = offset(CENTRE, 2000, -3000);
  const siteB = offset(CENTRE, -6000, 5000);
  /** Two seeded incidents: a water main burst with a road settlement, a gas alarm and a drainage event round it; a power/heat/building one elsewhere. */
  async function seed(shuffleTimes: number | null): Promise<{ a: string[]; b: string[] }> {
    await clear(db);
    const t = (min: number): number => (T0 + 10 * HOUR + min * 60_000) * 1000;
    const seeded: Ev[] = [
      { id: 'a-burst', us: t(0), domain: 'water', ...siteA },
      { id: 'a-settle', us: t(12), domain: 'road', ...offset(siteA, 60, 10) },
      { id: 'a-drain', us: t(40), domain: 'drainage', ...offset(siteA, -50, 70) },
      { id: 'b-fire', us: t(300), domain: 'power', ...siteB },
      { id: 'b-heat', us: t(330), domain: 'heat', ...offset(siteB, 80, -40) },
      { id: 'b-crack', us: t(350), domain: 'building', ...offset(siteB, -30, -90) },
    ];
    await insertAsset(db, 'gas', 'gas-a', T0 - DAY, offset(siteA, 20, 80));
    const bg = background(3000, 7, [siteA, siteB]);
    const all = [...seeded, ...bg];
    let alarmUs = t(20);
    if (shuffleTimes !== null) {
      // Knox-style control: the same places, the times dealt out again at random among the points
      const r = rng(shuffleTimes);
      const times = [...all.map((e) => e.us), alarmUs];
      for (let i = times.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [times[i], times[j]] = [times[j] as number, times[i] as number];
      }
      all.forEach((e, i) => (e.us = times[i] as number));
      alarmUs = times[all.length] as number;
    }
    await insertEvents(db, all);
    await insertAlarm(db, 'gas', 'gas-a', alarmUs / 1000, true);
    await insertAlarm(db, 'gas', 'gas-a', alarmUs / 1000 + 600_000, false);
    return { a: ['a-burst', 'a-settle', 'gas/420302/gas-a#gas.test', 'a-drain'], b: ['b-fire', 'b-heat', 'b-crack'] };
  }

  it('finds the seeded clusters with the right members, first, and the background only as unremarkable coincidences', async () => {
    const want = await seed(null);
    const r = await correlate(db, { ...DEFAULTS, fromMs: T0, toMs: T0 + DAY }, T0 + DAY);
    expect(r.considered).toBe(3000 + 6 + 1);
    const [c1, c2] = r.clusters;
    if (!c1 || !c2) throw new Error('no clusters');
    const ids = (c: typeof c1): string[] => c.members.map((m) => m.id);
    expect(new Set([ids(c1).sort().join(), ids(c2).sort().join()])).toEqual(new Set([[...want.a].sort().join(), [...want.b].sort().join()]));
    const a = ids(c1).includes('a-burst') ? c1 : c2;
    expect(a.domains).toEqual(['drainage', 'gas', 'road', 'water']);
    expect(a.assets).toEqual(['gas/420302/gas-a']);
    expect(a.id).toBe('event:a-burst');
    expect(a.firstMs).toBe(T0 + 10 * HOUR);
    expect(a.lastMs).toBe(T0 + 10 * HOUR + 40 * 60_000);
    expect(a.pairs).toBe(6);
    const alarm = a.members.find((m) => m.kind === 'alarm');
    expect(alarm).toMatchObject({ id: 'gas/420302/gas-a#gas.test', level: 'high', what: 'gas.test', asset: 'gas-a', domain: 'gas' });
    expect(alarm?.lat).toBeCloseTo(offset(siteA, 20, 80).lat, 9);
    // the seeded ones are less likely by chance than anything the 3,000 background events formed (chance pairs, a chance
    // triangle: p ≈ 0.003 with this seed); among ~100 chance clusters, a p of 1e-3 is what the score calls unusual
    const noise = r.clusters.slice(2);
    expect(noise.length).toBeGreaterThan(0);
    for (const c of [c1, c2]) expect(c.pValue).toBeLessThan(1e-3);
    for (const c of noise) {
      expect(c.pValue).toBeGreaterThan(1e-3);
      expect(c.members.every((m) => m.id.startsWith('bg'))).toBe(true);
    }
    // sorted by pValue
    for (let i = 1; i < r.clusters.length; i++) expect(r.clusters[i]?.pValue).toBeGreaterThanOrEqual(r.clusters[i - 1]?.pValue as number);
    // minDomains and limit
    const three = await correlate(db, { ...DEFAULTS, fromMs: T0, toMs: T0 + DAY, minDomains: 3, limit: 1 }, T0 + DAY);
    expect(three.clusters.map((c) => c.id)).toEqual([c1.id]);
  });

  it('finds nothing when the times are shuffled among the same points (negative control)', async () => {
    await seed(11);
    const r = await correlate(db, { ...DEFAULTS, fromMs: T0, toMs: T0 + DAY }, T0 + DAY);
    for (const c of r.clusters) {
      expect(c.pValue, c.members.map((m) => m.id).join()).toBeGreaterThan(1e-4);
      // two points of a seeded site may still meet by chance (they share a place); never the incident
      expect(c.members.filter((m) => !m.id.startsWith('bg')).length).toBeLessThan(3);
    }
  });

  it('the macro correlated_pairs gives the same pairs as the clusters, and as the brute force', async () => {
    await seed(null);
    const all = await correlate(db, { ...DEFAULTS, fromMs: T0, toMs: T0 + DAY, limit: 1_000_000 }, T0 + DAY);
    const pairs = await macroPairs(db, DEFAULT_RADIUS_M, DEFAULT_WINDOW_S);
    expect(pairs.length).toBe(all.clusters.reduce((n, c) => n + c.pairs, 0));
    // every pair's two ends are in one cluster
    const clusterOf = new Map(all.clusters.flatMap((c) => c.members.map((m) => [m.id, c.id] as const)));
    for (const p of pairs) {
      const [x, y] = p.split('|') as [string, string];
      expect(clusterOf.get(x)).toBeDefined();
      expect(clusterOf.get(x)).toBe(clusterOf.get(y));
    }
    const rows = (await db.writer.runAndReadAll(`SELECT * FROM correlated_pairs() WHERE a_id = 'a-burst' AND b_id = 'a-settle'`)).getRowObjects();
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.['dt_s'])).toBe(720);
    expect(Number(rows[0]?.['distance_m'])).toBeCloseTo(Math.hypot(60, 10), 0);
  });

  it('is exact at R and Δt, across a cell edge, a bucket edge and at latitude 60°', async () => {
    await clear(db);
    const R = 200;
    const W = 7200;
    const dLat = (R / EARTH_RADIUS_M) * (180 / Math.PI);
    const cellLat = ((R + 0.01) / EARTH_RADIUS_M) * (180 / Math.PI);
    const base = { lat: 32.6, lon: 110.8 };
    const us0 = T0 * 1000;
    const Wus = W * 1_000_000;
    const at60 = { lat: 60, lon: 25 };
    const dLon60 = 2 * Math.asin(Math.sin(R / (2 * EARTH_RADIUS_M)) / Math.cos(Math.PI / 3)) * (180 / Math.PI);
    const evs: Ev[] = [
      // the anchor: the window's first point and lowest latitude/longitude fix the grid's origin
      { id: 'anchor', us: us0, domain: 'park', lat: base.lat, lon: base.lon },
      // exactly R along a meridian: in; 0.11 m further: out
      { id: 'r-a', us: us0 + 3_600_000_000, domain: 'water', lat: base.lat + 0.01, lon: base.lon + 0.05 },
      { id: 'r-b', us: us0 + 3_600_000_000, domain: 'gas', lat: base.lat + 0.01 + dLat, lon: base.lon + 0.05 },
      { id: 'r-c', us: us0 + 3_600_000_000, domain: 'road', lat: base.lat + 0.01 - dLat - 1e-6, lon: base.lon + 0.05 },
      // exactly Δt: in; 1 µs more: out
      { id: 't-a', us: us0 + 10 * Wus + 123, domain: 'water', lat: base.lat + 0.02, lon: base.lon + 0.02 },
      { id: 't-b', us: us0 + 11 * Wus + 123, domain: 'gas', lat: base.lat + 0.02, lon: base.lon + 0.02 },
      { id: 't-c', us: us0 + 9 * Wus + 122, domain: 'road', lat: base.lat + 0.02, lon: base.lon + 0.02 },
      // across a cell edge (latitude) and a bucket edge at once, 150 m and 30 min apart
      { id: 'e-a', us: us0 + 3 * Wus - 60_000_000, domain: 'water', lat: base.lat + 5 * cellLat - 1e-7, lon: base.lon + 0.03 },
      { id: 'e-b', us: us0 + 3 * Wus + 1_740_000_000, domain: 'heat', lat: base.lat + 5 * cellLat - 1e-7 + (150 / EARTH_RADIUS_M) * (180 / Math.PI), lon: base.lon + 0.03 },
      // at 60° N: exactly R along the parallel: in; 0.22 m further: out
      { id: 'n-a', us: us0 + 20 * Wus, domain: 'water', lat: at60.lat, lon: at60.lon },
      { id: 'n-b', us: us0 + 20 * Wus, domain: 'gas', lat: at60.lat, lon: at60.lon + dLon60 },
      { id: 'n-c', us: us0 + 20 * Wus, domain: 'road', lat: at60.lat, lon: at60.lon - dLon60 - 4e-6 },
    ];
    await insertEvents(db, evs);
    const got = await macroPairs(db, R, W);
    expect(got).toEqual(['e-a|e-b', 'n-a|n-b', 'r-a|r-b', 't-a|t-b']);
    expect(got).toEqual(brutePairs(evs, R, W));
    // the same through correlate: three two-member clusters and the far pair
    const r = await correlate(db, { ...DEFAULTS, radiusM: R, windowS: W, fromMs: T0, toMs: T0 + 2 * DAY }, T0 + 2 * DAY);
    expect(r.clusters.map((c) => c.members.map((m) => m.id).sort().join('|')).sort()).toEqual(got);
  });

  it('places alarms (raises only) and place-less events by their asset as of their time; nothing after now counts', async () => {
    await clear(db);
    const p1 = offset(CENTRE, 0, 0);
    const p2 = offset(CENTRE, 5000, 0);
    await insertAsset(db, 'gas', 'g1', T0, p1);
    await insertAsset(db, 'gas', 'g1', T0 + 10 * HOUR, p2); // the detector was moved
    await insertAsset(db, 'water', 'w1', T0, offset(p2, 50, 0));
    await insertAlarm(db, 'gas', 'g1', T0 + 2 * HOUR, true); // at p1
    await insertAlarm(db, 'gas', 'g1', T0 + 11 * HOUR, false); // a clear: not an occurrence
    await insertAlarm(db, 'gas', 'g1', T0 + 12 * HOUR, true); // at p2
    await insertEvents(db, [
      { id: 'near-p1', us: (T0 + 2 * HOUR + 60_000) * 1000, domain: 'road', ...offset(p1, 30, 0) },
      { id: 'w-at-asset', us: (T0 + 12 * HOUR + 60_000) * 1000, domain: 'water', lat: null, lon: null, asset: 'w1' },
      { id: 'later', us: (T0 + 12 * HOUR + 120_000) * 1000, domain: 'road', ...offset(p2, 10, 0) },
    ]);
    const r = await correlate(db, { ...DEFAULTS, fromMs: T0, toMs: T0 + DAY }, T0 + 12 * HOUR + 90_000);
    expect(r.toMs).toBe(T0 + 12 * HOUR + 90_000);
    expect(r.considered).toBe(4);
    const got = r.clusters.map((c) => c.members.map((m) => `${m.kind}:${m.id}@${m.tsMs}`).sort().join(' ')).sort();
    expect(got).toEqual([
      `alarm:gas/420302/g1#gas.test@${T0 + 12 * HOUR} event:w-at-asset@${T0 + 12 * HOUR + 60_000}`,
      `alarm:gas/420302/g1#gas.test@${T0 + 2 * HOUR} event:near-p1@${T0 + 2 * HOUR + 60_000}`,
    ].sort());
    const w = r.clusters.flatMap((c) => c.members).find((m) => m.id === 'w-at-asset');
    expect(w?.lat).toBeCloseTo(offset(p2, 50, 0).lat, 9);
    // the default window: the 24 h before now
    const d = await correlate(db, DEFAULTS, T0 + 12 * HOUR + 90_000);
    expect(d.fromMs).toBe(T0 + 12 * HOUR + 90_000 - DAY);
    expect(d.clusters).toHaveLength(2);
  });

  it('the grid join finds exactly the pairs a brute force finds (random small sets)', async () => {
    const point = fc.record({
      north: fc.double({ min: -1500, max: 1500, noNaN: true }), east: fc.double({ min: -1500, max: 1500, noNaN: true }),
      s: fc.integer({ min: 0, max: 6 * 3600 }), domain: fc.constantFrom('water', 'gas', 'road'),
    });
    await fc.assert(fc.asyncProperty(fc.array(point, { minLength: 2, maxLength: 40 }), fc.integer({ min: 30, max: 600 }), fc.integer({ min: 60, max: 7200 }),
      fc.constantFrom(CENTRE, { lat: 60.1, lon: 24.9 }, { lat: -33.9, lon: 151.2 }), async (pts, R, W, base) => {
        await clear(db);
        const evs: Ev[] = pts.map((p, i) => ({ id: `p${i}`, us: (T0 + p.s * 1000) * 1000, domain: p.domain, ...offset(base, p.north, p.east) }));
        await insertEvents(db, evs);
        expect(await macroPairs(db, R, W)).toEqual(brutePairs(evs, R, W));
      }), { numRuns: 40, seed: 5 });
  });

  it('the engine\'s sweep finds the brute force\'s pairs and clusters, with and without the points kept, in any window (random small sets)', async () => {
    const point = fc.record({
      north: fc.integer({ min: -40_000, max: 40_000 }).map((cm) => cm / 100), east: fc.integer({ min: -40_000, max: 40_000 }).map((cm) => cm / 100),
      s: fc.integer({ min: 0, max: 6 * 3600 }), domain: fc.constantFrom('water', 'gas', 'road', 'not-a-domain'),
    });
    await fc.assert(fc.asyncProperty(fc.array(point, { minLength: 2, maxLength: 40 }), fc.integer({ min: 30, max: 600 }), fc.integer({ min: 60, max: 7200 }),
      fc.constantFrom(CENTRE, { lat: 60.1, lon: 24.9 }, { lat: -33.9, lon: 151.2 }), fc.integer({ min: 0, max: 6 * 3600 }), fc.integer({ min: 0, max: 6 * 3600 }),
      async (pts, R, W, base, a, b) => {
        await clear(db);
        const evs: Ev[] = pts.map((p, i) => ({ id: `p${i}`, us: (T0 + p.s * 1000) * 1000, domain: p.domain, ...offset(base, p.north, p.east) }));
        await insertEvents(db, evs);
        // a window whose ends may fall exactly on points' times: both ends are in
        const fromMs = T0 + Math.min(a, b) * 1000;
        const toMs = T0 + Math.max(a, b) * 1000;
        const inWindow = evs.filter((e) => e.us >= fromMs * 1000 && e.us <= toMs * 1000);
        const brute = brutePairs(inWindow, R, W);
        const want = components(inWindow, brute);
        const params = { radiusM: R, windowS: W, minDomains: 2, limit: 1_000_000, fromMs, toMs };
        const got = (r: Awaited<ReturnType<typeof correlate>>): string[] => r.clusters.map((c) => c.members.map((m) => m.id).sort().join(',')).sort();
        const plain = await correlate(db, params, T0 + DAY);
        expect(got(plain)).toEqual(want);
        // every pair counted once: the clusters' pairs add up to the brute force's
        expect(plain.clusters.reduce((n, c) => n + c.pairs, 0)).toBe(brute.length);
        expect(plain.considered).toBe(inWindow.length);
        // kept points (as over a bundle), and a cache too small to keep them (each correlation reads its window)
        expect(got(await correlate(db, params, T0 + DAY, undefined, { cache: new CorrelationPointsCache() }))).toEqual(want);
        expect(got(await correlate(db, params, T0 + DAY, undefined, { cache: new CorrelationPointsCache(1) }))).toEqual(want);
      }), { numRuns: 40, seed: 9 });
  });

  it('a kept set of points answers every later window alike; a caller that leaves during the load does not stop it for another', async () => {
    await seed(null);
    const cache = new CorrelationPointsCache();
    const leaver = new AbortController();
    const p0 = { ...DEFAULTS, fromMs: T0, toMs: T0 + DAY };
    const left = correlate(db, p0, T0 + DAY, leaver.signal, { cache });
    const stayed = correlate(db, p0, T0 + DAY, undefined, { cache });
    await Promise.resolve();
    leaver.abort(new Error('left'));
    await expect(left).rejects.toThrow();
    const strip = (r: Awaited<ReturnType<typeof correlate>>): unknown => ({ ...r, elapsedMs: 0 });
    expect(strip(await stayed)).toEqual(strip(await correlate(db, p0, T0 + DAY)));
    for (const [from, to] of [[T0, T0 + DAY], [T0 + 10 * HOUR, T0 + 11 * HOUR], [T0 + 10 * HOUR + 12 * 60_000, T0 + 10 * HOUR + 40 * 60_000], [T0 + 20 * HOUR, T0 + DAY]] as const) {
      const p = { ...DEFAULTS, fromMs: from, toMs: to };
      expect(strip(await correlate(db, p, T0 + DAY, undefined, { cache }))).toEqual(strip(await correlate(db, p, T0 + DAY)));
    }
  });

  it('an abort during a correlation leaves its reader connection usable (the ROLLBACK is never interrupted)', async () => {
    await seed(null);
    for (let i = 0; i < 30; i++) {
      const stop = new AbortController();
      const run = correlate(db, { ...DEFAULTS, fromMs: T0, toMs: T0 + DAY }, T0 + DAY, stop.signal);
      setTimeout(() => stop.abort(new Error('left')), i % 6);
      await run.catch(() => undefined);
    }
    // every pooled reader answers a plain query (none left in an aborted transaction)
    const answers = await Promise.all(Array.from({ length: 8 }, () => db.queryRows('SELECT count(*)::INTEGER AS n FROM events')));
    expect(answers.every((r) => typeof r[0]?.['n'] === 'number')).toBe(true);
  });

  it('refuses, as too large, a place crowded past the bound (a broken or hostile feed), and answers under it', async () => {
    await clear(db);
    // 60 events of two domains on one spot within an hour: 900 cross-domain pairs
    const evs: Ev[] = Array.from({ length: 60 }, (_, i) => ({ id: `crowd${i}`, us: (T0 + i * 60_000) * 1000, domain: i % 2 === 0 ? 'water' : 'gas', lat: 32.6, lon: 110.8 }));
    await insertEvents(db, evs);
    const p = { ...DEFAULTS, fromMs: T0, toMs: T0 + DAY };
    await expect(correlate(db, p, T0 + DAY, undefined, { maxPairs: 899 })).rejects.toMatchObject({ code: 'too_large' });
    const r = await correlate(db, p, T0 + DAY, undefined, { maxPairs: 900 });
    expect(r.clusters).toHaveLength(1);
    expect(r.clusters[0]?.pairs).toBe(900);
  });

  it('the Poisson tail', () => {
    expect(poissonTail(0, 3)).toBe(1);
    expect(poissonTail(1, 0.5)).toBeCloseTo(1 - Math.exp(-0.5), 12);
    expect(poissonTail(3, 0.1)).toBeCloseTo(1 - Math.exp(-0.1) * (1 + 0.1 + 0.005), 12);
    expect(poissonTail(3, 0.001)).toBeCloseTo(1.6658e-10, 13);
    expect(poissonTail(5, 20)).toBeCloseTo(1 - Math.exp(-20) * (1 + 20 + 200 + 8000 / 6 + 160000 / 24), 12);
    expect(poissonTail(1, 0)).toBe(0);
  });
});

describe('the sweep\'s parts on hostile input', () => {
  it('orders times of any span, equal times kept in their order', () => {
    const cases = [[], [5], [3, 3, 1, 3], [0, 2 ** 60, 1, 2 ** 55, -(2 ** 62), 2 ** 62, 7, 7], [1.7e15, 1.7e15 + 1, 1.7e15 - 1, -6.2e18, 6.2e18]];
    for (const xs of cases) {
      const us = Float64Array.from(xs);
      const order = Array.from(timeOrder(us));
      const want = xs.map((x, i) => ({ x, i })).sort((a, b) => a.x - b.x || a.i - b.i).map((e) => e.i);
      expect(order).toEqual(want);
    }
  });

  it('refuses a crowd of one domain at one place as too large instead of working through it', () => {
    const n = 20_000;
    const pts = { n, us: Float64Array.from({ length: n }, (_, i) => 1.7e15 + i), lat: new Float64Array(n).fill(32.6), lon: new Float64Array(n).fill(110.8), dc: new Int32Array(n).fill(1) };
    expect(() => findPairs(pts, 200, 7200, 1_000_000, 1_000_000)).toThrow(/too large|candidate/);
    // under the bound it answers: no pair within one domain
    expect(findPairs({ ...pts, n: 1000, us: pts.us.subarray(0, 1000), lat: pts.lat.subarray(0, 1000), lon: pts.lon.subarray(0, 1000), dc: pts.dc.subarray(0, 1000) }, 200, 7200, 1_000_000, 1_000_000).pa).toHaveLength(0);
  });
});

describe('a point far from the rest (a device reporting 0°, 0°)', () => {
  const tmp2 = tempDir('cityops-correlation-outlier-');
  afterAll(() => tmp2.remove());
  it('changes neither the clusters nor, beyond its own count, their scores', async () => {
    const db = await Database.open(join(tmp2.dir, 'o.duckdb'));
    try {
      const r = rng(3);
      const evs: Ev[] = Array.from({ length: 3000 }, (_, i) => ({
        id: `o${i}`, us: (T0 + Math.floor(r() * DAY)) * 1000, domain: ['water', 'gas', 'road', 'power'][i % 4] as string,
        ...offset(CENTRE, (r() - 0.5) * 4000, (r() - 0.5) * 4000),
      }));
      await insertEvents(db, evs);
      const p = { ...DEFAULTS, fromMs: T0, toMs: T0 + DAY, limit: 1_000_000 };
      const before = await correlate(db, p, T0 + DAY);
      await insertEvents(db, [{ id: 'zero', us: (T0 + 1000) * 1000, domain: 'heat', lat: 0, lon: 0 }]);
      const after = await correlate(db, p, T0 + DAY);
      const key = (c: { members: { id: string }[] }): string => c.members.map((m) => m.id).sort().join(',');
      expect(after.clusters.map(key).sort()).toEqual(before.clusters.map(key).sort());
      expect(before.clusters.length).toBeGreaterThan(10);
      const was = new Map(before.clusters.map((c) => [key(c), c.expectedPairs]));
      // one more point among 3,001 of other domains: the expectation moves by about that much, not by the extent
      for (const c of after.clusters) expect(Math.abs(c.expectedPairs / (was.get(key(c)) ?? NaN) - 1)).toBeLessThan(0.01);
    } finally {
      db.close();
    }
  });
});
