import { DOMAINS } from '../../common/city.js';
import type { QueryName } from '../../common/engineApi.js';
import { ASSETS_AS_OF, filters, micros, subjectPattern, type NamedQuery } from './query.js';

const HOUR = 3_600_000;

/** `AND <col> <= $h` as of an instant (replay), nothing live. */
const upTo = (asOf: boolean, col: string): string => (asOf ? ` AND ${col} <= make_timestamptz($h::BIGINT)` : '');
const horizon = (asOf: boolean, now: number): Record<string, bigint> => (asOf ? { h: micros(now) } : {});

const series: NamedQuery<'series'> = {
  name: 'series',
  subjects: (p) => subjectPattern('telemetry', p, true),
  range: (p, now) => ({ fromMs: p.fromMs ?? now - 24 * HOUR, toMs: p.toMs ?? now }),
  sql: (p, now) => {
    // as of an instant, the window ends there (the bucket holding it is read whole: at most one bucket of later data)
    // sum/min/max combine across partial rows directly: no need to go through the _v views
    const byAsset = p.asset !== undefined;
    const table = byAsset
      ? { '10s': 'rollup_10s', '1m': 'rollup_1m', '1h': 'rollup_1h' }[p.resolution]
      : { '10s': 'rollup_district_1m', '1m': 'rollup_district_1m', '1h': 'rollup_district_1h' }[p.resolution];
    const f = filters(p, { domain: 'domain', district: 'district', asset: 'asset' });
    return {
      text: `SELECT epoch_ms(bucket) AS t, sum(n)::BIGINT AS n, sum(sum) / nullif(sum(n), 0) AS avg, min(min) AS min, max(max) AS max
             FROM ${table}
             WHERE metric = $metric AND bucket >= make_timestamptz($from::BIGINT) AND bucket < make_timestamptz($to::BIGINT)${f.where}
             GROUP BY bucket ORDER BY bucket`,
      values: { ...f.values, metric: p.metric, from: micros(p.fromMs ?? now - 24 * HOUR), to: micros(p.toMs ?? now) },
    };
  },
};

const latest: NamedQuery<'latest'> = {
  name: 'latest',
  subjects: (p) => subjectPattern('telemetry', p, true),
  sql: (p, now, asOf) => {
    const f = filters(p, { domain: 'domain', district: 'district', metric: 'metric' });
    if (asOf) {
      // as of an instant: from the readings themselves (an hour's rollup would carry values from after it)
      return {
        text: `SELECT domain, district, asset, metric, epoch_ms(max(ts)) AS ts, arg_max(value, ts) AS value
               FROM readings WHERE ts >= make_timestamptz($from::BIGINT) AND ts <= make_timestamptz($h::BIGINT)${f.where}
               GROUP BY domain, district, asset, metric ORDER BY domain, district, asset, metric LIMIT ${p.limit}`,
        values: { ...f.values, from: micros(now - 2 * HOUR), ...horizon(asOf, now) },
      };
    }
    return {
      text: `SELECT domain, district, asset, metric, epoch_ms(max(last_ts)) AS ts, arg_max(last_value, last_ts) AS value
             FROM rollup_1h WHERE bucket >= make_timestamptz($from::BIGINT) AND last_ts IS NOT NULL${f.where}
             GROUP BY domain, district, asset, metric ORDER BY domain, district, asset, metric LIMIT ${p.limit}`,
      values: { ...f.values, from: micros(now - 2 * HOUR) },
    };
  },
};

