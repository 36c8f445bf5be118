/**
 * What docs/data-model.md says of each table and column, for the SQL console's schema browser (the
 * docs are not packaged with the app). Generated from the doc by schemaDescriptions.test.ts
 * (`UPDATE_SCHEMA_DESCRIPTIONS=1 npx vitest run analytics/node/analysis/schemaDescriptions.test.ts`),
 * which fails when the two differ: do not edit by hand.
 */
export const SCHEMA_DESCRIPTIONS: Readonly<Record<string, { description: string; columns: Readonly<Record<string, string>> }>> = {
  "readings": {
    "description": "one row per stored reading",
    "columns": {
      "ts": "the reading's own time (ts in the payload)",
      "domain": "one of the fourteen domains",
      "district": "6-digit GB/T 2260 code",
      "asset": "asset id from the subject",
      "metric": "e.g. lel_pct, pressure_mpa, river_level_m",
      "value": "always finite",
      "unit": "as published, may be NULL",
      "quality": "good, suspect or bad",
      "msg_id": "the reading's id; unique in the table (always valid Unicode: an id with an unpaired surrogate is quarantined, never stored with a replacement character)",
      "stream_seq": "JetStream sequence of the message that carried it (NULL from plain subscriptions)",
      "received_at": "when the engine took the batch's first message",
      "batch_no": "the ingest batch (transaction) that stored it"
    }
  },
  "events": {
    "description": "incidents, citizen reports, source-system alarms.",
    "columns": {}
  },
  "asset_versions": {
    "description": "Every registry record received (ts, domain, district, asset, name, kind, lat, lon, owner, supervisor, approver, attrs JSON, subject, stream_seq, received_at).",
    "columns": {}
  },
  "assets": {
    "description": "Every registry record received (ts, domain, district, asset, name, kind, lat, lon, owner, supervisor, approver, attrs JSON, subject, stream_seq, received_at).",
    "columns": {}
  },
  "inspections": {
    "description": "columns: ts, domain, district, msg_id, asset, item, result, level, note, inspector, subject, stream_seq, received_at",
    "columns": {}
  },
  "permit_versions": {
    "description": "Every permits record ever received (ts, domain, district, asset, use, permits JSON, subject, stream_seq, received_at), one row per version; the newest by ts per asset is the one judged (permits.md).",
    "columns": {}
  },
  "quarantine": {
    "description": "everything that was refused, and why",
    "columns": {
      "received_at": "when it arrived",
      "subject": "the subject it came on",
      "reason": "a code from feed-contract.md",
      "detail": "human-readable: which field, which limit; for store_rejected, the database's own error",
      "payload": "the message (or the one bad element of an array, as its own slice of the message text), as text (invalid UTF-8 replaced); for store_rejected, the refused row's fields as JSON in printable ASCII",
      "stream_seq": "JetStream sequence"
    }
  },
  "rollup_10s": {
    "description": "Per (bucket, domain, district, asset, metric) — or (bucket, domain, district, metric) for the district tables: n (readings of quality good or suspect), sum, min, max, last_ts, last_value, n_bad (bad-quality readings, kept out of the other columns).",
    "columns": {}
  },
  "rollup_1m": {
    "description": "Per (bucket, domain, district, asset, metric) — or (bucket, domain, district, metric) for the district tables: n (readings of quality good or suspect), sum, min, max, last_ts, last_value, n_bad (bad-quality readings, kept out of the other columns).",
    "columns": {}
  },
  "rollup_1h": {
    "description": "Per (bucket, domain, district, asset, metric) — or (bucket, domain, district, metric) for the district tables: n (readings of quality good or suspect), sum, min, max, last_ts, last_value, n_bad (bad-quality readings, kept out of the other columns).",
    "columns": {}
  },
  "rollup_district_1m": {
    "description": "Per (bucket, domain, district, asset, metric) — or (bucket, domain, district, metric) for the district tables: n (readings of quality good or suspect), sum, min, max, last_ts, last_value, n_bad (bad-quality readings, kept out of the other columns).",
    "columns": {}
  },
  "rollup_district_1h": {
    "description": "Per (bucket, domain, district, asset, metric) — or (bucket, domain, district, metric) for the district tables: n (readings of quality good or suspect), sum, min, max, last_ts, last_value, n_bad (bad-quality readings, kept out of the other columns).",
    "columns": {}
  },
  "consumer_position": {
    "description": "(stream, consumer, last_seq, updated_at): the last stream sequence whose batch is committed",
    "columns": {}
  },
  "ingest_totals": {
    "description": "received, stored, quarantined, duplicates as in /api/health; last_batch, rolled_batch",
    "columns": {}
  },
  "feed_freshness": {
    "description": "per feed (kind, domain, district): last_seen, last_ts, expected_interval_ms, messages (saved every 5 s)",
    "columns": {}
  },
  "schema_version": {
    "description": "migrations applied",
    "columns": {}
  },
  "alarm_log": {
    "description": "alarm transition (raise or clear): ts (data time), point (domain/district/asset#rule), rule, priority, domain, district, asset, metric, latching, active, value; written in the same transaction as the readings that caused it. An occurrence is point + the ts of its raise.",
    "columns": {}
  },
  "ops_outbox": {
    "description": "operator action taken on this engine: id (also its Nats-Msg-Id), local_seq, subject (ops.<kind>), payload (the event JSON), created_at",
    "columns": {}
  },
  "ops_sent": {
    "description": "outbox entry acknowledged by JetStream: id, stream_seq, sent_at",
    "columns": {}
  },
  "risk_changes": {
    "description": "colour change of an asset (domain/district/asset) or district (district/<code>): ts, key, from_colour, to_colour, reasons",
    "columns": {}
  },
  "handover_reports": {
    "description": "generated and kept handover report: shift_start, shift_end, generated_at, sha256, report (JSON)",
    "columns": {}
  },
  "saved_queries": {
    "description": "query an analyst saved by name in the SQL console (analysis.md): name (unique), sql, description, saved_at, saved_by (the device)",
    "columns": {}
  }
};
