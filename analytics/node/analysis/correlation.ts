import type { CorrelationCluster, CorrelationMember, CorrelationResult } from '../../common/analysis.js';
import type { DuckDBConnection, DuckDBVector } from '@duckdb/node-api';
import type { Database } from '../store/database.js';
import { QueryRefused } from '../queries/queryGate.js';
import { DOMAINS } from '../../common/city.js';
import { findPairs, timeOrder, type Points } from './correlationPairs.js';
import { placedPointsSql, pointsSql, type PairSqlArgs } from './correlationSql.js';

/** The window's ends as SQL TIMESTAMPTZ expressions (NULL: that side open). */
type WindowSql = Pick<PairSqlArgs, 'from' | 'to'>;

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
export interface CorrelateOptions {
  /** The points of a source that never changes (an opened bundle), kept between correlations. */
  cache?: CorrelationPointsCache;
  maxPairs?: number;
  maxCandidates?: number;
}

export async function correlate(db: Database, p: CorrelationParams, nowMs: number, signal?: AbortSignal, o: CorrelateOptions = {}): Promise<CorrelationResult> {
  const maxPairs = o.maxPairs ?? MAX_PAIRS;
  const maxCandidates = o.maxCandidates ?? MAX_CANDIDATES;
  const started = performance.now();
  for (const [k, v] of Object.entries({ radiusM: p.radiusM, windowS: p.windowS }) as [string, number][]) {
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${k} must be a positive number, got ${v}`);
  }
  if (!Number.isInteger(p.limit) || p.limit < 0) throw new RangeError(`limit must be a whole number ≥ 0, got ${p.limit}`);
  if (!Number.isFinite(nowMs)) throw new RangeError('nowMs must be a finite time');
  const toMs = Math.min(p.toMs ?? nowMs, nowMs);
  const fromMs = p.fromMs ?? (p.toMs ?? nowMs) - DAY_MS;
  if (!Number.isFinite(toMs) || !Number.isFinite(fromMs)) throw new RangeError('fromMs and toMs must be finite times');
  const window: WindowSql = { from: `make_timestamptz(${Math.ceil(fromMs * 1000)}::BIGINT)`, to: `make_timestamptz(${Math.floor(toMs * 1000)}::BIGINT)` };
  if (fromMs > toMs) return noClusters(p, fromMs, toMs, 0, started);

  // one connection and one snapshot for the points and their members: gids are rowids, which hold within one snapshot
  const points = o.cache ? await o.cache.window(db, Math.ceil(fromMs * 1000), Math.floor(toMs * 1000), signal) : null;
  return inSnapshot(db, signal, async (c) => correlateOn(c, points ?? await readPoints(c, window, signal), p, fromMs, toMs, started, signal, maxPairs, maxCandidates));
}

/**
 * Runs `fn` in a transaction on a reader connection of its own. An abort of `signal` interrupts the
 * work, never the ROLLBACK that ends it: an interrupted ROLLBACK would leave the connection in an
 * aborted transaction and hand it back to the pool so; should the ROLLBACK still fail, it is tried
 * again once.
 */
async function inSnapshot<T>(db: Database, signal: AbortSignal | undefined, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  signal?.throwIfAborted();
  return db.readers.run(async (c) => {
    let working = true;
    const stop = (): void => {
      if (working) c.interrupt();
    };
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await c.run('BEGIN TRANSACTION');
      signal?.throwIfAborted();
      return await fn(c);
    } finally {
      working = false;
      signal?.removeEventListener('abort', stop);
      await c.run('ROLLBACK').catch(() => c.run('ROLLBACK')).catch(() => undefined);
    }
  });
}

/** The answer without clusters. */
function noClusters(p: CorrelationParams, fromMs: number, toMs: number, considered: number, started: number): CorrelationResult {
  return { radiusM: p.radiusM, windowS: p.windowS, fromMs, toMs, considered, clusters: [], elapsedMs: performance.now() - started };
}

async function correlateOn(c: DuckDBConnection, pts: WindowPoints, p: CorrelationParams, fromMs: number, toMs: number, started: number,
  signal: AbortSignal | undefined, maxPairs: number, maxCandidates: number): Promise<CorrelationResult> {
  const f = findPairs(pts, p.radiusM, p.windowS, maxPairs, maxCandidates, signal);
  const n = pts.n;
  // union-find over the points
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
  for (let k = 0; k < f.pa.length; k++) {
    const ri = find(f.pa[k] as number);
    const rj = find(f.pb[k] as number);
    if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
  }
  // the components of the paired points, in typed arrays (a busy week has 10,000s of them)
  const compOf = new Int32Array(n).fill(-1);
  const rootComp = new Int32Array(n).fill(-1);
  let nc = 0;
  const mark = (i: number): void => {
    if (compOf[i] !== -1) return;
    const root = find(i);
    let c = rootComp[root] as number;
    if (c === -1) rootComp[root] = c = nc++;
    compOf[i] = c;
  };
  for (let k = 0; k < f.pa.length; k++) {
    mark(f.pa[k] as number);
    mark(f.pb[k] as number);
  }
  const size = new Int32Array(nc);
  const pairs = new Int32Array(nc);
  const muSum = new Float64Array(nc);
  const minGid = new Float64Array(nc).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const c = compOf[i] as number;
    if (c === -1) continue;
    (size[c] as number)++;
    muSum[c] = (muSum[c] as number) + (f.mu[i] as number);
    if ((pts.gid[i] as number) < (minGid[c] as number)) minGid[c] = pts.gid[i] as number;
  }
  for (let k = 0; k < f.pa.length; k++) (pairs[compOf[f.pa[k] as number] as number] as number)++;
  // members grouped by component (a counting sort), then each component's distinct domains
  const start = new Int32Array(nc + 1);
  for (let c = 0; c < nc; c++) start[c + 1] = (start[c] as number) + (size[c] as number);
  const fill = start.slice(0, nc);
  const member = new Int32Array(start[nc] as number);
  for (let i = 0; i < n; i++) {
    const c = compOf[i] as number;
    if (c !== -1) member[(fill[c] as number)++] = i;
  }
  const membersOf = (c: number): number[] => Array.from(member.subarray(start[c] as number, start[c + 1] as number));
  let dcMax = 0;
  for (let i = 0; i < n; i++) if ((pts.dc[i] as number) > dcMax) dcMax = pts.dc[i] as number;
  const seen = new Int32Array(dcMax + 1).fill(-1);
  const considered = n;
  const gids = pts.gid;

  const scored: { c: number; expectedPairs: number; pValue: number }[] = [];
  for (let c = 0; c < nc; c++) {
    let domains = 0;
    for (let k = start[c] as number; k < (start[c + 1] as number); k++) {
      const d = pts.dc[member[k] as number] as number;
      if (seen[d] !== c) {
        seen[d] = c;
        domains++;
      }
    }
    if (domains < p.minDomains) continue;
    const expectedPairs = (muSum[c] as number) / 2;
    scored.push({ c, expectedPairs, pValue: poissonTail(pairs[c] as number, expectedPairs) });
  }
  scored.sort((x, y) => x.pValue - y.pValue || (size[y.c] as number) - (size[x.c] as number) || (pairs[y.c] as number) - (pairs[x.c] as number)
    || (minGid[x.c] as number) - (minGid[y.c] as number));
  const chosen = scored.slice(0, p.limit);
  if (chosen.length === 0) return noClusters(p, fromMs, toMs, considered, started);
  const byScore = (x: { pValue: number; size: number; pairs: number }, y: { pValue: number; size: number; pairs: number }): number =>
    x.pValue - y.pValue || y.size - x.size || y.pairs - x.pairs;

  // the chosen clusters' members, read back in full
  const wanted = chosen.flatMap((s) => membersOf(s.c));
  const members = await readMembers(c, pts, wanted, signal);
  const clusters: CorrelationCluster[] = [];
  for (const s of chosen) {
    const list = membersOf(s.c).map((i) => members.get(gids[i] as number)).filter((m): m is CorrelationMember => m !== undefined)
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
      pairs: pairs[s.c] as number,
      expectedPairs: s.expectedPairs,
      pValue: s.pValue,
      centroid: { lat: mean(list.map((m) => m.lat)), lon: mean(list.map((m) => m.lon)) },
    });
  }
  clusters.sort((x, y) => byScore({ pValue: x.pValue, size: x.members.length, pairs: x.pairs }, { pValue: y.pValue, size: y.members.length, pairs: y.pairs })
    || x.firstMs - y.firstMs || x.id.localeCompare(y.id));
  return { radiusM: p.radiusM, windowS: p.windowS, fromMs, toMs, considered, clusters, elapsedMs: performance.now() - started };
}

/** The most pairs one correlation reads: beyond, the answer is refused as too large. */
export const MAX_PAIRS = 2_000_000;
/** The most points the sweep meets in one correlation (a crowded or world-wide spread of points): bounds its CPU time. */
export const MAX_CANDIDATES = 50_000_000;
/** The most points one correlation considers (5 numbers each in memory). */
export const MAX_POINTS = 5_000_000;

/** The most points a {@link CorrelationPointsCache} keeps (5 numbers each: 40 bytes): beyond, each correlation reads its window. */
export const MAX_CACHED_POINTS = 2_000_000;

/**
 * Every point of a source that never changes (an opened bundle: verified, read-only), placed and
 * ordered by time once, then sliced by each correlation's window: the analyst moving R, Δt or the
 * window pays the placement (the ASOF joins with the registry) once. Gids are rowids of tables that
 * are never written after the bundle is opened, so they hold across snapshots. A source past
 * {@link MAX_CACHED_POINTS} is not kept (each correlation reads its own window, as on a live engine).
 */
export class CorrelationPointsCache {
  private all: Promise<WindowPoints | null> | null = null;

  constructor(private readonly maxPoints = MAX_CACHED_POINTS) {}

  /**
   * Places the points now, in the background (a bundle just opened: the analyst's first correlation
   * then finds them ready). A failure is not kept: the first correlation loads again and says why.
   */
  preload(db: Database): void {
    void this.loading(db).catch(() => undefined);
  }

  /**
   * The points with `fromUs` ≤ us ≤ `toUs`, or null when the source is too big to keep. The load is
   * shared by every caller and tied to none: it runs on a connection of its own, and a caller that
   * leaves stops waiting for it without stopping it for the others.
   */
  async window(db: Database, fromUs: number, toUs: number, signal: AbortSignal | undefined): Promise<WindowPoints | null> {
    signal?.throwIfAborted();
    const load = this.loading(db);
    const all = signal
      ? await new Promise<WindowPoints | null>((resolve, reject) => {
        const left = (): void => reject(signal.reason);
        signal.addEventListener('abort', left, { once: true });
        load.then(resolve, reject).finally(() => signal.removeEventListener('abort', left));
      })
      : await load;
    if (!all) return null;
    const first = lowerBound(all.us, fromUs);
    const end = lowerBound(all.us, toUs + 1);
    const part = <T extends Float64Array | Int32Array>(a: T): T => a.subarray(first, Math.max(first, end)) as T;
    return { n: Math.max(0, end - first), gid: part(all.gid), us: part(all.us), dc: part(all.dc), lat: part(all.lat), lon: part(all.lon) };
  }

  /** The shared load, made when none is kept; a load that failed is not kept (the next caller loads again). */
  private loading(db: Database): Promise<WindowPoints | null> {
    if (this.all) return this.all;
    const load = inSnapshot(db, undefined, (c) => this.load(c, undefined));
    this.all = load;
    load.catch(() => {
      if (this.all === load) this.all = null;
    });
    return load;
  }

  private async load(c: DuckDBConnection, signal: AbortSignal | undefined): Promise<WindowPoints | null> {
    try {
      return await readPoints(c, { from: 'CAST(NULL AS TIMESTAMPTZ)', to: 'CAST(NULL AS TIMESTAMPTZ)' }, signal, this.maxPoints);
    } catch (e) {
      if (e instanceof QueryRefused && e.code === 'too_large') return null;
      throw e;
    }
  }
}

/** The first index whose value is ≥ x in an ascending array (its length when none is). */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The window's points, ordered by time, with their gids. */
interface WindowPoints extends Points {
  gid: Float64Array;
}

/**
 * The window's points (pointsSql), ordered by time, read on a connection of the read pool vector by
 * vector into typed arrays: numbers only (the domain as its code, in name order), no JS value per
 * cell. An abort interrupts the query and stops the reading; past {@link MAX_POINTS} the answer is
 * refused as too large.
 */
async function readPoints(c: DuckDBConnection, args: WindowSql, signal: AbortSignal | undefined, maxPoints = MAX_POINTS): Promise<WindowPoints> {
  // the domain as its place in the contract's list (name order); should a domain outside it appear (an old or a hostile
  // bundle), the statement is run again naming every domain of the window in name order instead
  const fast = await readPointRows(c, placedPointsSql(args, [...DOMAINS].sort()), signal, maxPoints);
  const r = !fast.dc.includes(0) ? fast : await readPointRows(c, `WITH ${pointsSql(args, false)},
doms AS (SELECT domain, CAST(row_number() OVER (ORDER BY domain) AS INTEGER) AS dc FROM (SELECT DISTINCT domain FROM pts))
SELECT CAST(p.gid AS DOUBLE), CAST(p.us AS DOUBLE), d.dc, p.lat, p.lon FROM pts p JOIN doms d ON d.domain = p.domain`, signal, maxPoints);
  // in time order (the sweep's)
  const order = timeOrder(r.us);
  const n = r.n;
  const f64 = (a: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = a[order[i] as number] as number;
    return out;
  };
  const dc = new Int32Array(n);
  for (let i = 0; i < n; i++) dc[i] = r.dc[order[i] as number] as number;
  return { n, gid: f64(r.gid), us: f64(r.us), dc, lat: f64(r.lat), lon: f64(r.lon) };
}

/**
 * Copies a column of numbers without NULLs into `out` at `at`: the vector's own typed array when it
 * exposes one of the same kind (DuckDB's DOUBLE and INTEGER vectors hold their values in one), item
 * by item otherwise.
 */
function copyColumn(v: DuckDBVector, out: Float64Array | Int32Array, at: number, rows: number): void {
  const items = (v as unknown as { items?: unknown }).items;
  if ((items instanceof Float64Array || items instanceof Int32Array) && items.constructor === out.constructor && items.length === rows) {
    out.set(items, at);
    return;
  }
  for (let i = 0; i < rows; i++) out[at + i] = Number(v.getItem(i));
}

/** Reads (gid, us, dc, lat, lon) rows, none NULL, into typed arrays, vector by vector. */
async function readPointRows(c: DuckDBConnection, sql: string, signal: AbortSignal | undefined, maxPoints: number): Promise<WindowPoints> {
  {
    const result = await c.run(sql);
    let cap = 1 << 16;
    let gid = new Float64Array(cap), us = new Float64Array(cap), dc = new Int32Array(cap), lat = new Float64Array(cap), lon = new Float64Array(cap);
    let n = 0;
    for (;;) {
      signal?.throwIfAborted();
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const rows = chunk.rowCount;
      if (n + rows > maxPoints) throw new QueryRefused('too_large', `more than ${maxPoints} events and alarms with a place in the window: narrow the window`);
      if (n + rows > cap) {
        cap = Math.min(Math.max(cap * 4, n + rows), maxPoints);
        const grow = <T extends Float64Array | Int32Array>(a: T, b: T): T => { b.set(a); return b; };
        gid = grow(gid, new Float64Array(cap)); us = grow(us, new Float64Array(cap)); dc = grow(dc, new Int32Array(cap));
        lat = grow(lat, new Float64Array(cap)); lon = grow(lon, new Float64Array(cap));
      }
      const [vg, vu, vd, va, vo] = [0, 1, 2, 3, 4].map((i) => chunk.getColumnVector(i));
      if (!vg || !vu || !vd || !va || !vo) throw new Error('correlation: unexpected result shape');
      copyColumn(vg, gid, n, rows);
      copyColumn(vu, us, n, rows);
      copyColumn(vd, dc, n, rows);
      copyColumn(va, lat, n, rows);
      copyColumn(vo, lon, n, rows);
      n += rows;
    }
    return { n, gid: gid.subarray(0, n), us: us.subarray(0, n), dc: dc.subarray(0, n), lat: lat.subarray(0, n), lon: lon.subarray(0, n) };
  }
}

/** The members with these gids, in full (their kind, id, time, place, level and what). */
async function readMembers(c: DuckDBConnection, pts: WindowPoints, idx: number[], signal: AbortSignal | undefined): Promise<Map<number, CorrelationMember>> {
  signal?.throwIfAborted();
  const at = new Map<number, number>(idx.map((i) => [pts.gid[i] as number, i]));
  const gids = [...at.keys()];
  const events = gids.filter((g) => g % 2 === 0).map((g) => g / 2);
  const alarms = gids.filter((g) => g % 2 === 1).map((g) => (g - 1) / 2);
  // a semi join on a list, not `IN (1, 2, …)`: thousands of constants would be planned as a chain of comparisons
  const inList = (ids: number[]): string => (ids.length === 0 ? 'false' : `rowid IN (SELECT unnest([${ids.join(', ')}]::BIGINT[]))`);
  const r = await c.runAndReadAll(`SELECT CAST(rowid * 2 AS DOUBLE) AS gid, 'event' AS kind, msg_id AS id, CAST(epoch_ms(ts) AS DOUBLE) AS ts_ms, domain, district, asset,
      severity AS level, title AS what FROM events WHERE ${inList(events)}
    UNION ALL SELECT CAST(rowid * 2 + 1 AS DOUBLE), 'alarm', point, CAST(epoch_ms(ts) AS DOUBLE), domain, district, asset, priority, rule FROM alarm_log WHERE ${inList(alarms)}`);
  const out = new Map<number, CorrelationMember>();
  for (const row of r.getRowObjects()) {
    const gid = Number(row['gid']);
    const i = at.get(gid);
    if (i === undefined) continue;
    out.set(gid, {
      kind: row['kind'] === 'alarm' ? 'alarm' : 'event', id: String(row['id']), tsMs: Number(row['ts_ms']),
      domain: String(row['domain']), district: String(row['district']), asset: row['asset'] === null ? null : String(row['asset']),
      lat: pts.lat[i] as number, lon: pts.lon[i] as number, level: String(row['level']), what: String(row['what']),
    });
  }
  return out;
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
