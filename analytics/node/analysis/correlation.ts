import type { CorrelationCluster, CorrelationMember, CorrelationResult } from '../../common/analysis.js';
import type { Database } from '../store/database.js';
import { QueryRefused } from '../queries/queryGate.js';
import { EARTH_RADIUS_M, pairsSql, pointsSql, windowUsSql, type PairSqlArgs } from './correlationSql.js';

/**
 * The correlation of events and alarms across lifelines (docs/analysis.md#correlation-across-lifelines):
 * events and raised alarms of different domains within `radiusM` metres and `windowS` seconds of
 * each other are linked into clusters (connected components), each scored against the background.
 */
export interface CorrelationParams {
  /** Window start, epoch ms (included); default `toMs` − 24 h. */
  fromMs?: number;
  /** Window end, epoch ms (included); default, and at most, `nowMs`. */
  toMs?: number;
  /** R: metres (> 0). */
  radiusM: number;
  /** Δt: seconds (> 0). */
  windowS: number;
  /** Clusters spanning fewer domains are left out (a pair already spans 2). */
  minDomains: number;
  /** The most clusters returned (the most unusual first). */
  limit: number;
}

const DAY_MS = 24 * 3_600_000;

/**
 * Events and alarms of different domains within R and Δt, linked into clusters, as of `nowMs`
 * (nothing after it counts: the replay cursor when replaying).
 *
 * Pairs come from one SQL statement (the grid + time-bucket equality join of correlationSql.ts,
 * the same text as the `correlated_pairs` macro), together with each paired point's expected
 * number of chance partners μ; the components are found here with a union-find; only the members
 * of the clusters returned are read back in full.
 *
 * The score (the baseline, documented in docs/analysis.md): for a point x of domain d, the
 * space-time permutation expectation of partners of another domain within R and Δt —
 * μ(x) = S(x) · T(x) / N, over the population of the window's points of domains other than d: N of
 * them, T(x) of them within Δt of x's time (exact count), S(x) of them expected within R of x's place
 * (their count in x's block of 3 × 3 grid cells over the whole window × πR² / the block's area). It
 * holds if places and times are independent: the rhythm of the day and the busy places are in the
 * baseline, their coincidence is not. A cluster's pairs all involve its members (a component holds
 * every partner), so its expected pairs are ½ Σ μ over its members, and its pValue is the Poisson
 * tail P(X ≥ pairs | expectedPairs). It is a screening score, computed per cluster: among many
 * clusters some small values come by chance.
 */
