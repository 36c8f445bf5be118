import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { verifyAuditLog } from '../audit/auditLog.js';
import { builtCli, EngineProcess } from '../../../dev/testing/engineProcess.js';
import { waitFor } from '../../../dev/testing/harness.js';
import { freePort, NatsServerProcess } from '../feeds/natsServerProcess.js';

/**
 * A real full disk: a small tmpfs this test mounts for the database directory (root on Linux only;
 * elsewhere the suite is skipped and the failing-writer tests in auditLog.test.ts stand in).
 */
function mountSmallDisk(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'cityops-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0700', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

const WALL = 'wall-token-0123456789abcdef';
const disk = mountSmallDisk();
let nats: NatsServerProcess;
let engine: EngineProcess;
let port: number;

interface Health { ok: boolean; server: { handlerErrors: number; lastHandlerError: string | null } }

function upgradeStatus(query: string): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws${query}`);
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => reject(new Error('accepted')));
    ws.once('error', reject);
  });
}

/** Fills the filesystem to the last byte. */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  const { bavail, bsize } = statfsSync(dir);
  writeFileSync(file, Buffer.alloc(Math.max(0, bavail * bsize - 4096)));
  for (;;) {
    try {
      appendFileSync(file, Buffer.alloc(512));
    } catch {
      return file;
    }
  }
}

describe.skipIf(disk === null)('a WebSocket upgrade without a token while the database directory is full', () => {
  const dir = disk ?? '';
  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    writeFileSync(join(dir, 'devices.json'), JSON.stringify([{ device: 'wall-1', role: 'wall', token: WALL }]));
    port = await freePort();
    engine = await EngineProcess.start(builtCli(), ['--nats', nats.url, '--db', join(dir, 'full.duckdb'), '--port', String(port), '--devices', join(dir, 'devices.json')]);
    await waitFor(async () => (await engine.health()).ok, 'engine connected');
  });
  afterAll(async () => {
    await engine?.kill('SIGTERM');
    await nats?.dispose();
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is refused, the failed audit write is counted, the process lives on and the log stays whole', async () => {
    // full before the first audit line: a line that fits in the log's last allocated page would still be written
    const audit = join(dir, 'full.duckdb.audit.log');
    const filler = fill(dir);
    for (let i = 0; i < 3; i++) expect(await upgradeStatus(i === 0 ? '' : '?token=wrong-token-0123456789')).toBe(401);
    const h = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).json() as Promise<Health>, 'health while full');
    expect(h.server.handlerErrors).toBeGreaterThanOrEqual(1);
    expect(h.server.lastHandlerError).toMatch(/ENOSPC|incomplete/);
    expect(engine.proc.exitCode).toBeNull();
    expect(verifyAuditLog(audit)).toMatchObject({ ok: true, entries: 0, tornTail: null, problems: [] });

    rmSync(filler);
    // an audited action after the disk has room again continues the chain
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${WALL}`);
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    ws.send(JSON.stringify({ t: 'command', id: 1, name: 'db.checkpoint', args: {} }));
    await waitFor(() => verifyAuditLog(audit).entries === 1, 'the refused command audited');
    ws.close();
    expect(verifyAuditLog(audit)).toMatchObject({ ok: true, entries: 1, problems: [], tornTail: null });
    expect(verifyAuditLog(audit).lastEntry).toMatchObject({ seq: 1, actor: 'wall-1/wall', outcome: 'refused' });
    expect(engine.proc.exitCode).toBeNull();
  });
});