const kpis: NamedQuery<'kpis'> = {
  name: 'kpis',
  subjects: () => 'city.>',
  range: (p, now) => ({ fromMs: now - p.windowS * 1000, toMs: now }),
  sql: (p, now, asOf) => ({
    // as of an instant, an asset counts once it has a version by then (no need to pick each one's latest version to count them)
    text: `WITH a AS (${asOf
      ? `SELECT domain, count(DISTINCT (district, asset)) AS assets FROM asset_versions WHERE ts <= make_timestamptz($h::BIGINT) GROUP BY domain`
      : 'SELECT domain, count(*) AS assets FROM assets GROUP BY domain'}),
                r AS (SELECT domain, sum(n + n_bad)::BIGINT AS readings, count(DISTINCT asset) AS reporting
                      FROM rollup_10s WHERE bucket >= make_timestamptz($from::BIGINT)${upTo(asOf, 'bucket')} GROUP BY domain),
                e AS (SELECT domain, count(*) AS events, count(*) FILTER (WHERE severity IN ('red', 'orange')) AS severe
                      FROM events WHERE ts >= make_timestamptz($ehour::BIGINT)${upTo(asOf, 'ts')} GROUP BY domain)
           SELECT d.domain, coalesce(a.assets, 0) AS assets, coalesce(r.reporting, 0) AS reporting,
                  coalesce(r.readings, 0) AS readings, coalesce(r.readings, 0) / $window AS readings_per_s,
                  coalesce(e.events, 0) AS events_1h, coalesce(e.severe, 0) AS severe_events_1h
           FROM (VALUES ${DOMAINS.map((d) => `('${d}')`).join(', ')}) d(domain)
           LEFT JOIN a USING (domain) LEFT JOIN r USING (domain) LEFT JOIN e USING (domain)
           ORDER BY d.domain`,
    values: { from: micros(now - p.windowS * 1000), ehour: micros(now - HOUR), window: p.windowS, ...horizon(asOf, now) },
  }),
};

const events: NamedQuery<'events'> = {
  name: 'events',
  subjects: (p) => subjectPattern('event', p, false),
  range: (p, now) => ({ fromMs: p.fromMs ?? now - 24 * HOUR, toMs: p.toMs ?? now }),
  sql: (p, now, asOf) => {
    const f = filters(p, { domain: 'domain', district: 'district', severity: 'severity' });
    const within = `ts >= make_timestamptz($from::BIGINT) AND ts <= make_timestamptz($to::BIGINT)${f.where}`;
    return {
      // the newest `limit` times first (one narrow column), then the whole rows from the oldest of them on: a day holds
      // tens of thousands of events, and sorting them whole (titles, details) to keep 200 cost more than the rest of the query
      text: `SELECT epoch_ms(ts) AS ts, domain, district, msg_id AS id, type, severity, title, asset, lat, lon, detail, subject
             FROM events WHERE ${within}
               AND ts >= (SELECT coalesce(min(ts), make_timestamptz($from::BIGINT)) FROM (SELECT ts FROM events WHERE ${within} ORDER BY ts DESC LIMIT ${p.limit}))
             ORDER BY ts DESC LIMIT ${p.limit}`,
      // live, a source's clock a little ahead still counts; as of an instant, nothing after it
      values: { ...f.values, from: micros(p.fromMs ?? now - 24 * HOUR), to: micros(asOf ? Math.min(p.toMs ?? now, now) : (p.toMs ?? now + 300_000)) },
    };
  },
};

const assets: NamedQuery<'assets'> = {
  name: 'assets',
  subjects: (p) => subjectPattern('asset', p, true),
  sql: (p, now, asOf) => {
    const f = filters(p, { domain: 'domain', district: 'district' });
    return {
      text: `SELECT domain, district, asset, name, kind, lat, lon, owner, supervisor, approver, attrs::VARCHAR AS attrs, epoch_ms(ts) AS ts
             FROM ${asOf ? ASSETS_AS_OF : 'assets'} WHERE true${f.where} ORDER BY domain, district, asset LIMIT ${p.limit}`,
      values: { ...f.values, ...horizon(asOf, now) },
    };
  },
};

const asset: NamedQuery<'asset'> = {
  name: 'asset',
  subjects: (p) => `city.*.${p.domain}.${p.district}.${p.asset}`,
  sql: (p, now, asOf) => ({
    text: `SELECT a.domain, a.district, a.asset, a.name, a.kind, a.lat, a.lon, a.owner, a.supervisor, a.approver,
                  a.attrs::VARCHAR AS attrs, epoch_ms(a.ts) AS ts
           FROM ${asOf ? ASSETS_AS_OF : 'assets'} a WHERE a.domain = $domain AND a.district = $district AND a.asset = $asset`,
    values: { domain: p.domain, district: p.district, asset: p.asset, ...horizon(asOf, now) },
  }),
};

