import { createHash } from 'node:crypto';

/**
 * One entry of the hash-chained audit log (one JSON line each). Each carries the hash of the
 * previous entry and its own hash over its content, so an edited, deleted, inserted or reordered
 * entry breaks the chain.
 */
export interface AuditEntry {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  outcome: 'done' | 'refused';
  detail: string;
  prev: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

/**
 * The action of the entry a writer puts after a torn line (a write that did not finish: a crash or
 * a full disk). Its detail names the torn bytes by SHA-256, so `verify` can tell that line from an edit.
 */
export const TORN_TAIL_ACTION = 'audit torn tail closed';

export function hashOf(e: Omit<AuditEntry, 'hash'>): string {
  // a fixed field order: the hash must not depend on how an object was built
  const canonical = JSON.stringify([e.seq, e.ts, e.actor, e.action, e.outcome, e.detail, e.prev]);
  return createHash('sha256').update(canonical).digest('hex');
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The entry a line holds, or null when the line is not a whole entry (torn, garbage). */
export function entryOf(line: Buffer): AuditEntry | null {
  let v: unknown;
  try {
    v = JSON.parse(line.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const e = v as Record<string, unknown>;
  const text = (k: string): boolean => typeof e[k] === 'string';
  return typeof e['seq'] === 'number' && ['ts', 'actor', 'action', 'outcome', 'detail', 'prev', 'hash'].every(text) ? (v as AuditEntry) : null;
}
