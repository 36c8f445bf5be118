import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import { AuditLog, NODE_FILE_IO, TORN_TAIL_ACTION, verifyAuditLog, type AuditEntry, type AuditFileIo } from './auditLog.js';

const tmp = tempDir('cityops-audit-');
afterAll(() => tmp.remove());

function fresh(name: string): string {
  const path = `${tmp.dir}/${name}.log`;
  const log = new AuditLog(path);
  log.append('wall-3', 'command db.checkpoint', 'refused', 'role wall');
  log.append('shift-leader-1', 'acknowledge alarm gas/420303/st-1', 'done');
  log.append('admin', 'command db.checkpoint', 'done');
  log.append('shift-leader-2', 'shelve alarm water/420302/p-9', 'done', '传感器检修 2 h');
  return path;
}

const lines = (p: string): string[] => readFileSync(p, 'utf8').trim().split('\n');

describe('the audit log', () => {
  it('verifies an untouched log, and continues the chain after a restart', () => {
    const p = fresh('ok');
    new AuditLog(p).append('admin', 'restart', 'done');
    expect(verifyAuditLog(p)).toMatchObject({ ok: true, entries: 5, problems: [] });
  });

  it('detects an edited entry', () => {
    const p = fresh('edited');
    const l = lines(p);
    l[1] = l[1]!.replace('acknowledge', 'silence');
    writeFileSync(p, `${l.join('\n')}\n`);
    expect(verifyAuditLog(p).problems).toEqual(['line 2 (seq 2): content does not match its hash (edited)']);
  });

  it('detects a deleted entry', () => {
    const p = fresh('deleted');
    const l = lines(p);
    l.splice(1, 1);
    writeFileSync(p, `${l.join('\n')}\n`);
    const v = verifyAuditLog(p);
    expect(v.ok).toBe(false);
    expect(v.problems.join(' ')).toMatch(/deleted, inserted or reordered/);
  });

  it('detects reordered entries, even with their hashes intact', () => {
    const p = fresh('reordered');
    const l = lines(p);
    [l[1], l[2]] = [l[2]!, l[1]!];
    writeFileSync(p, `${l.join('\n')}\n`);
    expect(verifyAuditLog(p).problems.length).toBeGreaterThanOrEqual(2);
  });
});

