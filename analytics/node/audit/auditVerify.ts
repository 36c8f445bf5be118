import { readFileSync } from 'node:fs';
import { entryOf, GENESIS, hashOf, sha256Of, TORN_TAIL_ACTION, type AuditEntry } from './auditEntry.js';

/** A line that is not a whole entry because a write did not finish. */
export interface TornLine {
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line in the file. */
  offset: number;
  bytes: number;
  sha256: string;
}

export interface AuditVerification {
  /** The chain is intact (a torn tail or a noted torn line does not count against it). */
  ok: boolean;
  entries: number;
  problems: string[];
  lastEntry: AuditEntry | null;
  /** The file ends in a line without its newline that is not a whole entry: a write that did not finish. */
  tornTail: TornLine | null;
  /** Earlier torn lines, each closed and named (by SHA-256) by the entry after it. */
  tornLines: TornLine[];
  /** The file's last byte is a newline (or the file is empty): the next line may be appended as is. */
  endsWithNewline: boolean;
}

/** The file's lines as bytes, with their offsets; the last one has no newline when the file does not end in one. */
function splitLines(buf: Buffer): { offset: number; bytes: Buffer }[] {
  const out: { offset: number; bytes: Buffer }[] = [];
  let start = 0;
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, start)) {
    out.push({ offset: start, bytes: buf.subarray(start, i) });
    start = i + 1;
  }
  if (start < buf.length) out.push({ offset: start, bytes: buf.subarray(start) });
  return out;
}

/**
 * Checks the chain of an audit log (`cityops audit verify`). Lines are judged as bytes, so a line
 * cut inside a multi-byte character is still recognised. A line that is not a whole entry is
 * tampering, with two exceptions, both what an unfinished write leaves: the last line when it has
 * no newline (a torn tail: a crash or a full disk during the write), and a line that the next entry
 * names as torn by its SHA-256 (a torn tail a later writer closed).
 */
export function verifyAuditLog(path: string): AuditVerification {
  const buf = readFileSync(path);
  const lines = splitLines(buf);
  const endsWithNewline = buf.length === 0 || buf[buf.length - 1] === 0x0a;
  const problems: string[] = [];
  const tornLines: TornLine[] = [];
  let tornTail: TornLine | null = null;
  let prev = GENESIS;
  let expectSeq = 1;
  let last: AuditEntry | null = null;
  let entries = 0;
  let pendingTorn: TornLine | null = null;
  lines.forEach(({ offset, bytes }, i) => {
    if (bytes.toString('utf8').trim() === '') return;
    const n = i + 1;
    const e = entryOf(bytes);
    if (e === null) {
      const torn = { line: n, offset, bytes: bytes.length, sha256: sha256Of(bytes) };
      if (pendingTorn !== null) problems.push(`line ${pendingTorn.line}: not JSON`);
      pendingTorn = null;
      if (i === lines.length - 1 && !endsWithNewline) tornTail = torn;
      else pendingTorn = torn;
      return;
    }
    if (pendingTorn !== null) {
      if (e.action === TORN_TAIL_ACTION && e.detail.includes(`sha256 ${pendingTorn.sha256}`)) tornLines.push(pendingTorn);
      else problems.push(`line ${pendingTorn.line}: not JSON`);
      pendingTorn = null;
    }
    entries++;
    const { hash, ...rest } = e;
    if (hashOf(rest) !== hash) problems.push(`line ${n} (seq ${e.seq}): content does not match its hash (edited)`);
    if (e.prev !== prev) problems.push(`line ${n} (seq ${e.seq}): does not follow the previous entry (deleted, inserted or reordered)`);
    if (e.seq !== expectSeq) problems.push(`line ${n}: sequence ${e.seq}, expected ${expectSeq}`);
    prev = hash;
    expectSeq = e.seq + 1;
    last = e;
  });
  const unclosed = pendingTorn as TornLine | null;
  if (unclosed !== null) problems.push(`line ${unclosed.line}: not JSON`);
  return { ok: problems.length === 0, entries, problems, lastEntry: last, tornTail, tornLines, endsWithNewline };
}
