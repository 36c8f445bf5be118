/**
 * Schema migrations, applied in order at open and never at run time afterwards: the hot ingest
 * tables get no DDL and no indexes while the engine runs (a WAL holding DDL or ART index changes is
 * what public reports show failing to replay after a crash).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const rollupTable = (name: string, keys: string): string => `
CREATE TABLE ${name} (
  bucket     TIMESTAMPTZ NOT NULL,
  ${keys.split(', ').map((k) => `${k} VARCHAR NOT NULL,`).join('\n  ')}
  n          BIGINT NOT NULL,
  sum        DOUBLE NOT NULL,
  min        DOUBLE,
  max        DOUBLE,
  last_ts    TIMESTAMPTZ,
  last_value DOUBLE,
  n_bad      BIGINT NOT NULL,
  merged_at  TIMESTAMPTZ
);
CREATE VIEW ${name}_v AS
SELECT bucket, ${keys},
       sum(n)::BIGINT AS n,
       sum(sum) AS sum,
       CASE WHEN sum(n) > 0 THEN sum(sum) / sum(n) END AS avg,
       min(min) AS min, max(max) AS max,
       max(last_ts) AS last_ts, arg_max(last_value, last_ts) AS last_value,
       sum(n_bad)::BIGINT AS n_bad
FROM ${name}
GROUP BY ALL;
`;

/** Per asset and metric; and per district and metric for city-wide charts. */
const SERIES_KEYS = 'domain, district, asset, metric';
const DISTRICT_KEYS = 'domain, district, metric';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'feeds, quarantine, position, rollups',
    sql: `
CREATE TABLE readings (
  ts          TIMESTAMPTZ NOT NULL,
  domain      VARCHAR NOT NULL,
  district    VARCHAR NOT NULL,
  asset       VARCHAR NOT NULL,
  metric      VARCHAR NOT NULL,
  value       DOUBLE NOT NULL,
  unit        VARCHAR,
  quality     VARCHAR NOT NULL,
  msg_id      VARCHAR NOT NULL,
  stream_seq  UBIGINT,
  received_at TIMESTAMPTZ NOT NULL,
  batch_no    UBIGINT NOT NULL
);
CREATE TABLE events (
  ts TIMESTAMPTZ NOT NULL, domain VARCHAR NOT NULL, district VARCHAR NOT NULL,
  msg_id VARCHAR NOT NULL, type VARCHAR NOT NULL, severity VARCHAR NOT NULL, title VARCHAR NOT NULL,
  asset VARCHAR, lat DOUBLE, lon DOUBLE, detail VARCHAR,
  subject VARCHAR NOT NULL, stream_seq UBIGINT, received_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE asset_versions (
  ts TIMESTAMPTZ NOT NULL, domain VARCHAR NOT NULL, district VARCHAR NOT NULL, asset VARCHAR NOT NULL,
  name VARCHAR NOT NULL, kind VARCHAR NOT NULL, lat DOUBLE NOT NULL, lon DOUBLE NOT NULL,
  owner VARCHAR NOT NULL, supervisor VARCHAR NOT NULL, approver VARCHAR, attrs JSON,
  subject VARCHAR NOT NULL, stream_seq UBIGINT, received_at TIMESTAMPTZ NOT NULL
);
CREATE VIEW assets AS
SELECT * EXCLUDE (rn) FROM (
  SELECT *, row_number() OVER (PARTITION BY domain, district, asset ORDER BY ts DESC, received_at DESC) AS rn
  FROM asset_versions
) WHERE rn = 1;
CREATE TABLE inspections (
  ts TIMESTAMPTZ NOT NULL, domain VARCHAR NOT NULL, district VARCHAR NOT NULL,
  msg_id VARCHAR NOT NULL, asset VARCHAR NOT NULL, item VARCHAR NOT NULL, result VARCHAR NOT NULL,
  level VARCHAR, note VARCHAR, inspector VARCHAR NOT NULL,
  subject VARCHAR NOT NULL, stream_seq UBIGINT, received_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE quarantine (
  received_at TIMESTAMPTZ NOT NULL,
  subject     VARCHAR NOT NULL,
  reason      VARCHAR NOT NULL,
  detail      VARCHAR NOT NULL,
  payload     VARCHAR NOT NULL,
  stream_seq  UBIGINT
);
CREATE TABLE consumer_position (
  stream     VARCHAR NOT NULL,
  consumer   VARCHAR NOT NULL,
  last_seq   UBIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE ingest_totals (
  received     UBIGINT NOT NULL,
  stored       UBIGINT NOT NULL,
  quarantined  UBIGINT NOT NULL,
  duplicates   UBIGINT NOT NULL,
  last_batch   UBIGINT NOT NULL,
  rolled_batch UBIGINT NOT NULL
);
INSERT INTO ingest_totals VALUES (0, 0, 0, 0, 0, 0);
CREATE TABLE feed_freshness (
  kind VARCHAR NOT NULL, domain VARCHAR NOT NULL, district VARCHAR NOT NULL,
  last_seen TIMESTAMPTZ NOT NULL, last_ts TIMESTAMPTZ NOT NULL,
  expected_interval_ms DOUBLE NOT NULL, messages UBIGINT NOT NULL
);
${rollupTable('rollup_10s', SERIES_KEYS)}
${rollupTable('rollup_1m', SERIES_KEYS)}
${rollupTable('rollup_1h', SERIES_KEYS)}
${rollupTable('rollup_district_1m', DISTRICT_KEYS)}
${rollupTable('rollup_district_1h', DISTRICT_KEYS)}
`,
  },
  {
    version: 2,
    name: 'alarms, operator outbox, risk changes',
    sql: `
CREATE TABLE alarm_log (
  ts TIMESTAMPTZ NOT NULL, point VARCHAR NOT NULL, rule VARCHAR NOT NULL, priority VARCHAR NOT NULL,
  domain VARCHAR NOT NULL, district VARCHAR NOT NULL, asset VARCHAR NOT NULL, metric VARCHAR NOT NULL,
  latching BOOLEAN NOT NULL, active BOOLEAN NOT NULL, value DOUBLE
);
CREATE TABLE ops_outbox (
  id VARCHAR NOT NULL, local_seq UBIGINT NOT NULL, subject VARCHAR NOT NULL, payload VARCHAR NOT NULL, created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE ops_sent (
  id VARCHAR NOT NULL, stream_seq UBIGINT, sent_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE risk_changes (
  ts TIMESTAMPTZ NOT NULL, key VARCHAR NOT NULL, from_colour VARCHAR, to_colour VARCHAR NOT NULL, reasons VARCHAR NOT NULL
);
CREATE TABLE handover_reports (
  shift_start TIMESTAMPTZ NOT NULL, shift_end TIMESTAMPTZ NOT NULL, generated_at TIMESTAMPTZ NOT NULL,
  sha256 VARCHAR NOT NULL, report JSON NOT NULL
);
`,
  },
  {
    version: 3,
    name: 'operator action log',
    sql: `
CREATE TABLE ops_log (
  ts TIMESTAMPTZ NOT NULL, id VARCHAR NOT NULL, kind VARCHAR NOT NULL, device VARCHAR NOT NULL, role VARCHAR NOT NULL,
  stream_seq UBIGINT, ok BOOLEAN NOT NULL, reason VARCHAR, payload JSON NOT NULL, applied_at TIMESTAMPTZ NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'saved SQL queries',
    sql: `
CREATE TABLE saved_queries (
  name VARCHAR NOT NULL, sql VARCHAR NOT NULL, description VARCHAR NOT NULL, saved_at TIMESTAMPTZ NOT NULL, saved_by VARCHAR NOT NULL
);
`,
  },
  {
    version: 5,
    name: 'permits records (the permit chain, docs/permits.md)',
    sql: `
CREATE TABLE permit_versions (
  ts TIMESTAMPTZ NOT NULL, domain VARCHAR NOT NULL, district VARCHAR NOT NULL, asset VARCHAR NOT NULL,
  use VARCHAR, permits JSON NOT NULL,
  subject VARCHAR NOT NULL, stream_seq UBIGINT, received_at TIMESTAMPTZ NOT NULL
);
`,
  },
  {
    version: 6,
    name: 'incident reports',
    sql: `
CREATE TABLE incident_reports (
  incident VARCHAR NOT NULL, closed_at TIMESTAMPTZ NOT NULL, generated_at TIMESTAMPTZ NOT NULL, sha256 VARCHAR NOT NULL, report JSON NOT NULL
);
`,
  },
];
