import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, openSync, closeSync, fsyncSync, readFileSync } from 'node:fs';

/**
 * An append-only, hash-chained audit log (one JSON line per entry). Each entry carries the hash of
 * the previous one and its own hash over its content, so an edited, deleted, inserted or reordered
 * entry breaks the chain and `verifyAuditLog` (`cityops audit verify`) says where.
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

function hashOf(e: Omit<AuditEntry, 'hash'>): string {
  // a fixed field order: the hash must not depend on how an object was built
  const canonical = JSON.stringify([e.seq, e.ts, e.actor, e.action, e.outcome, e.detail, e.prev]);
  return createHash('sha256').update(canonical).digest('hex');
}

export class AuditLog {
  private seq = 0;
  private prev = GENESIS;

  constructor(readonly path: string) {
    if (existsSync(path)) {
      const v = verifyAuditLog(path);
      // a broken chain is reported, never repaired: new entries continue after the last line
      const last = v.lastEntry;
      if (last) {
        this.seq = last.seq;
        this.prev = last.hash;
      }
    }
  }

  append(actor: string, action: string, outcome: AuditEntry['outcome'], detail = ''): AuditEntry {
    const base = { seq: this.seq + 1, ts: new Date().toISOString(), actor, action, outcome, detail, prev: this.prev };
    const entry: AuditEntry = { ...base, hash: hashOf(base) };
    const fd = openSync(this.path, 'a', 0o600);
    try {
      appendFileSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.seq = entry.seq;
    this.prev = entry.hash;
    return entry;
  }
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  problems: string[];
  lastEntry: AuditEntry | null;
}

export function verifyAuditLog(path: string): AuditVerification {
  const problems: string[] = [];
  let prev = GENESIS;
  let expectSeq = 1;
  let last: AuditEntry | null = null;
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  lines.forEach((line, i) => {
    let e: AuditEntry;
    try {
      e = JSON.parse(line) as AuditEntry;
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    const { hash, ...rest } = e;
    if (hashOf(rest) !== hash) problems.push(`line ${i + 1} (seq ${e.seq}): content does not match its hash (edited)`);
    if (e.prev !== prev) problems.push(`line ${i + 1} (seq ${e.seq}): does not follow the previous entry (deleted, inserted or reordered)`);
    if (e.seq !== expectSeq) problems.push(`line ${i + 1}: sequence ${e.seq}, expected ${expectSeq}`);
    prev = hash;
    expectSeq = e.seq + 1;
    last = e;
  });
  return { ok: problems.length === 0, entries: lines.length, problems, lastEntry: last };
}
