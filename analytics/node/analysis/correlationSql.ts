/**
 * The SQL of the cross-lifeline correlation (docs/analysis.md#correlation-across-lifelines): events
 * and raised alarms of different domains within R metres and Δt of each other.
 *
 * No spatial extension (none can be installed offline): the candidate pairs come from equality joins
 * on integer grid cells at least as large as R on both axes and on time buckets Δt wide, each point
 * meeting the 3 × 3 × 3 neighbouring (cell, bucket) keys; the exact haversine distance and the exact
 * time difference then decide. The same text serves the engine's `correlation` query
 * (correlation.ts) and the analyst's table macro `correlated_pairs` (correlationMacros).
 *
 * Boundaries, exactly: a pair is in when its haversine distance is ≤ R + 1 mm
 * ({@link DISTANCE_TOLERANCE_M}: the floating-point rounding of the formula, far below the 0.1 m of
 * a coordinate given to 6 decimals) and the difference of its times, in whole microseconds as
 * DuckDB stores them, is ≤ Δt. A pair at exactly R metres or exactly Δt apart is in; one 0.1 m or
 * one microsecond further is out.
 */

/** Mean earth radius (IUGG), metres: the haversine's sphere. */
export const EARTH_RADIUS_M = 6_371_008.8;
/** Default R: metres. */
export const DEFAULT_RADIUS_M = 200;
/** Default Δt: seconds (2 h). */
export const DEFAULT_WINDOW_S = 7_200;
/** A pair at distance ≤ R + this is within R (floating-point rounding of the haversine). */
export const DISTANCE_TOLERANCE_M = 0.001;
/** Added to R for the grid's cell size, so that rounding never puts a pair within R two cells apart. */
const CELL_MARGIN_M = 0.01;

/**
 * The expressions a pair query is built from: SQL text (macro parameter names or validated numeric
 * literals). `from`/`to` are TIMESTAMPTZ expressions; NULL leaves that side of the window open.
 */
export interface PairSqlArgs {
  radiusM: string;
  windowS: string;
  from: string;
  to: string;
}

/** Per-branch extra filters of the points (e.g. `e.rowid IN (...)`): used to read a few members back. */
export interface PointFilters {
  events?: string;
  alarms?: string;
}

/**
 * Every event and raised alarm with a place in the window, as one relation `pts`:
 * `gid` (BIGINT, rowid·2 for an event, rowid·2 + 1 for an alarm: unique in one snapshot), `us`
 * (epoch microseconds), `domain`, `lat`, `lon`; with `detail` also `kind`, `id`, `ts`, `district`,
 * `asset`, `level`, `what`.
 *
 * An event's place is its own lat/lon when both are given, otherwise its asset's place as of the
 * event (the latest `asset_versions` row of its (domain, district, asset) at or before its time);
 * an alarm's place is its asset's place as of the raise (`alarm_log` rows with `active`: the
 * raises; clears are not occurrences). Without either, the point has no place and is left out; so is
 * one at an infinite instant, and one poleward of 80° (a cell there spans many times its height in
 * longitude: one such point, a broken feed's, would widen every cell of the window).
 */
