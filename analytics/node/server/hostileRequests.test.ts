import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCli, EngineProcess } from '../../../dev/testing/engineProcess.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';
import { freePort, NatsServerProcess } from '../feeds/natsServerProcess.js';

const WALL = 'wall-token-0123456789abcdef';
const tmp = tempDir('cityops-hostile-');
let nats: NatsServerProcess;
let engine: EngineProcess;
let port: number;

/** Sends exact bytes and returns whatever came back before the server closed (or reset) the connection. */
export function rawRequest(p: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect({ port: p, host: '127.0.0.1' }, () => s.write(text));
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => undefined);
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}
const statusOf = (answer: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

beforeAll(async () => {
  nats = await NatsServerProcess.start();
  const devices = `${tmp.dir}/devices.json`;
  writeFileSync(devices, JSON.stringify([{ device: 'wall-1', role: 'wall', token: WALL }]));
  port = await freePort();
  engine = await EngineProcess.start(builtCli(), ['--nats', nats.url, '--db', `${tmp.dir}/hostile.duckdb`, '--port', String(port), '--devices', devices]);
  await waitFor(async () => (await engine.health()).ok, 'engine connected');
});
afterAll(async () => {
  await engine?.kill('SIGTERM');
  await nats?.dispose();
  tmp.remove();
});

describe('hostile requests against a running engine process', () => {
  it('answers a path that does not decode (%E0%A4%A) with 400 and keeps running', async () => {
    expect(statusOf(await rawRequest(port, 'GET /%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toBe(400);
    expect((await engine.health()).ok).toBe(true);
  });

  it('answers the request target // as an ordinary path, with and without upgrade headers', async () => {
    const plain = statusOf(await rawRequest(port, 'GET // HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(plain).toBeGreaterThanOrEqual(200);
    expect(plain).toBeLessThan(500);
    expect(statusOf(await rawRequest(port, `GET // HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`))).toBe(404);
    expect((await engine.health()).ok).toBe(true);
  });

  it('refuses a handover range beyond what a Date holds with 400', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/api/handover.html?fromMs=0&toMs=1e20&token=${WALL}`);
    expect(r.status).toBe(400);
    expect((await engine.health()).ok).toBe(true);
  });

  it('survives clients that reset the connection in the middle of their request or its answer', async () => {
    const requests = ['GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n', `GET /api/handover.html?fromMs=0&toMs=86400000&token=${WALL} HTTP/1.1\r\nHost: x\r\n\r\n`, `GET /api/ws?token=${WALL} HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`, 'GET /api/ws HTTP/1.1\r\nHost: x\r\nConnection: Upg'];
    await Promise.all(Array.from({ length: 100 }, (_, i) => new Promise<void>((resolve) => {
      const s = connect({ port, host: '127.0.0.1' }, () => {
        s.write(requests[i % requests.length]!);
        // an RST, not a FIN: the server meets ECONNRESET on whatever it is doing then
        setImmediate(() => s.resetAndDestroy());
      });
      s.on('error', () => undefined);
      s.on('close', () => resolve());
    })));
    expect((await engine.health()).ok).toBe(true);
  });

  it('is still the same process, alive and answering, after all of them', async () => {
    expect(engine.proc.exitCode).toBeNull();
    expect(engine.proc.signalCode).toBeNull();
    const h = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).json() as Promise<{ ok: boolean }>, 'health');
    expect(h.ok).toBe(true);
  });
});
