import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { verifyAuditLog } from '../audit/auditLog.js';
import { resolveServeSettings } from '../config.js';
import { MemoryFeed } from '../feeds/memorySource.js';
import { packageRoot } from '../paths.js';
import { builtCli } from '../../../dev/testing/engineProcess.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';
import { Database } from '../store/database.js';
import { loadDevices, startServe, type Served } from './serveCommand.js';

const tmp = tempDir('cityops-serve-');
afterAll(() => tmp.remove());

/** The status of a WebSocket upgrade without a token. */
function refusedUpgrade(url: string): Promise<number> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => reject(new Error('accepted without a token')));
    ws.once('error', reject);
  });
}

async function serveOn(db: string): Promise<Served> {
  const s = resolveServeSettings({ db, port: '0' }, {});
  s.engine.nats = null;
  return startServe(s, new MemoryFeed());
}

describe('two engines with different databases in one directory', () => {
  it('keep their own admin token and their own audit chain', async () => {
    const a = await serveOn(join(tmp.dir, 'a.duckdb'));
    const b = await serveOn(join(tmp.dir, 'b.duckdb'));
    try {
      expect(a.tokenFile).not.toBe(b.tokenFile);
      expect(readFileSync(a.tokenFile, 'utf8').trim()).toBe(a.token);
      expect(readFileSync(b.tokenFile, 'utf8').trim()).toBe(b.token);
      for (let i = 0; i < 4; i++) {
        for (const s of [a, b]) expect(await refusedUpgrade(`${s.server.url.replace('http', 'ws')}/api/ws`)).toBe(401);
      }
      expect(a.auditFile).not.toBe(b.auditFile);
      for (const s of [a, b]) expect(verifyAuditLog(s.auditFile)).toMatchObject({ ok: true, entries: 4, problems: [] });
      // one devices file for the site: both engines admit the same screens
      expect(a.devicesFile).toBe(b.devicesFile);
      expect(a.devices).toEqual(b.devices);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

/** A process that installs onShutdown around a stop that never finishes, as an engine under load might. */
function stuckStopper(deadlineMs: number): { proc: ReturnType<typeof spawn>; output: () => string; exited: Promise<number | null> } {
  builtCli();
  const module = join(packageRoot(), 'dist/analytics/node/cli/serveCommand.js');
  const code = `import { onShutdown } from ${JSON.stringify(module)}; onShutdown(() => new Promise(() => {})); setInterval(() => {}, 1000); console.log('ready');`;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CITYOPS_SHUTDOWN_DEADLINE_MS: String(deadlineMs) } });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  return { proc, output: () => out, exited };
}

describe('stopping on SIGTERM', () => {
  it('exits non-zero at the deadline when the graceful stop does not finish, saying why', async () => {
    const p = stuckStopper(300);
    await waitFor(() => p.output().includes('ready'), 'ready');
    p.proc.kill('SIGTERM');
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/did not finish within 300 ms/);
  });

  it('exits at once on a second signal', async () => {
    const p = stuckStopper(3_600_000);
    await waitFor(() => p.output().includes('ready'), 'ready');
    p.proc.kill('SIGTERM');
    await waitFor(() => p.output().includes('stopping'), 'stopping');
    p.proc.kill('SIGINT');
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/SIGINT during the stop after SIGTERM/);
  });
});

describe('stopping on the shell\'s message (Windows has no graceful signal)', () => {
  it('ignores any other message, then on the stop message commits what it took, closes its database and exits 0', async () => {
    builtCli();
    const dist = (m: string): string => JSON.stringify(join(packageRoot(), 'dist/analytics/node', m));
    const db = join(tmp.dir, 'stop-message.duckdb');
    const code = `import { onShutdown } from ${dist('cli/serveCommand.js')};
      import { defaultEngineConfig, startEngine } from ${dist('engine.js')};
      import { MemoryFeed } from ${dist('feeds/memorySource.js')};
      const feed = new MemoryFeed();
      const engine = await startEngine(defaultEngineConfig({ db: ${JSON.stringify(db)}, nats: null }), feed);
      for (let i = 0; i < 50; i++) await feed.publish('city.telemetry.gas.420303.a1', new TextEncoder().encode(JSON.stringify({ id: 'r' + i, ts: Date.now() - 1000, metric: 'lel_pct', value: i })));
      onShutdown(() => engine.stop());
      // after the engine's own listener: an echo says a message was heard (and, unless it was the stop, ignored)
      process.on('message', (m) => process.send({ echo: m }));
      // as the server does in the serve command: something keeps the process alive
      setInterval(() => {}, 1000);
      console.log('ready');`;
    const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const echoes: unknown[] = [];
    proc.on('message', (m) => echoes.push(m));
    const exited = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    await waitFor(() => out.includes('ready'), 'ready');
    const hostile: unknown[] = ['cityops:stop', { type: 'cityops:stop', now: true }, { type: 'stop' }, ['cityops:stop'], null, 42, { data: { type: 'cityops:stop' } }];
    for (const m of hostile) proc.send(m as never);
    await waitFor(() => echoes.length === hostile.length, 'the hostile messages heard');
    expect(out).not.toMatch(/stopping/);
    expect(proc.exitCode).toBeNull();
    proc.send({ type: 'cityops:stop' });
    expect(await exited).toBe(0);
    expect(out).toMatch(/stop message: stopping/);
    // the file reopens cleanly, holding every reading taken
    const reopened = await Database.open(db);
    try {
      expect(await reopened.queryRows('SELECT count(*)::INTEGER AS n FROM readings')).toEqual([{ n: 50 }]);
    } finally {
      await reopened.close();
    }
  });
});

describe('the devices made on first start', () => {
  it('have names, so the screens say who acted by name and never by id', () => {
    const dir = tempDir();
    try {
      const { devices } = loadDevices(undefined, dir.dir);
      expect(devices.map((d) => [d.device, d.role, d.name])).toEqual([
        ['wall-1', 'wall', '大屏1'], ['console-1', 'shift_leader', '一号值班台'], ['console-2', 'shift_leader', '二号值班台'], ['analyst-1', 'analyst', '分析席'],
      ]);
      // the file written is read back the same
      expect(loadDevices(undefined, dir.dir).devices).toEqual(devices);
    } finally {
      dir.remove();
    }
  });
});