/** A file writer that fails the way a full disk does: part of the line lands, then ENOSPC (or a short count). */
function failingIo(mode: 'throw-after-half' | 'short-write' | 'fsync-eio', opts: { truncateFails?: boolean } = {}): AuditFileIo & { failures: number; failNext: boolean } {
  const io = {
    ...NODE_FILE_IO,
    failures: 0,
    failNext: true,
    write(fd: number, buf: Buffer): number {
      if (!io.failNext) return NODE_FILE_IO.write(fd, buf);
      io.failures++;
      if (mode === 'fsync-eio') return NODE_FILE_IO.write(fd, buf);
      const half = writeSync(fd, buf, 0, Math.floor(buf.length / 2));
      if (mode === 'short-write') return half;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
    sync(fd: number): void {
      if (mode === 'fsync-eio' && io.failNext) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      NODE_FILE_IO.sync(fd);
    },
    truncate(fd: number, len: number): void {
      if (opts.truncateFails && io.failNext) throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' });
      NODE_FILE_IO.truncate(fd, len);
    },
  };
  return io;
}

describe('a failed audit write', () => {
  for (const mode of ['throw-after-half', 'short-write', 'fsync-eio'] as const) {
    it(`(${mode}) throws to its caller, leaves the file as it was, and the next write continues the chain`, () => {
      const p = fresh(`fail-${mode}`);
      const size = statSync(p).size;
      const io = failingIo(mode);
      const log = new AuditLog(p, io);
      expect(() => log.append('engine-api', 'refused WebSocket', 'refused')).toThrow(/ENOSPC|incomplete|EIO/);
      expect(statSync(p).size).toBe(size);
      io.failNext = false;
      log.append('engine-api', 'refused WebSocket', 'refused');
      expect(verifyAuditLog(p)).toMatchObject({ ok: true, entries: 5, problems: [], tornTail: null });
    });
  }

  it('when the file cannot be cut back either, closes the torn line before the next entry instead of gluing onto it', () => {
    const p = fresh('fail-no-truncate');
    const io = failingIo('throw-after-half', { truncateFails: true });
    const log = new AuditLog(p, io);
    expect(() => log.append('engine-api', 'refused WebSocket', 'refused')).toThrow(/ENOSPC/);
    expect(verifyAuditLog(p)).toMatchObject({ ok: true, entries: 4, tornTail: { line: 5 } });
    io.failNext = false;
    log.append('admin', 'command db.checkpoint', 'done');
    const v = verifyAuditLog(p);
    expect(v).toMatchObject({ ok: true, entries: 6, problems: [], tornTail: null });
    expect(v.tornLines.map((t) => t.line)).toEqual([5]);
  });
});

describe('a torn last line (a crash or a full disk mid-write)', () => {
  it('is reported as a torn tail, not as tampering, and the chain before it is judged', () => {
    const p = fresh('torn');
    const whole = readFileSync(p);
    const torn = Buffer.from('{"seq":5,"ts":"2026-11-24T08:00:00.000Z","actor":"engine-api","act');
    writeFileSync(p, Buffer.concat([whole, torn]));
    const v = verifyAuditLog(p);
    expect(v).toMatchObject({ ok: true, entries: 4, problems: [], tornTail: { line: 5, bytes: torn.length, offset: whole.length } });
  });

  it('cut inside a multi-byte character is still a torn tail', () => {
    const p = fresh('torn-utf8');
    const line = Buffer.from(`${JSON.stringify({ seq: 5, detail: '传感器检修' })}`);
    writeFileSync(p, Buffer.concat([readFileSync(p), line.subarray(0, 20)]));
    expect(verifyAuditLog(p)).toMatchObject({ ok: true, tornTail: { line: 5, bytes: 20 } });
  });

  it('is closed and noted by the next writer, whose entries continue the chain from the last whole entry', () => {
    const p = fresh('torn-reopen');
    writeFileSync(p, Buffer.concat([readFileSync(p), Buffer.from('{"seq":5,"ts":"2026')]));
    const log = new AuditLog(p);
    const e = log.append('admin', 'restart', 'done');
    expect(e.seq).toBe(6);
    const v = verifyAuditLog(p);
    expect(v).toMatchObject({ ok: true, entries: 6, problems: [], tornTail: null });
    expect(v.tornLines).toEqual([expect.objectContaining({ line: 5, bytes: 19 })]);
    const note = JSON.parse(lines(p)[5]!) as AuditEntry;
    expect(note).toMatchObject({ seq: 5, action: TORN_TAIL_ACTION, outcome: 'done' });
    expect(note.detail).toContain(createHash('sha256').update('{"seq":5,"ts":"2026').digest('hex'));
  });

  it('a whole last entry that lost only its newline counts, and the next entry starts on a line of its own', () => {
    const p = fresh('no-newline');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/\n$/, ''));
    expect(verifyAuditLog(p)).toMatchObject({ ok: true, entries: 4, tornTail: null });
    new AuditLog(p).append('admin', 'restart', 'done');
    expect(verifyAuditLog(p)).toMatchObject({ ok: true, entries: 5, problems: [] });
  });

  it('is still tampering when a line that is not JSON sits in the middle without a note, or the note names other bytes', () => {
    const p = fresh('garbage-middle');
    const l = lines(p);
    l.splice(2, 0, '{"seq":3,"ts":"20');
    writeFileSync(p, `${l.join('\n')}\n`);
    expect(verifyAuditLog(p).ok).toBe(false);

    const q = fresh('note-mismatch');
    writeFileSync(q, Buffer.concat([readFileSync(q), Buffer.from('{"seq":5,"ts":"2026')]));
    new AuditLog(q).append('admin', 'restart', 'done');
    const m = lines(q);
    m[4] = '{"seq":5,"ts":"2027';
    writeFileSync(q, `${m.join('\n')}\n`);
    expect(verifyAuditLog(q)).toMatchObject({ ok: false });
    expect(verifyAuditLog(q).problems.join(' ')).toMatch(/line 5: not JSON/);
  });
});
