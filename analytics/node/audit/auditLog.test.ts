import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/harness.js';
import { AuditLog, verifyAuditLog } from './auditLog.js';

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
