import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { hashOf, TORN_TAIL_ACTION, type AuditEntry } from './auditEntry.js';
import { verifyAuditLog, type TornLine } from './auditVerify.js';

export { GENESIS, TORN_TAIL_ACTION, type AuditEntry } from './auditEntry.js';
export { verifyAuditLog, type AuditVerification, type TornLine } from './auditVerify.js';

/** The file operations the log needs; tests give one that fails as a full disk does. */
export interface AuditFileIo {
  open(path: string): number;
  size(fd: number): number;
  /** One write call; returns the bytes written (fewer than asked on a nearly full disk). */
  write(fd: number, buf: Buffer): number;
  sync(fd: number): void;
  truncate(fd: number, length: number): void;
  close(fd: number): void;
}

export const NODE_FILE_IO: AuditFileIo = {
  open: (path) => openSync(path, 'a', 0o600),
  size: (fd) => fstatSync(fd).size,
  write: (fd, buf) => writeSync(fd, buf),
  sync: (fd) => fsyncSync(fd),
  truncate: (fd, length) => ftruncateSync(fd, length),
  close: (fd) => closeSync(fd),
};

/**
 * An append-only, hash-chained audit log (one JSON line per entry); `verifyAuditLog` (`cityops
 * audit verify`) checks it.
 *
 * A write that fails (disk full, I/O error) must neither tear the file nor break the chain: each
 * append is one write call of whole lines, fsynced, and on any failure the file is cut back to its
 * length before the write and the error thrown to the caller, the chain unchanged. If even the cut
 * fails, or the file already ends in a torn line when it is opened (a crash mid-write), the next
 * append first closes that torn line with a newline and an entry (`TORN_TAIL_ACTION`) naming its
 * bytes by SHA-256, then continues the chain from the last whole entry. The torn bytes stay in the
 * file as evidence; `verify` accepts them only with that note after them.
 */
export class AuditLog {
  private seq = 0;
  private prev: string = '0'.repeat(64);
  /** Bytes to write before the next entry: a newline when the file does not end in one. */
  private lead = '';
  private torn: TornLine | null = null;
  /** A failed write could not be cut back: read the file's end again before the next append. */
  private reread = false;

  constructor(readonly path: string, private readonly io: AuditFileIo = NODE_FILE_IO) {
    this.resume();
  }

  /** Takes the chain up from the file: a broken chain is reported by verify, never repaired here. */
  private resume(): void {
    this.reread = false;
    if (!existsSync(this.path)) return;
    const v = verifyAuditLog(this.path);
    if (v.lastEntry) {
      this.seq = v.lastEntry.seq;
      this.prev = v.lastEntry.hash;
    }
    this.lead = v.endsWithNewline ? '' : '\n';
    this.torn = v.tornTail;
  }

  private entry(actor: string, action: string, outcome: AuditEntry['outcome'], detail: string, seq: number, prev: string): AuditEntry {
    const base = { seq, ts: new Date().toISOString(), actor, action, outcome, detail, prev };
    return { ...base, hash: hashOf(base) };
  }

  /** Appends one entry, fsynced. Throws when the write fails; the file and the chain are then as before. */
  append(actor: string, action: string, outcome: AuditEntry['outcome'], detail = ''): AuditEntry {
    if (this.reread) this.resume();
    const out: AuditEntry[] = [];
    if (this.torn) {
      const t = this.torn;
      out.push(this.entry('engine', TORN_TAIL_ACTION, 'done', `line ${t.line} (${t.bytes} bytes at byte ${t.offset}, sha256 ${t.sha256}) is a write that did not finish (crash or full disk); closed with a newline, the chain continues from seq ${this.seq}`, this.seq + 1, this.prev));
    }
    const last = out[out.length - 1];
    const entry = this.entry(actor, action, outcome, detail, (last?.seq ?? this.seq) + 1, last?.hash ?? this.prev);
    out.push(entry);
    const buf = Buffer.from(this.lead + out.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const fd = this.io.open(this.path);
    try {
      const before = this.io.size(fd);
      try {
        const written = this.io.write(fd, buf);
        if (written !== buf.length) throw new Error(`audit write incomplete: ${written} of ${buf.length} bytes (disk full?)`);
        this.io.sync(fd);
      } catch (e) {
        this.cutBack(fd, before);
        throw e;
      }
    } finally {
      this.io.close(fd);
    }
    this.seq = entry.seq;
    this.prev = entry.hash;
    this.lead = '';
    this.torn = null;
    return entry;
  }

  /** Removes what a failed write left; if that fails too, the next append reads the file's end again. */
  private cutBack(fd: number, length: number): void {
    try {
      this.io.truncate(fd, length);
      this.io.sync(fd);
    } catch {
      this.reread = true;
    }
  }
}
