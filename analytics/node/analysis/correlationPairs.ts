import { QueryRefused } from '../queries/queryGate.js';
import { DISTANCE_TOLERANCE_M, EARTH_RADIUS_M } from './correlationSql.js';

/**
 * The pair finder of the engine's correlation, in typed arrays: the same pairs as the SQL grid join
 * of correlationSql.ts (the `correlated_pairs` macro; the tests hold the two and a brute force to
 * the same answer), without a join. The points arrive ordered by time; a sweep keeps, per grid cell,
 * the points of the last Δt in time order, and each point meets the points of its own and its 8
 * neighbouring cells that are still within Δt of it: every candidate is already within Δt, and each
 * pair is met once (by its later point). The exact tests are the SQL's: the difference of the times
 * in whole microseconds ≤ Δt, and the haversine's h ≤ sin²((R + 1 mm)/2E).
 *
 * Cells are R (plus 1 cm) tall and as wide, in longitude, as the largest longitude difference a pair
 * within R can have at the window's most poleward latitude (see pairsSql); should the window's
 * extent need more than {@link MAX_CELLS} cells, only the occupied ones are numbered (see grid).
 */

/** The points of one window, ordered by `us` (ascending). */
export interface Points {
  n: number;
  /** Epoch microseconds (whole). */
  us: Float64Array;
  /** Degrees. */
  lat: Float64Array;
  lon: Float64Array;
  /** The domain's code: equal codes, same domain. */
  dc: Int32Array;
}

export interface PairFinding {
  /** The pairs, as indices into the points (`pa` earlier or equal in time). */
  pa: Int32Array;
  pb: Int32Array;
  /** Every point's expected number of chance partners μ (see correlation.ts). */
  mu: Float64Array;
  /** Points met by the sweep (each within Δt before another in a neighbouring cell): what the bound counts. */
  candidates: number;
}

/** The most grid cells one sweep allocates (two Int32 each, plus a count). */
export const MAX_CELLS = 2_000_000;
/** The most time buckets of the baseline's counts per domain. */
const MAX_BUCKETS = 1_000_000;
/** Added to R for the cell size, so that rounding never puts a pair within R two cells apart. */
const CELL_MARGIN_M = 0.01;

/**
 * Every pair of points of different domains within `radiusM` metres and `windowS` seconds, and each
 * point's μ. Refuses (`too_large`) past `maxPairs` pairs or `maxCandidates` candidates (a place
 * crowded by a broken or hostile feed); checks `signal` as it goes.
 */
