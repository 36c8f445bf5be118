import type { DuckDBConnection } from '@duckdb/node-api';

/** An operator event as this engine's outbox holds it, and whether JetStream acknowledged it. */
export interface OutboxRow {
  localSeq: number;
  subject: string;
  payload: string;
  sent: boolean;
}

/** The whole outbox in the order the actions were taken. */
export async function readOutbox(c: DuckDBConnection): Promise<OutboxRow[]> {
  const rows = (await c.runAndReadAll(`
    SELECT o.id, o.local_seq, o.subject, o.payload, s.id IS NOT NULL AS sent
    FROM ops_outbox o LEFT JOIN ops_sent s USING (id) ORDER BY o.local_seq`)).getRowObjects();
  return rows.map((r) => ({ localSeq: Number(r['local_seq']), subject: String(r['subject']), payload: String(r['payload']), sent: r['sent'] === true }));
}

export async function insertOutbox(c: DuckDBConnection, id: string, localSeq: number, subject: string, payload: string): Promise<void> {
  await c.run('INSERT INTO ops_outbox VALUES ($id, $seq, $subject, $payload, now())', { id, seq: BigInt(localSeq), subject, payload });
}

/** Marks an action published (`seq` null: applied locally without NATS). */
export async function insertSent(c: DuckDBConnection, id: string, seq: number | null): Promise<void> {
  await c.run('INSERT INTO ops_sent VALUES ($id, $seq, now())', { id, seq: seq === null ? null : BigInt(seq) });
}