/** An asset's alarm transitions from the log, newest first (the log keeps them by its own retention). */
const alarmLog: NamedQuery<'alarmLog'> = {
  name: 'alarmLog',
  subjects: (p) => `city.telemetry.${p.domain}.${p.district}.${p.asset}`,
  sql: (p, now, asOf) => ({
    text: `SELECT epoch_ms(ts) AS ts, rule, priority, active, value FROM alarm_log
           WHERE domain = $domain AND district = $district AND asset = $asset${upTo(asOf, 'ts')} ORDER BY ts DESC LIMIT ${p.limit}`,
    values: { domain: p.domain, district: p.district, asset: p.asset, ...horizon(asOf, now) },
  }),
};

const inspections: NamedQuery<'inspections'> = {
  name: 'inspections',
  subjects: (p) => subjectPattern('inspection', p, false),
  sql: (p, now, asOf) => {
    const f = filters(p, { domain: 'domain', district: 'district', result: 'result' });
    return {
      text: `SELECT epoch_ms(ts) AS ts, domain, district, msg_id AS id, asset, item, result, level, note, inspector
             FROM inspections WHERE true${f.where}${upTo(asOf, 'ts')} ORDER BY ts DESC LIMIT ${p.limit}`,
      values: { ...f.values, ...horizon(asOf, now) },
    };
  },
};

const quarantine: NamedQuery<'quarantine'> = {
  name: 'quarantine',
  subjects: () => 'city.>',
  sql: (p, now, asOf) => {
    const f = filters(p, { reason: 'reason' });
    return {
      text: `SELECT epoch_ms(received_at) AS received_at, subject, reason, detail, left(payload, 2000) AS payload
             FROM quarantine WHERE true${f.where}${upTo(asOf, 'received_at')} ORDER BY received_at DESC LIMIT ${p.limit}`,
      values: { ...f.values, ...horizon(asOf, now) },
    };
  },
};

const districts: NamedQuery<'districts'> = {
  name: 'districts',
  subjects: () => 'city.>',
  range: (p, now) => ({ fromMs: now - p.windowS * 1000, toMs: now }),
  sql: (p, now, asOf) => ({
    text: `WITH a AS (SELECT district, count(*) AS assets FROM ${asOf ? ASSETS_AS_OF : 'assets'} GROUP BY district),
                e AS (SELECT district, count(*) AS events,
                             count(*) FILTER (WHERE severity = 'red') AS red, count(*) FILTER (WHERE severity = 'orange') AS orange,
                             count(*) FILTER (WHERE severity = 'yellow') AS yellow, count(*) FILTER (WHERE severity = 'blue') AS blue
                      FROM events WHERE ts >= make_timestamptz($from::BIGINT)${upTo(asOf, 'ts')} GROUP BY district),
                i AS (SELECT district, count(*) FILTER (WHERE result = 'fail') AS failed_inspections
                      FROM inspections WHERE ts >= make_timestamptz($from::BIGINT)${upTo(asOf, 'ts')} GROUP BY district)
           SELECT district, coalesce(a.assets, 0) AS assets, coalesce(e.events, 0) AS events,
                  coalesce(e.red, 0) AS red, coalesce(e.orange, 0) AS orange, coalesce(e.yellow, 0) AS yellow,
                  coalesce(e.blue, 0) AS blue, coalesce(i.failed_inspections, 0) AS failed_inspections
           FROM a FULL JOIN e USING (district) FULL JOIN i USING (district) ORDER BY district`,
    values: { from: micros(now - p.windowS * 1000), ...horizon(asOf, now) },
  }),
};

/** Queries answered from DuckDB. `health` and `feeds` are answered from the engine's live state. */
export const SQL_QUERIES = { series, latest, kpis, events, assets, asset, alarmLog, inspections, quarantine, districts } satisfies Partial<{ [N in QueryName]: NamedQuery<N> }>;
