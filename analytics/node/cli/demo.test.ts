import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { builtCli } from '../../../dev/testing/engineProcess.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';
import { freePort } from '../feeds/natsServerProcess.js';

const tmp = tempDir('cityops-demo-');
afterAll(() => tmp.remove());

async function runDemo(extra: string[]): Promise<{ health: Record<string, unknown>; output: string }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [builtCli(), 'demo', '--db', `${tmp.dir}/${port}.duckdb`, '--port', String(port), '--rate', '300', '--assets', '60', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const health = await waitFor(async () => {
      const h = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as { ingest: { stored: number } };
      return h.ingest.stored > 500 ? h : null;
    }, 'the demo city ingesting');
    return { health: health as unknown as Record<string, unknown>, output };
  } finally {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
}

describe('cityops demo', () => {
  it('runs the simulated city through a private nats-server and says where to look', async () => {
    const { health, output } = await runDemo([]);
    expect(health).toMatchObject({ ok: true, nats: { connected: true, mode: 'jetstream', gapsPossible: false } });
    expect(output).toMatch(/wall: +http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(output).toMatch(/private nats-server/);
  });

  it('runs on the in-process feed, labelled "demo, no NATS", when asked to (or when nats-server is missing)', async () => {
    const { health, output } = await runDemo(['--no-nats']);
    expect(health).toMatchObject({ ok: true, nats: { mode: 'memory', gapsPossible: true } });
    expect(output).toContain('demo, no NATS');
  });
});
