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
 * raises; clears are not occurrences). Without either, the point has no place and is left out.
 */
export function pointsSql(a: Pick<PairSqlArgs, 'from' | 'to'>, detail: boolean, only: PointFilters = {}): string {
  const win = (col: string): string => `(${a.from} IS NULL OR ${col} >= ${a.from}) AND (${a.to} IS NULL OR ${col} <= ${a.to})`;
  const evCols = (lat: string, lon: string): string => detail
    ? `e.rowid * 2 AS gid, epoch_us(e.ts) AS us, e.domain, ${lat} AS lat, ${lon} AS lon, 'event' AS kind, e.msg_id AS id, e.ts,
       e.district, e.asset, e.severity AS level, e.title AS what`
    : `e.rowid * 2 AS gid, epoch_us(e.ts) AS us, e.domain, ${lat} AS lat, ${lon} AS lon`;
  const alCols = detail
    ? `a.rowid * 2 + 1 AS gid, epoch_us(a.ts) AS us, a.domain, v.lat, v.lon, 'alarm' AS kind, a.point AS id, a.ts,
       a.district, a.asset, a.priority AS level, a.rule AS what`
    : 'a.rowid * 2 + 1 AS gid, epoch_us(a.ts) AS us, a.domain, v.lat, v.lon';
  const and = (s: string | undefined): string => (s ? ` AND (${s})` : '');
  return `pts_raw AS (
  SELECT ${evCols('e.lat', 'e.lon')} FROM events e
  WHERE ${win('e.ts')} AND e.lat IS NOT NULL AND e.lon IS NOT NULL${and(only.events)}
  UNION ALL
  SELECT ${evCols('v.lat', 'v.lon')} FROM events e
  ASOF JOIN asset_versions v ON v.domain = e.domain AND v.district = e.district AND v.asset = e.asset AND e.ts >= v.ts
  WHERE ${win('e.ts')} AND (e.lat IS NULL OR e.lon IS NULL)${and(only.events)}
  UNION ALL
  SELECT ${alCols} FROM alarm_log a
  ASOF JOIN asset_versions v ON v.domain = a.domain AND v.district = a.district AND v.asset = a.asset AND a.ts >= v.ts
  WHERE a.active AND ${win('a.ts')}${and(only.alarms)}
),
pts AS (SELECT * FROM pts_raw WHERE lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180)`;
}

/**
 * The CTEs of the pair finder, after {@link pointsSql}: `prm` (r metres, wu Δt in µs), `grid`
 * (cell size in degrees), `cells` (each point with its cell `cx`, `cy`, bucket `tb`, radians and
 * cos of its latitude), `pairs` (`ag`, `bg`: the two gids, each unordered pair once; `dus`: b's time
 * minus a's in µs; `distance_m`).
 *
 * The cell is R (plus 1 cm) tall in latitude and, in longitude, as wide as the largest longitude
 * difference a pair within R can have at the most poleward latitude of the window:
 * 2·asin(sin(R/2E)/cos φmax) — from the haversine, cos φ1·cos φ2·sin²(Δλ/2) ≤ sin²(d/2E). So a pair
 * within R always lies in the same or neighbouring cells, at any latitude below the pole (near it,
 * one cell spans the globe: slower, still exact). Longitudes do not wrap at ±180°. Buckets are
 * floor(µs / Δt): a pair within Δt lies in the same or neighbouring buckets. Each point is expanded
 * only to the half of its 27 neighbouring keys that come lexicographically after its own (13 keys),
 * plus its own key where the other point's gid is larger, so each pair is met exactly once.
 */
export function pairsSql(a: PairSqlArgs): string {
  const E = EARTH_RADIUS_M;
  return `prm AS (
  SELECT CAST(${a.radiusM} AS DOUBLE) AS r,
         greatest(CAST(round(CAST(${a.windowS} AS DOUBLE) * 1e6) AS BIGINT), 1) AS wu
),
grid AS (
  SELECT prm.r, prm.wu,
         degrees((prm.r + ${CELL_MARGIN_M}) / ${E}) AS dlat,
         CASE WHEN m.maxlat IS NULL THEN 1.0
              WHEN sin((prm.r + ${CELL_MARGIN_M}) / ${2 * E}) >= cos(radians(least(m.maxlat + 1e-6, 90.0))) THEN 360.0
              ELSE least(360.0, degrees(2 * asin(sin((prm.r + ${CELL_MARGIN_M}) / ${2 * E}) / cos(radians(least(m.maxlat + 1e-6, 90.0)))))) END AS dlon
  FROM prm, (SELECT max(abs(lat)) AS maxlat FROM pts) m
),
cells AS (
  SELECT p.gid, p.us, p.domain, p.lat, p.lon,
         radians(p.lat) AS phi, radians(p.lon) AS lam, cos(radians(p.lat)) AS cphi,
         CAST(floor(p.lon / g.dlon) AS BIGINT) AS cx, CAST(floor(p.lat / g.dlat) AS BIGINT) AS cy,
         (p.us - ((p.us % g.wu) + g.wu) % g.wu) // g.wu AS tb
  FROM pts p, grid g
),
offsets AS (
  SELECT * FROM (VALUES (0, 0, 0), (0, 0, 1), (0, 1, -1), (0, 1, 0), (0, 1, 1), (1, -1, -1), (1, -1, 0), (1, -1, 1),
                        (1, 0, -1), (1, 0, 0), (1, 0, 1), (1, 1, -1), (1, 1, 0), (1, 1, 1)) o(dx, dy, dt)
),
probe AS (
  SELECT c.gid, c.us, c.domain, c.phi, c.lam, c.cphi, c.cx + o.dx AS nx, c.cy + o.dy AS ny, c.tb + o.dt AS nt,
         (o.dx = 0 AND o.dy = 0 AND o.dt = 0) AS own
  FROM cells c, offsets o
),
near AS (
  SELECT p.gid AS ag, b.gid AS bg, b.us - p.us AS dus,
         ${2 * E} * asin(sqrt(least(1.0, pow(sin((b.phi - p.phi) / 2), 2) + p.cphi * b.cphi * pow(sin((b.lam - p.lam) / 2), 2)))) AS distance_m
  FROM probe p JOIN cells b ON b.cx = p.nx AND b.cy = p.ny AND b.tb = p.nt
  WHERE (NOT p.own OR p.gid < b.gid) AND p.domain <> b.domain AND abs(b.us - p.us) <= (SELECT wu FROM prm)
),
pairs AS (SELECT * FROM near WHERE distance_m <= (SELECT r FROM prm) + ${DISTANCE_TOLERANCE_M})`;
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