export function pointsSql(a: Pick<PairSqlArgs, 'from' | 'to'>, detail: boolean, only: PointFilters = {}): string {
  const win = (col: string): string => `(${a.from} IS NULL OR ${col} >= ${a.from}) AND (${a.to} IS NULL OR ${col} <= ${a.to})`;
  const and = (s: string | undefined): string => (s ? ` AND (${s})` : '');
  const more = (kind: string, id: string, level: string, what: string, t: string): string => detail
    ? `, '${kind}' AS kind, ${t}.${id} AS id, ${t}.ts, ${t}.district, ${t}.asset, ${t}.${level} AS level, ${t}.${what} AS what` : '';
  const carried = detail ? ', n.kind, n.id, n.ts, n.district, n.asset, n.level, n.what' : '';
  // The asset's place as of a time: an ASOF join partitioned on a 64-bit hash of (domain, district, asset) — three
  // VARCHAR partition keys make DuckDB's ASOF several times slower — then the strings compared: a hash collision
  // could only leave a point out (its place taken from another asset's record is refused), never misplace it.
  return `pts_own AS (
  SELECT e.rowid * 2 AS gid, epoch_us(e.ts) AS us, e.domain, e.lat, e.lon${more('event', 'msg_id', 'severity', 'title', 'e')}
  FROM events e WHERE isfinite(e.ts) AND ${win('e.ts')} AND e.lat IS NOT NULL AND e.lon IS NOT NULL${and(only.events)}
),
pts_need AS (
  SELECT e.rowid * 2 AS gid, e.ts AS t, e.domain AS dm, e.district AS ds, e.asset AS at, hash(e.domain, e.district, e.asset) AS h${more('event', 'msg_id', 'severity', 'title', 'e')}
  FROM events e WHERE isfinite(e.ts) AND ${win('e.ts')} AND (e.lat IS NULL OR e.lon IS NULL) AND e.asset IS NOT NULL${and(only.events)}
  UNION ALL
  SELECT a.rowid * 2 + 1, a.ts, a.domain, a.district, a.asset, hash(a.domain, a.district, a.asset)${more('alarm', 'point', 'priority', 'rule', 'a')}
  FROM alarm_log a WHERE a.active AND isfinite(a.ts) AND ${win('a.ts')}${and(only.alarms)}
),
pts_ver AS (
  SELECT hash(domain, district, asset) AS h, ts AS t, domain AS dm, district AS ds, asset AS at, lat, lon FROM asset_versions
  WHERE (${a.to} IS NULL OR ts <= ${a.to})
),
pts_placed AS (
  SELECT n.gid, epoch_us(n.t) AS us, n.dm AS domain, v.lat, v.lon${carried}
  FROM pts_need n ASOF JOIN pts_ver v ON v.h = n.h AND n.t >= v.t
  WHERE v.dm = n.dm AND v.ds = n.ds AND v.at = n.at
),
pts AS (
  SELECT * FROM (SELECT * FROM pts_own UNION ALL BY NAME SELECT * FROM pts_placed)
  WHERE lat BETWEEN -80 AND 80 AND lon BETWEEN -180 AND 180
)`;
}

/**
 * The same points as {@link pointsSql} without detail, as fixed-width columns only — `gid`, `us`
 * (DOUBLE), `dc` (INTEGER: the domain's 1-based place in `domains`, 0 for a domain not in it),
 * `lat`, `lon` — for the engine's correlation, which reads them into typed arrays. The ASOF join with
 * the registry carries no strings: its partition key is a 64-bit hash of (domain, district, asset)
 * and a second, independent hash is compared after it, so a point is placed by another asset's record
 * only if two assets agreed on both 64-bit hashes.
 */
export function placedPointsSql(a: Pick<PairSqlArgs, 'from' | 'to'>, domains: readonly string[]): string {
  const win = (col: string): string => `(${a.from} IS NULL OR ${col} >= ${a.from}) AND (${a.to} IS NULL OR ${col} <= ${a.to})`;
  const list = `[${domains.map((d) => `'${d.replace(/'/g, "''")}'`).join(', ')}]`;
  const dc = (t: string): string => `CAST(coalesce(list_position(${list}, ${t}.domain), 0) AS INTEGER)`;
  const h2 = (t: string): string => `hash(${t}asset, ${t}district, ${t}domain, 'place')`;
  return `WITH own AS (
  SELECT CAST(e.rowid * 2 AS DOUBLE) AS gid, CAST(epoch_us(e.ts) AS DOUBLE) AS us, ${dc('e')} AS dc, e.lat, e.lon
  FROM events e WHERE isfinite(e.ts) AND ${win('e.ts')} AND e.lat IS NOT NULL AND e.lon IS NOT NULL
),
need AS (
  SELECT e.rowid * 2 AS gid, e.ts AS t, ${dc('e')} AS dc, hash(e.domain, e.district, e.asset) AS h, ${h2('e.')} AS h2
  FROM events e WHERE isfinite(e.ts) AND ${win('e.ts')} AND (e.lat IS NULL OR e.lon IS NULL) AND e.asset IS NOT NULL
  UNION ALL
  SELECT a.rowid * 2 + 1, a.ts, ${dc('a')}, hash(a.domain, a.district, a.asset), ${h2('a.')}
  FROM alarm_log a WHERE a.active AND isfinite(a.ts) AND ${win('a.ts')}
),
ver AS (
  SELECT hash(domain, district, asset) AS h, ${h2('')} AS h2, ts AS t, lat, lon FROM asset_versions WHERE (${a.to} IS NULL OR ts <= ${a.to})
),
placed AS (
  SELECT CAST(n.gid AS DOUBLE) AS gid, CAST(epoch_us(n.t) AS DOUBLE) AS us, n.dc, v.lat, v.lon
  FROM need n ASOF JOIN ver v ON v.h = n.h AND n.t >= v.t WHERE v.h2 = n.h2
)
SELECT gid, us, dc, lat, lon FROM (SELECT * FROM own UNION ALL SELECT * FROM placed) WHERE lat BETWEEN -80 AND 80 AND lon BETWEEN -180 AND 180`;
}

