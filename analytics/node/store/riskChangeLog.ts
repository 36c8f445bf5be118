import type { DuckDBConnection } from '@duckdb/node-api';
import type { RiskChange } from '../../common/risk/riskRegister.js';
import { micros } from '../../common/vocabulary.js';

/** Keeps every risk colour change with its reasons (`risk_changes`). */
export async function insertRiskChanges(c: DuckDBConnection, changes: readonly RiskChange[]): Promise<void> {
  for (const ch of changes) {
    await c.run('INSERT INTO risk_changes VALUES (make_timestamptz($at::BIGINT), $key, $from, $to, $reasons)',
      { at: micros(ch.atMs), key: ch.key, from: ch.from, to: ch.to, reasons: ch.reasons.join('; ') });
  }
}