export function findPairs(p: Points, radiusM: number, windowS: number, maxPairs: number, maxCandidates: number, signal?: AbortSignal): PairFinding {
  const { n, us, lat, lon, dc } = p;
  const E = EARTH_RADIUS_M;
  const wu = Math.max(Math.round(windowS * 1e6), 1);
  const hmax = Math.sin((radiusM + DISTANCE_TOLERANCE_M) / (2 * E)) ** 2;
  const mu = new Float64Array(n);
  if (n === 0) return { pa: new Int32Array(0), pb: new Int32Array(0), mu, candidates: 0 };

  let lat0 = Infinity, lat1 = -Infinity, lon0 = Infinity, lon1 = -Infinity, maxAbsLat = 0, dcMax = 0;
  for (let i = 0; i < n; i++) {
    const a = lat[i] as number, o = lon[i] as number;
    if (a < lat0) lat0 = a;
    if (a > lat1) lat1 = a;
    if (o < lon0) lon0 = o;
    if (o > lon1) lon1 = o;
    if (Math.abs(a) > maxAbsLat) maxAbsLat = Math.abs(a);
    if ((dc[i] as number) > dcMax) dcMax = dc[i] as number;
  }
  const rr = radiusM + CELL_MARGIN_M;
  const dlat0 = (rr / E) * (180 / Math.PI);
  const sHalf = Math.sin(rr / (2 * E));
  const cMax = Math.cos((Math.min(maxAbsLat + 1e-6, 90) * Math.PI) / 180);
  const dlon0 = sHalf >= cMax ? 360 : Math.min(360, 2 * Math.asin(sHalf / cMax) * (180 / Math.PI));
  // the baseline's grid: cells R (+1 cm) tall and as wide as the longitude a pair within R can span (see pairsSql); the
  // sweep's grid: cells twice as large on both axes, so that the disc of R round a point meets at most 2 × 2 of them — the
  // point's own cell and, on each axis, the neighbour on the side of the cell's middle it lies (the far edge is then more
  // than half a cell, more than R, away). Each grid is a dense array when the window's extent needs at most MAX_CELLS
  // cells, otherwise (a point far from the others: a device reporting 0°, 0°) only its occupied cells, numbered in a map.
  const dlat = dlat0;
  const dlon = Math.min(360, dlon0);
  const sy = Math.min(180, 2 * dlat);
  const sx = Math.min(360, 2 * dlon);
  const phi = new Float64Array(n);
  const lam = new Float64Array(n);
  const cphi = new Float64Array(n);
  const block = new Int32Array(n);
  const home = new Int32Array(n);
  const near = new Int32Array(4 * n);
  let homeCells = 0;
  {
    // cells aligned on the globe (from 180° W, 90° S), not on the window's corner: a point added far away moves no cell
    const rx = new Int32Array(n), ry = new Int32Array(n), hx = new Int32Array(n), hy = new Int32Array(n);
    const rx0 = Math.floor((lon0 + 180) / dlon) - 1, ry0 = Math.floor((lat0 + 90) / dlat) - 1;
    const hx0 = Math.floor((lon0 + 180) / sx) - 1, hy0 = Math.floor((lat0 + 90) / sy) - 1;
    for (let i = 0; i < n; i++) {
      const x = (lon[i] as number) + 180, y = (lat[i] as number) + 90;
      rx[i] = Math.floor(x / dlon) - rx0;
      ry[i] = Math.floor(y / dlat) - ry0;
      const fx = x / sx, fy = y / sy;
      const gx = Math.floor(fx), gy = Math.floor(fy);
      hx[i] = gx - hx0;
      hy[i] = gy - hy0;
      // the neighbours to visit: -1 or +1 on each axis, packed (bit 0: x, bit 1: y; set means +1)
      home[i] = (fx - gx < 0.5 ? 0 : 1) | (fy - gy < 0.5 ? 0 : 2);
      const f = ((lat[i] as number) * Math.PI) / 180;
      phi[i] = f;
      lam[i] = ((lon[i] as number) * Math.PI) / 180;
      cphi[i] = Math.cos(f);
    }
    // the baseline's count of the 3 × 3 cells round each point
    const cells = grid(rx, ry, Math.floor((lon1 + 180) / dlon) - rx0 + 2, Math.floor((lat1 + 90) / dlat) - ry0 + 2);
    const perCell = new Int32Array(cells.count);
    for (let i = 0; i < n; i++) (perCell[cells.id[i] as number] as number)++;
    const cny = cells.ny;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      if (cells.ids === null) {
        const c = cells.id[i] as number;
        for (let dx = -cny; dx <= cny; dx += cny) sum += (perCell[c + dx - 1] as number) + (perCell[c + dx] as number) + (perCell[c + dx + 1] as number);
      } else {
        for (let dx = -1; dx <= 1; dx++) {
          for (let dy = -1; dy <= 1; dy++) {
            const k = cells.ids.get(cellKey((rx[i] as number) + dx, (ry[i] as number) + dy));
            if (k !== undefined) sum += perCell[k] as number;
          }
        }
      }
      block[i] = sum;
    }
    // the sweep's cells: each point's own, and the 4 it visits (-1: a cell no point is in)
    const sweep = grid(hx, hy, Math.floor((lon1 + 180) / sx) - hx0 + 2, Math.floor((lat1 + 90) / sy) - hy0 + 2);
    const sny = sweep.ny;
    for (let i = 0; i < n; i++) {
      const sd = home[i] as number;
      const ox = (sd & 1) === 0 ? -1 : 1, oy = (sd & 2) === 0 ? -1 : 1;
      const c = sweep.id[i] as number;
      near[4 * i] = c;
      if (sweep.ids === null) {
        near[4 * i + 1] = c + ox * sny;
        near[4 * i + 2] = c + oy;
        near[4 * i + 3] = c + ox * sny + oy;
      } else {
        const x = hx[i] as number, y = hy[i] as number;
        near[4 * i + 1] = sweep.ids.get(cellKey(x + ox, y)) ?? -1;
        near[4 * i + 2] = sweep.ids.get(cellKey(x, y + oy)) ?? -1;
        near[4 * i + 3] = sweep.ids.get(cellKey(x + ox, y + oy)) ?? -1;
      }
      home[i] = c;
    }
    homeCells = sweep.count;
  }

  // the sweep. The points are laid out again cell by cell, in time order within a cell (a stable counting sort of the
  // time-ordered points), so that each cell's points of the last Δt are one contiguous run [lo, hi): hi moves on as the
  // cell's points are reached, lo as they fall more than Δt behind (they are then behind every later point too).
  const cells = homeCells;
  const perHome = new Int32Array(cells);
  for (let i = 0; i < n; i++) (perHome[home[i] as number] as number)++;
  const lo = new Int32Array(cells);
  for (let k = 1; k < cells; k++) lo[k] = (lo[k - 1] as number) + (perHome[k - 1] as number);
  const hi = lo.slice();
  const at = lo.slice();
  const cus = new Float64Array(n), cphi2 = new Float64Array(n), clam = new Float64Array(n), ccos = new Float64Array(n);
  const cdc = new Int32Array(n), cix = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const q = (at[home[i] as number] as number);
    at[home[i] as number] = q + 1;
    cus[q] = us[i] as number;
    cphi2[q] = phi[i] as number;
    clam[q] = lam[i] as number;
    ccos[q] = cphi[i] as number;
    cdc[q] = dc[i] as number;
    cix[q] = i;
  }
  let pa = new Int32Array(1024);
  let pb = new Int32Array(1024);
  let pairs = 0;
  let candidates = 0;
  const maxDphi = rr / E;
  const tooMany = (): QueryRefused => new QueryRefused('too_large', `more than ${maxPairs} pairs of events and alarms close in place and time: narrow the distance, the time apart or the window`);
  for (let i = 0; i < n; i++) {
    if ((i & 0x3fff) === 0) signal?.throwIfAborted();
    const ui = us[i] as number, di = dc[i] as number, fi = phi[i] as number, li = lam[i] as number, ci = cphi[i] as number;
    const c = home[i] as number;
    for (let v = 0; v < 4; v++) {
      const k = near[4 * i + v] as number;
      if (k < 0) continue;
      let m = lo[k] as number;
      const end = hi[k] as number;
      while (m < end && ui - (cus[m] as number) > wu) m++;
      lo[k] = m;
      // every point met counts against the bound, of its own domain too (a crowd of one domain at one place is work as well)
      candidates += end - m;
      for (; m < end; m++) {
        if ((cdc[m] as number) === di) continue;
        const dy = fi - (cphi2[m] as number);
        if (Math.abs(dy) > maxDphi) continue;
        const dl = li - (clam[m] as number);
        const cc = (ccos[m] as number) * ci;
        // a cheap bound first: for |x| < 1e-3, sin²(x/2) ≥ 0.999999·x²/4, so a candidate whose bound is past hmax is out
        if (Math.abs(dl) < 1e-3 && 0.249_999_75 * (dy * dy + cc * dl * dl) > hmax) continue;
        const s1 = Math.sin(dy / 2);
        const s2 = Math.sin(dl / 2);
        if (s1 * s1 + cc * s2 * s2 > hmax) continue;
        if (pairs === pa.length) {
          if (pairs >= maxPairs) throw tooMany();
          const grow = Math.min(pairs * 2, maxPairs + 1);
          const na = new Int32Array(grow);
          na.set(pa);
          pa = na;
          const nb = new Int32Array(grow);
          nb.set(pb);
          pb = nb;
        }
        pa[pairs] = cix[m] as number;
        pb[pairs] = i;
        pairs++;
      }
    }
    if (candidates > maxCandidates) {
      throw new QueryRefused('too_large', `more than ${maxCandidates} candidate pairs to test: the points are too crowded or too widely spread for this distance and time apart; narrow the window`);
    }
    if (pairs > maxPairs) throw tooMany();
    hi[c] = (hi[c] as number) + 1;
  }

  baseline(p, { wu, radiusM, dlat, dlon, block, cphi, dcMax }, mu);
  return { pa: pa.slice(0, pairs), pb: pb.slice(0, pairs), mu, candidates };
}