/** Δt in whole microseconds (at least 1), as a SQL expression. */
export function windowUsSql(windowS: string): string {
  return `greatest(CAST(round(CAST(${windowS} AS DOUBLE) * 1e6) AS BIGINT), 1)`;
}

/**
 * The CTEs of the pair finder, after {@link pointsSql}: `grid` (cell size `dlat`, `dlon` in degrees,
 * bucket width `wb` in µs, the origin and the strides of the packed key), `doms` (each domain's
 * small integer code `dc`, in name order), `cells` (each point with `dc`, its cell `cx`, `cy`,
 * bucket `tb`, packed key `k`, radians and cos of its latitude), `pairs` (`ag`, `bg`: the two gids,
 * each unordered pair once; `dus`: b's time minus a's in µs; `distance_m`).
 *
 * The cell is R (plus 1 cm) tall in latitude and, in longitude, as wide as the largest longitude
 * difference a pair within R can have at the most poleward latitude of the window:
 * 2·asin(sin(R/2E)/cos φmax) — from the haversine, cos φ1·cos φ2·sin²(Δλ/2) ≤ sin²(d/2E). So a pair
 * within R always lies in the same or neighbouring cells, at any latitude below the pole (near it,
 * one cell spans the globe: slower, still exact). Longitudes do not wrap at ±180°. Buckets are Δt
 * wide from the window's first point: a pair within Δt lies in the same or neighbouring buckets.
 * (cell, bucket) is packed into one BIGINT, with a free row on every side so that a neighbour never
 * wraps; should the window's extent not fit in 61 bits (a world-wide window at a small R), cells
 * and buckets are made larger, which only adds candidates. Each point looks up only the half of its
 * 26 neighbouring keys that come after its own (13 keys), and its own key for points of a larger
 * gid, so each pair is met exactly once.
 */
export function pairsSql(a: PairSqlArgs): string {
  const E = EARTH_RADIUS_M;
  const rr = `(CAST(${a.radiusM} AS DOUBLE) + ${CELL_MARGIN_M})`;
  const wu = windowUsSql(a.windowS);
  // d ≤ R + tol ⟺ the haversine's h ≤ sin²((R + tol) / 2E): d = 2E·asin(√h) grows with h, so no asin or √ per candidate
  const hmax = `pow(sin((CAST(${a.radiusM} AS DOUBLE) + ${DISTANCE_TOLERANCE_M}) / ${2 * E}), 2)`;
  return `grid0 AS (
  SELECT e.*, degrees(${rr} / ${E}) AS dlat0,
         CASE WHEN sin(${rr} / ${2 * E}) >= cos(radians(least(e.maxlat + 1e-6, 90.0))) THEN 360.0
              ELSE least(360.0, degrees(2 * asin(sin(${rr} / ${2 * E}) / cos(radians(least(e.maxlat + 1e-6, 90.0)))))) END AS dlon0,
         ${wu} * greatest(1, CAST(ceil(e.usspan / ${wu} / 2.0 ^ 40) AS BIGINT)) AS wb
  FROM (SELECT min(lat) AS lat0, max(lat) - min(lat) AS latspan, min(lon) AS lon0, max(lon) - min(lon) AS lonspan,
               min(us) AS us0, max(us) - min(us) AS usspan, max(abs(lat)) AS maxlat FROM pts) e
),
grid AS (
  SELECT lat0, lon0, us0, wb, usspan // wb + 3 AS nt, dlat0 * s AS dlat, least(360.0, dlon0 * s) AS dlon,
         CAST(floor(latspan / (dlat0 * s)) AS BIGINT) + 3 AS ny
  FROM (SELECT *, greatest(1.0, ceil(sqrt((lonspan / dlon0 + 3) * (latspan / dlat0 + 3) * (usspan // wb + 3) / 2.0 ^ 61))) AS s FROM grid0)
),
doms AS (SELECT domain, CAST(row_number() OVER (ORDER BY domain) AS INTEGER) AS dc FROM (SELECT DISTINCT domain FROM pts)),
cells AS (
  SELECT x.*, (x.cx * g.ny + x.cy) * g.nt + x.tb AS k
  FROM (
    SELECT p.gid, p.us, d.dc, radians(p.lat) AS phi, radians(p.lon) AS lam, cos(radians(p.lat)) AS cphi,
           CAST(floor((p.lon - g.lon0) / g.dlon) AS BIGINT) + 1 AS cx, CAST(floor((p.lat - g.lat0) / g.dlat) AS BIGINT) + 1 AS cy,
           (p.us - g.us0) // g.wb + 1 AS tb
    FROM pts p JOIN doms d ON d.domain = p.domain, grid g
  ) x, grid g
),
offsets AS (
  SELECT (o.dx * g.ny + o.dy) * g.nt + o.dt AS d
  FROM (VALUES (0, 0, 0), (0, 0, 1), (0, 1, -1), (0, 1, 0), (0, 1, 1), (1, -1, -1), (1, -1, 0), (1, -1, 1),
               (1, 0, -1), (1, 0, 0), (1, 0, 1), (1, 1, -1), (1, 1, 0), (1, 1, 1)) o(dx, dy, dt), grid g
),
probe AS (
  SELECT c.gid, c.us, c.dc, c.phi, c.lam, c.cphi, c.k + o.d AS nk, o.d = 0 AS own FROM cells c, offsets o
),
near AS (
  SELECT p.gid AS ag, b.gid AS bg, b.us - p.us AS dus,
         pow(sin((b.phi - p.phi) / 2), 2) + p.cphi * b.cphi * pow(sin((b.lam - p.lam) / 2), 2) AS h
  FROM probe p JOIN cells b ON b.k = p.nk AND p.dc <> b.dc
  WHERE (NOT p.own OR p.gid < b.gid) AND abs(b.us - p.us) <= ${wu} AND abs(b.phi - p.phi) <= ${rr} / ${E}
),
pairs AS (SELECT ag, bg, dus, ${2 * E} * asin(sqrt(least(1.0, h))) AS distance_m FROM near WHERE h <= ${hmax})`;
}

