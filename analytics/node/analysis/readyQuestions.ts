import type { ReadyQuestion } from '../../common/analysis.js';

/**
 * The SQL console's ready questions (docs/analysis.md): plain SELECTs over the data model that the
 * analyst runs as they are or edits. `now` is the SQL of the instant they look back from: `now()` on
 * the live engine, the window's end over a bundle (its data is in the past). Each one's title is the
 * i18n key `sql_ready_<id>`; each is run on a populated database by sqlWorkbench.test.ts.
 */
export function readyQuestions(now: string): ReadyQuestion[] {
  const q = (id: string, chart: ReadyQuestion['chart'], sql: string): ReadyQuestion => ({ id, titleKey: `sql_ready_${id}`, chart, sql: sql.trim() });
  return [
    q('alarm_kpis_shift', 'table', `
-- The alarm system's health over the last 12-hour shift (ISA-18.2: a flood is more than 10 alarms in 10 minutes)
WITH shift AS (SELECT ${now} - INTERVAL 12 HOUR AS since, ${now} AS until),
raised AS (SELECT a.* FROM alarm_log a, shift WHERE a.active AND a.ts >= shift.since AND a.ts <= shift.until),
per_10_min AS (SELECT time_bucket(INTERVAL 10 MINUTE, ts) AS bucket, count(*) AS n FROM raised GROUP BY bucket),
acks AS (SELECT o.* FROM ops_log o, shift WHERE o.ok AND o.kind = 'alarm.ack' AND o.ts >= shift.since AND o.ts <= shift.until)
SELECT
  (SELECT count(*) FROM raised) AS alarms_raised,
  round((SELECT count(*) FROM raised) / 72.0, 2) AS avg_per_10_min,
  (SELECT coalesce(max(n), 0) FROM per_10_min) AS peak_10_min,
  (SELECT count(*) FROM per_10_min WHERE n > 10) AS flood_periods,
  (SELECT count(DISTINCT point) FROM raised) AS alarm_points,
  (SELECT count(*) FROM raised WHERE priority = 'critical') AS critical_raised,
  (SELECT count(*) FROM acks) AS acknowledged`),
    q('worst_assets', 'bar', `
-- The 20 assets that raised the most alarms over the last 7 days, with their name from the registry
SELECT a.domain, a.district, a.asset, any_value(r.name) AS name, count(*) AS alarms_raised,
       count(DISTINCT a.rule) AS rules, max(a.ts) AS last_raised
FROM alarm_log a LEFT JOIN assets r USING (domain, district, asset)
WHERE a.active AND a.ts >= ${now} - INTERVAL 7 DAY AND a.ts <= ${now}
GROUP BY a.domain, a.district, a.asset
ORDER BY alarms_raised DESC, a.asset
LIMIT 20`),
    q('silent_feeds', 'table', `
-- Feeds that went silent: nothing received for more than three of their usual intervals
SELECT kind, domain, district, last_seen, last_ts, expected_interval_ms, messages,
       date_diff('second', last_seen, ${now}) AS silent_s
FROM feed_freshness
WHERE date_diff('millisecond', last_seen, ${now}) > 3 * expected_interval_ms
ORDER BY silent_s DESC`),
    q('hazards_overdue', 'table', `
-- Hazard cases past their rectification deadline and not yet closed (销号: verified as passed)
WITH raised AS (
  SELECT json_extract_string(payload, '$.action.hazard') AS hazard, json_extract_string(payload, '$.action.title') AS title,
         json_extract_string(payload, '$.action.grade') AS grade, json_extract_string(payload, '$.action.domain') AS domain,
         json_extract_string(payload, '$.action.district') AS district, ts AS raised_at
  FROM ops_log WHERE ok AND kind = 'hazard.raise' AND ts <= ${now}),
dispatched AS (
  SELECT json_extract_string(payload, '$.action.hazard') AS hazard,
         arg_max(json_extract_string(payload, '$.action.assignee'), ts) AS assignee,
         to_timestamp(arg_max(json_extract(payload, '$.action.deadlineMs')::DOUBLE, ts) / 1000) AS deadline
  FROM ops_log WHERE ok AND kind = 'hazard.dispatch' AND ts <= ${now} GROUP BY 1),
closed AS (
  SELECT DISTINCT json_extract_string(payload, '$.action.hazard') AS hazard
  FROM ops_log WHERE ok AND kind = 'hazard.verify' AND json_extract(payload, '$.action.passed')::BOOLEAN AND ts <= ${now})
SELECT r.hazard, r.title, r.grade, r.domain, r.district, r.raised_at, d.assignee, d.deadline,
       round(date_diff('minute', d.deadline, ${now}) / 60.0, 1) AS hours_overdue
FROM raised r JOIN dispatched d USING (hazard)
WHERE d.deadline < ${now} AND r.hazard NOT IN (SELECT hazard FROM closed)
ORDER BY d.deadline`),
    q('readings_per_hour', 'line', `
-- Readings received per domain and hour over the last 24 hours (good, suspect and bad)
SELECT bucket, domain, sum(n + n_bad) AS readings
FROM rollup_1h_v
WHERE bucket >= ${now} - INTERVAL 24 HOUR AND bucket <= ${now}
GROUP BY ALL ORDER BY ALL`),
    q('red_events_by_district', 'bar', `
-- Red and orange city events per district over the last 7 days
SELECT district, count(*) FILTER (WHERE severity = 'red') AS red, count(*) FILTER (WHERE severity = 'orange') AS orange
FROM events
WHERE severity IN ('red', 'orange') AND ts >= ${now} - INTERVAL 7 DAY AND ts <= ${now}
GROUP BY district ORDER BY red DESC, orange DESC`),
    // the pictures the analyst expects of a window: the alarm system's health, silent feeds, hazards, risk colours
    q('alarms_per_10min', 'line', `
-- Alarms raised per 10 minutes by priority over the last 24 hours (ISA-18.2: more than 10 in 10 minutes is a flood)
SELECT time_bucket(INTERVAL 10 MINUTE, ts) AS bucket, priority, count(*) AS alarms
FROM alarm_log
WHERE active AND ts >= ${now} - INTERVAL 24 HOUR AND ts <= ${now}
GROUP BY ALL ORDER BY ALL`),
    q('chattering_top10', 'bar', `
-- The ten alarm points that chattered most over the last 7 days: raised again within 60 s of their previous raise
WITH raises AS (
  SELECT point, ts, ts - lag(ts) OVER (PARTITION BY point ORDER BY ts) AS gap
  FROM alarm_log WHERE active AND ts >= ${now} - INTERVAL 7 DAY AND ts <= ${now})
SELECT point, count(*) FILTER (WHERE gap <= INTERVAL 60 SECOND) AS chattering, count(*) AS raised
FROM raises GROUP BY point
HAVING count(*) FILTER (WHERE gap <= INTERVAL 60 SECOND) > 0
ORDER BY chattering DESC, raised DESC, point
LIMIT 10`),
    q('feed_silence', 'heatmap', `
-- Which feed went silent when: readings per feed (domain/district) and hour over the last 24 hours; 0 is an hour with nothing
WITH hours AS (SELECT unnest(generate_series(date_trunc('hour', ${now} - INTERVAL 23 HOUR), date_trunc('hour', ${now}), INTERVAL 1 HOUR)) AS hour),
feeds AS (SELECT DISTINCT domain, district FROM rollup_1h WHERE bucket >= ${now} - INTERVAL 7 DAY AND bucket <= ${now}),
counts AS (
  SELECT bucket AS hour, domain, district, sum(n + n_bad) AS readings
  FROM rollup_1h WHERE bucket >= ${now} - INTERVAL 24 HOUR AND bucket <= ${now} GROUP BY ALL)
SELECT h.hour, f.domain || '/' || f.district AS feed, coalesce(c.readings, 0) AS readings
FROM hours h CROSS JOIN feeds f
LEFT JOIN counts c ON c.hour = h.hour AND c.domain = f.domain AND c.district = f.district
ORDER BY feed, h.hour`),
    q('hazards_by_stage', 'bar', `
-- Hazard cases by stage, and against their deadlines, as the operator actions left them
WITH acts AS (
  SELECT json_extract_string(payload, '$.action.hazard') AS hazard, kind, ts,
         json_extract(payload, '$.action.passed')::BOOLEAN AS passed, json_extract(payload, '$.action.deadlineMs')::DOUBLE AS deadline_ms
  FROM ops_log
  WHERE ok AND kind IN ('hazard.raise', 'hazard.dispatch', 'hazard.start', 'hazard.report', 'hazard.verify') AND ts <= ${now}),
cases AS (
  SELECT hazard, arg_max(kind, ts) AS last_kind, arg_max(passed, ts) FILTER (WHERE kind = 'hazard.verify') AS passed,
         arg_max(deadline_ms, ts) FILTER (WHERE kind = 'hazard.dispatch') AS deadline_ms
  FROM acts GROUP BY hazard)
SELECT CASE last_kind WHEN 'hazard.raise' THEN 'found' WHEN 'hazard.dispatch' THEN 'dispatched' WHEN 'hazard.start' THEN 'rectifying'
         WHEN 'hazard.report' THEN 'verifying' ELSE CASE WHEN passed THEN 'closed' ELSE 'rectifying' END END AS stage,
       CASE WHEN last_kind = 'hazard.verify' AND passed THEN 'closed'
            WHEN deadline_ms IS NULL THEN 'no_deadline'
            WHEN make_timestamptz((deadline_ms * 1000)::BIGINT) < ${now} THEN 'overdue' ELSE 'in_time' END AS deadline,
       count(*) AS hazards
FROM cases GROUP BY ALL ORDER BY ALL`),
    q('district_risk_over_time', 'line', `
-- The risk colour of each district at every change over the last 7 days (4 red, 3 orange, 2 yellow, 1 blue)
SELECT ts, split_part(key, '/', 2) AS district,
       CASE to_colour WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END AS level
FROM risk_changes
WHERE key LIKE 'district/%' AND ts >= ${now} - INTERVAL 7 DAY AND ts <= ${now}
ORDER BY ts`),
  ];
}