/**
 * μ(x) = S(x) · T(x) / N (docs/analysis.md#the-score): N the window's points of domains other than
 * x's; T(x) of them within Δt of x, from the counts of x's time bucket (Δt wide from the first
 * point) and of its two neighbours, the neighbours' in proportion to their part within Δt of x (times
 * uniform within a bucket); S(x) the expected number of them within R of x, from the count of x's
 * block of 3 × 3 cells (places uniform within a block) times πR² over the block's area.
 */
function baseline(p: Points, g: { wu: number; radiusM: number; dlat: number; dlon: number; block: Int32Array; cphi: Float64Array; dcMax: number }, mu: Float64Array): void {
  const { n, us, dc } = p;
  const us0 = us[0] as number;
  const span = (us[n - 1] as number) - us0;
  const nd = g.dcMax + 1;
  // buckets × domains bounded (a bundle may name thousands of domains over a long span): wider buckets beyond
  const wb = g.wu * Math.max(1, Math.ceil((span / g.wu + 3) / Math.max(1, Math.floor(MAX_BUCKETS / nd))));
  const nt = Math.floor(span / wb) + 4;
  const perBucketDomain = new Int32Array(nt * nd);
  const perBucket = new Int32Array(nt);
  const perDomain = new Int32Array(nd);
  const bucket = new Int32Array(n);
  // buckets aligned on the epoch, not on the window's first point (a point added earlier moves no bucket)
  const b0 = Math.floor(us0 / wb) - 1;
  for (let i = 0; i < n; i++) {
    const b = Math.floor((us[i] as number) / wb) - b0;
    bucket[i] = b;
    (perBucketDomain[b * nd + (dc[i] as number)] as number)++;
    (perBucket[b] as number)++;
    (perDomain[dc[i] as number] as number)++;
  }
  const rad = Math.PI / 180;
  const area = 9 * g.dlat * rad * g.dlon * rad * EARTH_RADIUS_M ** 2;
  const disc = Math.PI * g.radiusM ** 2;
  const { block, cphi, wu } = g;
  for (let i = 0; i < n; i++) {
    const d = dc[i] as number, b = bucket[i] as number;
    const others = n - (perDomain[d] as number);
    if (others === 0) continue;
    const oth0 = (perBucket[b] as number) - (perBucketDomain[b * nd + d] as number);
    const othM = (perBucket[b - 1] as number) - (perBucketDomain[(b - 1) * nd + d] as number);
    const othP = (perBucket[b + 1] as number) - (perBucketDomain[(b + 1) * nd + d] as number);
    const off = (((us[i] as number) % wb) + wb) % wb;
    const near = (oth0 * (Math.min(wb, off + wu) - Math.max(0, off - wu)) + othM * Math.max(0, wu - off) + othP * Math.max(0, off + wu - wb)) / wb;
    mu[i] = (((block[i] as number) - 1) * disc) / (area * (cphi[i] as number)) * near / others;
  }
}