/**
 * The table macro `correlated_pairs`, one row per pair of different domains within R and Δt, `a` the
 * earlier (by time, then kind and id):
 * `a_kind, a_id, a_ts, a_domain, a_district, a_asset, a_lat, a_lon, a_level, a_what,
 *  b_kind, …, b_what, distance_m, dt_s` (dt_s = b_ts − a_ts ≥ 0, seconds).
 *
 * Parameters (all optional, by name or in this order): `radius_m := 200`, `window_s := 7200`,
 * `from_ts := NULL`, `to_ts := NULL` (TIMESTAMPTZ, both ends included; NULL: that side open — pass
 * both on a live engine, whose tables hold 30 days).
 *
 * `SELECT a_domain, b_domain, count(*) FROM correlated_pairs(radius_m := 150, from_ts := now() - INTERVAL 1 DAY) GROUP BY ALL;`
 *
 * TEMP macros live on one connection: the workbench creates them on its own connection (the one its
 * statements run on), not in the database file; a client opening a copy of the file runs these
 * statements itself.
 */
export function correlationMacros(): string[] {
  const args: PairSqlArgs = { radiusM: 'radius_m', windowS: 'window_s', from: 'CAST(from_ts AS TIMESTAMPTZ)', to: 'CAST(to_ts AS TIMESTAMPTZ)' };
  const side = (s: 'a' | 'b'): string => ['kind', 'id', 'ts', 'domain', 'district', 'asset', 'lat', 'lon', 'level', 'what']
    .map((c) => `${s}.${c} AS ${s}_${c}`).join(', ');
  return [`CREATE OR REPLACE TEMP MACRO correlated_pairs(radius_m := ${DEFAULT_RADIUS_M}, window_s := ${DEFAULT_WINDOW_S}, from_ts := NULL, to_ts := NULL) AS TABLE
WITH ${pointsSql(args, false)},
${pairsSql(args)},
ids AS (SELECT ag AS gid FROM pairs UNION SELECT bg FROM pairs),
info AS (SELECT * FROM (WITH ${pointsSql(args, true)} SELECT * FROM pts) WHERE gid IN (SELECT gid FROM ids)),
ordered AS (
  SELECT CASE WHEN (x.ts, x.kind, x.id) <= (y.ts, y.kind, y.id) THEN x.gid ELSE y.gid END AS first,
         CASE WHEN (x.ts, x.kind, x.id) <= (y.ts, y.kind, y.id) THEN y.gid ELSE x.gid END AS second,
         p.distance_m
  FROM pairs p JOIN info x ON x.gid = p.ag JOIN info y ON y.gid = p.bg
)
SELECT ${side('a')}, ${side('b')}, o.distance_m, (epoch_us(b.ts) - epoch_us(a.ts)) / 1e6 AS dt_s
FROM ordered o JOIN info a ON a.gid = o.first JOIN info b ON b.gid = o.second
ORDER BY a.ts, a.kind, a.id, b.ts, b.kind, b.id`];
}