export async function correlate(db: Database, p: CorrelationParams, nowMs: number, signal?: AbortSignal, maxPairs = MAX_PAIRS): Promise<CorrelationResult> {
  const started = performance.now();
  for (const [k, v] of Object.entries({ radiusM: p.radiusM, windowS: p.windowS }) as [string, number][]) {
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${k} must be a positive number, got ${v}`);
  }
  if (!Number.isInteger(p.limit) || p.limit < 0) throw new RangeError(`limit must be a whole number ≥ 0, got ${p.limit}`);
  if (!Number.isFinite(nowMs)) throw new RangeError('nowMs must be a finite time');
  const toMs = Math.min(p.toMs ?? nowMs, nowMs);
  const fromMs = p.fromMs ?? (p.toMs ?? nowMs) - DAY_MS;
  if (!Number.isFinite(toMs) || !Number.isFinite(fromMs)) throw new RangeError('fromMs and toMs must be finite times');
  const args: PairSqlArgs = {
    radiusM: literal(p.radiusM), windowS: literal(p.windowS),
    from: `make_timestamptz(${Math.ceil(fromMs * 1000)}::BIGINT)`, to: `make_timestamptz(${Math.floor(toMs * 1000)}::BIGINT)`,
  };
  const empty = (considered: number): CorrelationResult => ({
    radiusM: p.radiusM, windowS: p.windowS, fromMs, toMs, considered, clusters: [], elapsedMs: performance.now() - started,
  });
  if (fromMs > toMs) return empty(0);

  const r = await readPairs(db, pairQuery(args), signal, maxPairs);
  const n = r.mu.length;
  // union-find over the paired points (indices 0..n-1 given by the query)
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[i] !== root) {
      const next = parent[i] as number;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  for (let k = 0; k < r.pa.length; k++) {
    const ri = find(r.pa[k] as number);
    const rj = find(r.pb[k] as number);
    if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
  }

  interface Component { members: number[]; domains: Set<number>; pairs: number; mu: number; minGid: number }
  const comps = new Map<number, Component>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    let c = comps.get(root);
    if (!c) comps.set(root, (c = { members: [], domains: new Set(), pairs: 0, mu: 0, minGid: Infinity }));
    c.members.push(i);
    c.domains.add(r.dc[i] as number);
    c.mu += r.mu[i] as number;
    c.minGid = Math.min(c.minGid, r.gid[i] as number);
  }
  for (let k = 0; k < r.pa.length; k++) (comps.get(find(r.pa[k] as number)) as Component).pairs++;
  const considered = r.considered;
  const gids = r.gid;

  const scored = [...comps.values()].filter((c) => c.domains.size >= p.minDomains).map((c) => {
    const expectedPairs = c.mu / 2;
    return { c, expectedPairs, pValue: poissonTail(c.pairs, expectedPairs) };
  });
  const byScore = (x: { pValue: number; size: number; pairs: number }, y: { pValue: number; size: number; pairs: number }): number =>
    x.pValue - y.pValue || y.size - x.size || y.pairs - x.pairs;
  scored.sort((x, y) => byScore({ pValue: x.pValue, size: x.c.members.length, pairs: x.c.pairs }, { pValue: y.pValue, size: y.c.members.length, pairs: y.c.pairs }) || x.c.minGid - y.c.minGid);
  const chosen = scored.slice(0, p.limit);
  if (chosen.length === 0) return empty(considered);

  // the chosen clusters' members, read back in full
  const wanted = chosen.flatMap((s) => s.c.members.map((i) => gids[i] as number));
  const members = await readMembers(db, args, wanted, signal);
  const clusters: CorrelationCluster[] = [];
  for (const s of chosen) {
    const list = s.c.members.map((i) => members.get(gids[i] as number)).filter((m): m is CorrelationMember => m !== undefined)
      .sort((x, y) => x.tsMs - y.tsMs || x.kind.localeCompare(y.kind) || x.id.localeCompare(y.id));
    const first = list[0];
    if (!first) continue;
    clusters.push({
      id: first.kind === 'alarm' ? `alarm:${first.id}@${first.tsMs}` : `event:${first.id}`,
      domains: [...new Set(list.map((m) => m.domain))].sort(),
      districts: [...new Set(list.map((m) => m.district))].sort(),
      assets: [...new Set(list.filter((m) => m.asset !== null).map((m) => `${m.domain}/${m.district}/${m.asset}`))].sort(),
      firstMs: first.tsMs,
      lastMs: list.reduce((t, m) => Math.max(t, m.tsMs), first.tsMs),
      members: list,
      pairs: s.c.pairs,
      expectedPairs: s.expectedPairs,
      pValue: s.pValue,
      centroid: { lat: mean(list.map((m) => m.lat)), lon: mean(list.map((m) => m.lon)) },
    });
  }
  clusters.sort((x, y) => byScore({ pValue: x.pValue, size: x.members.length, pairs: x.pairs }, { pValue: y.pValue, size: y.members.length, pairs: y.pairs })
    || x.firstMs - y.firstMs || x.id.localeCompare(y.id));
  return { radiusM: p.radiusM, windowS: p.windowS, fromMs, toMs, considered, clusters, elapsedMs: performance.now() - started };
}

/**
 * One statement, one result of four kinds of rows (`t`): 0, a pair (`x`, `y`: its two points'
 * indices); 1, a paired point (`x` its index 0..n-1, `y` its domain's code, `g` its gid, `m` its μ);
 * 2, a domain's code `y` and name `s` (unused here, kept for reading a result by hand); 3, the number
 * of points considered (`g`). Numbers only on the hot path: the result of a busy week is 100,000s
 * of rows.
 *
 * μ's counts come from small aggregates joined back, not from a second pass over neighbours:
 * T(x) from the counts of the bucket of x and of its two neighbours, the neighbours' counts taken
 * in proportion to the part of them within Δt of x (times uniform within a bucket); S(x) from the
 * counts of x's block of 3 × 3 cells (places uniform within a block).
 */
export function pairQuery(args: PairSqlArgs): string {
  const wu = windowUsSql(args.windowS);
  return `WITH ${pointsSql(args, false)},
${pairsSql(args)},
inv AS MATERIALIZED (SELECT gid, CAST(row_number() OVER () - 1 AS INTEGER) AS ix FROM (SELECT ag AS gid FROM pairs UNION SELECT bg FROM pairs)),
tcount AS (SELECT tb, dc, count(*) AS n FROM cells GROUP BY ALL),
tall AS (SELECT tb, sum(n) AS n FROM tcount GROUP BY tb),
dtot AS (SELECT dc, sum(n) AS n FROM tcount GROUP BY dc),
tn AS (
  SELECT k.tb, k.dc, d.n AS n_own, (SELECT count(*) FROM cells) AS n_all,
         coalesce(am.n, 0) - coalesce(om.n, 0) AS oth_m, a0.n - k.n AS oth_0, coalesce(ap.n, 0) - coalesce(op.n, 0) AS oth_p
  FROM tcount k JOIN dtot d ON d.dc = k.dc JOIN tall a0 ON a0.tb = k.tb
  LEFT JOIN tall am ON am.tb = k.tb - 1 LEFT JOIN tall ap ON ap.tb = k.tb + 1
  LEFT JOIN tcount om ON om.tb = k.tb - 1 AND om.dc = k.dc LEFT JOIN tcount op ON op.tb = k.tb + 1 AND op.dc = k.dc
),
ccount AS (SELECT cx, cy, count(*) AS n FROM cells GROUP BY ALL),
c9 AS (
  SELECT e.cx, e.cy, sum(o.n) AS n
  FROM (SELECT c.cx, c.cy, c.cx + d.dx AS nx, c.cy + d.dy AS ny
        FROM ccount c, (VALUES (-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 0), (0, 1), (1, -1), (1, 0), (1, 1)) d(dx, dy)) e
  JOIN ccount o ON o.cx = e.nx AND o.cy = e.ny
  GROUP BY e.cx, e.cy
),
mu AS (
  SELECT i.ix, c.gid, c.dc,
         (s.n - 1) * pi() * pow(CAST(${args.radiusM} AS DOUBLE), 2)
           / (9 * radians(g.dlat) * radians(g.dlon) * ${EARTH_RADIUS_M ** 2} * c.cphi)
         * (t.oth_0 * (least(g.wb, c.off + ${wu}) - greatest(0, c.off - ${wu}))
            + t.oth_m * greatest(0, ${wu} - c.off) + t.oth_p * greatest(0, c.off + ${wu} - g.wb)) / g.wb
         / nullif(t.n_all - t.n_own, 0) AS mu
  FROM (SELECT cells.*, (cells.us - grid.us0) % grid.wb AS off FROM cells, grid) c
  JOIN inv i ON i.gid = c.gid
  CROSS JOIN grid g
  JOIN tn t ON t.tb = c.tb AND t.dc = c.dc
  JOIN c9 s ON s.cx = c.cx AND s.cy = c.cy
)
SELECT 0 AS t, a.ix AS x, b.ix AS y, NULL::DOUBLE AS g, NULL::DOUBLE AS m, NULL::VARCHAR AS s
FROM pairs p JOIN inv a ON a.gid = p.ag JOIN inv b ON b.gid = p.bg
UNION ALL SELECT 1, ix, dc, CAST(gid AS DOUBLE), mu, NULL FROM mu
UNION ALL SELECT 2, NULL, dc, NULL, NULL, domain FROM doms
UNION ALL SELECT 3, NULL, NULL, CAST(count(*) AS DOUBLE), NULL, NULL FROM cells`;
}

/** The pair query's result as typed arrays (see {@link pairQuery}). */
interface PairResult {
  pa: Int32Array;
  pb: Int32Array;
  gid: Float64Array;
  dc: Int32Array;
  mu: Float64Array;
  domains: Map<number, string>;
  considered: number;
}

/**
 * Reads the pair query on a connection of the read pool, vector by vector: the generic conversion
 * of `queryColumns` (a JS value per cell, then made JSON-safe) costs more than the whole query for
 * a busy week's 100,000s of rows. The result is materialized (`run`), not streamed: streamed, this
 * statement with its materialized CTEs did not finish in minutes at 250,000 points (DuckDB 1.5.5).
 * An abort interrupts the query and stops the reading.
 */
/** The most pairs one correlation reads (3 numbers each): beyond, the answer is refused as too large. */
export const MAX_PAIRS = 2_000_000;

async function readPairs(db: Database, sql: string, signal: AbortSignal | undefined, maxPairs: number): Promise<PairResult> {
  return db.readers.run(async (c) => {
    const result = await c.run(sql);
    const pa: number[] = [];
    const pb: number[] = [];
    const points: { x: number; y: number; g: number; m: number }[] = [];
    const domains = new Map<number, string>();
    let considered = 0;
    for (;;) {
      signal?.throwIfAborted();
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const [t, x, y, g, m, s] = [0, 1, 2, 3, 4, 5].map((i) => chunk.getColumnVector(i));
      if (!t || !x || !y || !g || !m || !s) throw new Error('correlation: unexpected result shape');
      for (let i = 0; i < chunk.rowCount; i++) {
        const kind = t.getItem(i);
        if (kind === 0) {
          // a place crowded by hostile or broken feeds must not grow this without bound: say so instead
          if (pa.length >= maxPairs) throw new QueryRefused('too_large', `more than ${maxPairs} pairs of events and alarms close in place and time: narrow the distance, the time apart or the window`);
          pa.push(x.getItem(i) as number);
          pb.push(y.getItem(i) as number);
        } else if (kind === 1) {
          const mu = m.getItem(i);
          points.push({ x: x.getItem(i) as number, y: y.getItem(i) as number, g: g.getItem(i) as number, m: typeof mu === 'number' && Number.isFinite(mu) ? mu : 0 });
        } else if (kind === 2) {
          domains.set(y.getItem(i) as number, String(s.getItem(i)));
        } else {
          considered = g.getItem(i) as number;
        }
      }
    }
    const n = points.length;
    // the indices are one materialized numbering: a pair naming an index no point has would be a broken result
    for (let k = 0; k < pa.length; k++) if (!((pa[k] as number) < n && (pb[k] as number) < n)) throw new Error('correlation: a pair names an unknown point');
    const gid = new Float64Array(n);
    const dc = new Int32Array(n);
    const mu = new Float64Array(n);
    for (const p of points) {
      gid[p.x] = p.g;
      dc[p.x] = p.y;
      mu[p.x] = p.m;
    }
    return { pa: Int32Array.from(pa), pb: Int32Array.from(pb), gid, dc, mu, domains, considered };
  }, signal);
}

/** The members with these gids, in full (their kind, id, time, place, level and what). */
async function readMembers(db: Database, args: PairSqlArgs, gids: number[], signal: AbortSignal | undefined): Promise<Map<number, CorrelationMember>> {
  const events = gids.filter((g) => g % 2 === 0).map((g) => g / 2);
  const alarms = gids.filter((g) => g % 2 === 1).map((g) => (g - 1) / 2);
  // a semi join on a list, not `IN (1, 2, …)`: thousands of constants would be planned as a chain of comparisons
  const inList = (col: string, ids: number[]): string => (ids.length === 0 ? 'false' : `${col} IN (SELECT unnest([${ids.join(', ')}]::BIGINT[]))`);
  const rows = await db.queryRows(`WITH ${pointsSql(args, true, { events: inList('e.rowid', events), alarms: inList('a.rowid', alarms) })}
    SELECT gid, kind, id, epoch_ms(ts) AS ts_ms, domain, district, asset, lat, lon, level, what FROM pts`, {}, signal ? { signal } : {});
  const out = new Map<number, CorrelationMember>();
  for (const r of rows) {
    out.set(Number(r['gid']), {
      kind: r['kind'] === 'alarm' ? 'alarm' : 'event', id: String(r['id']), tsMs: Number(r['ts_ms']),
      domain: String(r['domain']), district: String(r['district']), asset: r['asset'] === null ? null : String(r['asset']),
      lat: Number(r['lat']), lon: Number(r['lon']), level: String(r['level']), what: String(r['what']),
    });
  }
  return out;
}

/** A validated finite number as a SQL DOUBLE literal. */
function literal(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  return `CAST(${String(x)} AS DOUBLE)`;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: ~15 significant digits). */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * P(X ≥ k) for X ~ Poisson(λ): the upper tail summed from k when k > λ (no cancellation for the
 * small values that matter), 1 − the lower tail otherwise.
 */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (!(lambda > 0)) return 0;
  const term = (i: number): number => Math.exp(-lambda + i * Math.log(lambda) - lnGamma(i + 1));
  if (k > lambda) {
    let t = term(k);
    let sum = t;
    for (let i = k + 1; i < k + 10_000; i++) {
      t *= lambda / i;
      sum += t;
      if (t < sum * 1e-17) break;
    }
    return Math.min(1, sum);
  }
  let lower = 0;
  for (let i = 0; i < k; i++) lower += term(i);
  return Math.max(0, Math.min(1, 1 - lower));
}