/**
 * The permutation that orders `us` ascending, stable, exactly for any finite doubles: an LSD radix
 * sort on four 16-bit digits of each value's IEEE 754 bits made to sort as unsigned integers (the
 * sign bit flipped for a positive value, every bit for a negative one), skipping digits all share.
 */
export function timeOrder(us: Float64Array): Int32Array {
  const n = us.length;
  const bits = new Uint32Array(Float64Array.from(us).buffer);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  // little- or big-endian: the word holding the sign is the high one
  const h = new Uint32Array(new Float64Array([-0]).buffer)[0] === 0 ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const a = bits[2 * i + 1 - h] as number, b = bits[2 * i + h] as number;
    const negative = (b & 0x8000_0000) !== 0;
    lo[i] = negative ? ~a >>> 0 : a;
    hi[i] = negative ? ~b >>> 0 : (b | 0x8000_0000) >>> 0;
  }
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let spare = new Int32Array(n);
  const count = new Int32Array(0x10000 + 1);
  const digit = new Int32Array(n);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi;
    const shift = (pass % 2) * 16;
    for (let i = 0; i < n; i++) digit[i] = ((word[i] as number) >>> shift) & 0xffff;
    count.fill(0);
    for (let i = 0; i < n; i++) (count[(digit[i] as number) + 1] as number)++;
    if (count[((digit[0] ?? 0) as number) + 1] === n) continue;
    for (let d = 0; d < 0x10000; d++) count[d + 1] = (count[d + 1] as number) + (count[d] as number);
    for (let i = 0; i < n; i++) {
      const j = order[i] as number;
      spare[(count[digit[j] as number] as number)++] = j;
    }
    [order, spare] = [spare, order];
  }
  return order;
}

/** A cell's key in a map: exact in a double (y < 2^26: 180° in cells of at least 1 m is 2·10^7). */
const cellKey = (x: number, y: number): number => x * 67_108_864 + y;

/**
 * A grid's cells for points at integer cell coordinates (x, y), 1-based with a free row and column on
 * every side: `id` each point's cell, `count` the cells numbered. Dense (x · ny + y, `ids` null) when
 * `nx · ny` ≤ MAX_CELLS; otherwise only the occupied cells, numbered in `ids` by {@link cellKey}, so
 * that a point far from the rest costs a cell, not the whole rectangle between them.
 */
function grid(x: Int32Array, y: Int32Array, nx: number, ny: number): { id: Int32Array; count: number; ny: number; ids: Map<number, number> | null } {
  const n = x.length;
  const id = new Int32Array(n);
  if (nx * ny <= MAX_CELLS) {
    for (let i = 0; i < n; i++) id[i] = (x[i] as number) * ny + (y[i] as number);
    return { id, count: nx * ny, ny, ids: null };
  }
  const ids = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const k = cellKey(x[i] as number, y[i] as number);
    let c = ids.get(k);
    if (c === undefined) ids.set(k, (c = ids.size));
    id[i] = c;
  }
  return { id, count: ids.size, ny, ids };
}
