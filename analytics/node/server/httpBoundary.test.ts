import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { defaultEngineConfig, startEngine, type Engine } from '../engine.js';
import { MemoryFeed } from '../feeds/memorySource.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';
import { AccessTokens } from './access.js';
import { DEFAULT_SERVER, startServer, type RunningServer, type ServerOptions } from './httpServer.js';

const ADMIN = 'admin-token-0123456789abcdef';
const WALL = 'wall-token-0123456789abcdef';
const APP = 'cityops://app';
const tmp = tempDir('cityops-boundary-');
const audit: string[] = [];
let engine: Engine;
let server: RunningServer;

function serverOn(over: Partial<ServerOptions>): Promise<RunningServer> {
  const tokens = new AccessTokens();
  tokens.add(ADMIN, 'admin');
  tokens.add(WALL, 'wall');
  return startServer(engine, { ...DEFAULT_SERVER, port: 0, tokens, staticDir: tmp.dir, allowedOrigins: [APP], audit: (l) => audit.push(l), ...over });
}

beforeAll(async () => {
  writeFileSync(`${tmp.dir}/index.html`, '<!doctype html><title>wall</title>');
  engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/b.duckdb`, nats: null }), new MemoryFeed());
  server = await serverOn({});
});
afterAll(async () => {
  await server?.close();
  await engine?.stop();
  tmp.remove();
});

/**
 * Sends exact bytes and returns the answer: up to the end of an accepted upgrade's head (the
 * connection then stays open, so it is closed here), else whatever came before the server closed it.
 */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect({ port, host: '127.0.0.1' }, () => s.write(text));
    s.on('data', (d) => {
      chunks.push(d);
      const sofar = Buffer.concat(chunks).toString('latin1');
      if (sofar.startsWith('HTTP/1.1 101') && sofar.includes('\r\n\r\n')) s.destroy();
    });
    s.on('error', () => undefined);
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}
const statusOf = (answer: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
const get = (path: string, headers = ''): string => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers}\r\n`;
const upgrade = (path: string, headers = '', host = '127.0.0.1'): string =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${headers}\r\n`;

describe('request targets that do not parse or decode', () => {
  it('answers 400 to a path whose percent-encoding is not UTF-8 (%E0%A4%A) or holds NUL', async () => {
    expect(statusOf(await rawRequest(server.port, get('/%E0%A4%A')))).toBe(400);
    expect(statusOf(await rawRequest(server.port, get('/%00.html')))).toBe(400);
    expect(statusOf(await rawRequest(server.port, get('/api/alarms%ZZ')))).toBe(400);
  });

  it('serves // as the wall and refuses it as an upgrade path with 404', async () => {
    expect(statusOf(await rawRequest(server.port, get('//')))).toBe(200);
    expect(statusOf(await rawRequest(server.port, get('//api//health')))).toBeLessThan(500);
    expect(statusOf(await rawRequest(server.port, upgrade('//')))).toBe(404);
    expect(statusOf(await rawRequest(server.port, upgrade('//evil.example/api/ws')))).toBe(404);
  });

  it('takes an absolute-form target by its path, and refuses one that names no path', async () => {
    expect(statusOf(await rawRequest(server.port, get('http://127.0.0.1/api/health')))).toBe(200);
    expect(statusOf(await rawRequest(server.port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toBe(400);
  });
});

describe('the handover report over HTTP', () => {
  it('answers 400 to instants a Date cannot hold, without a handler error', async () => {
    const before = engine.boundary.count;
    for (const q of ['fromMs=0&toMs=1e20', 'fromMs=-1e300&toMs=0', 'fromMs=0&toMs=NaN', 'fromMs=5&toMs=1']) {
      const r = await fetch(`${server.url}/api/handover.html?${q}&token=${WALL}`);
      expect(r.status, q).toBe(400);
    }
    expect(engine.boundary.count).toBe(before);
  });
});

describe('the bearer scheme', () => {
  it('is case-insensitive (RFC 7235) for the read API and the WebSocket', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const r = await fetch(`${server.url}/api/alarms`, { headers: { authorization: `${scheme} ${WALL}` } });
      expect(r.status, scheme).toBe(200);
    }
    expect(statusOf(await rawRequest(server.port, upgrade('/api/ws', `Authorization: bearer ${WALL}\r\n`)))).toBe(101);
  });
});

describe('the Origin check', () => {
  it('refuses a foreign Origin even when the Host header names the same place (DNS rebinding)', async () => {
    const r = await rawRequest(server.port, upgrade(`/api/ws?token=${WALL}`, 'Origin: http://evil.example\r\n', 'evil.example'));
    expect(statusOf(r)).toBe(403);
    const withPort = await rawRequest(server.port, upgrade(`/api/ws?token=${WALL}`, `Origin: http://evil.example:${server.port}\r\n`, `evil.example:${server.port}`));
    expect(statusOf(withPort)).toBe(403);
  });

  it('admits the addresses it listens on, whatever Host says, and the allowed origins', async () => {
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`, `http://[::1]:${server.port}`, APP]) {
      const r = await rawRequest(server.port, upgrade(`/api/ws?token=${WALL}`, `Origin: ${origin}\r\n`, 'evil.example'));
      expect(statusOf(r), origin).toBe(101);
    }
    expect(statusOf(await rawRequest(server.port, upgrade(`/api/ws?token=${WALL}`, `Origin: http://127.0.0.1:${server.port + 1}\r\n`)))).toBe(403);
  });
});

describe('the audit of refusals', () => {
  it('writes at most a few refusal lines per interval, each short and on one line, then a summary', async () => {
    const lines: string[] = [];
    // an interval longer than the test: exactly 5 lines, and closing the server writes the summary
    const s = await serverOn({ audit: (l) => lines.push(l), refusals: { maxPerInterval: 5, intervalMs: 3_600_000 } });
    try {
      const origin = `http://${'a'.repeat(15 * 1024)}\tx`;
      for (let i = 0; i < 200; i += 20) {
        await Promise.all(Array.from({ length: 20 }, () => rawRequest(s.port, upgrade('/api/ws', `Origin: ${origin}\r\nUser-Agent: ${'u'.repeat(500)}\r\n`))));
      }
      await Promise.all(Array.from({ length: 20 }, () => rawRequest(s.port, upgrade(`/api/${'p'.repeat(9000)}`))));
      expect(lines.filter((l) => l.startsWith('suppressed'))).toEqual([]);
      await s.close();
      const refusals = lines.filter((l) => l.startsWith('refused'));
      expect(refusals.length).toBe(5);
      expect(lines.filter((l) => l.startsWith('suppressed'))).toEqual(['suppressed 215 refusals beyond 5 per 3600000 ms (by reason: origin 195, path 20)']);
      for (const l of lines) {
        expect(l.length).toBeLessThan(400);
        expect(l).not.toMatch(/[\u0000-\u001f]/);
      }
      const summarised = lines.filter((l) => l.startsWith('suppressed')).map((l) => Number(/^suppressed (\d+)/.exec(l)?.[1]));
      expect(refusals.length + summarised.reduce((a, b) => a + b, 0)).toBe(220);
      expect(lines.join('\n')).toMatch(/origin/);
    } finally {
      await s.close();
    }
  });

  it('never names a presented token, only that it was wrong', async () => {
    const lines: string[] = [];
    const s = await serverOn({ audit: (l) => lines.push(l) });
    try {
      expect(statusOf(await rawRequest(s.port, upgrade('/api/ws?token=almost-the-wall-token-0123')))).toBe(401);
      expect(lines.join('\n')).not.toContain('almost-the-wall-token');
      expect(lines.join('\n')).toMatch(/wrong token/);
    } finally {
      await s.close();
    }
  });
});

describe('the exception boundary', () => {
  it('answers a refused upgrade and counts the failure when the audit sink throws', async () => {
    const s = await serverOn({ audit: () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); } });
    try {
      const before = engine.boundary.count;
      expect(statusOf(await rawRequest(s.port, upgrade('/api/ws')))).toBe(401);
      expect(statusOf(await rawRequest(s.port, upgrade('/api/ws?token=wrong-token-0123456789')))).toBe(401);
      expect(engine.boundary.count).toBe(before + 2);
      expect(engine.boundary.last).toMatch(/ENOSPC/);
      expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('counts a failure that comes after the answer was sent', async () => {
    const s = await serverOn({ audit: () => { throw new Error('audit sink broken'); } });
    try {
      const before = engine.boundary.count;
      const r = await fetch(`${s.url}/api/handover.html?fromMs=0&toMs=1000&keep=true&token=${ADMIN}`);
      // the report was answered before the audit line failed: the client has it, the failure is counted
      expect(r.status).toBe(200);
      await r.text();
      await waitFor(() => engine.boundary.count > before, 'failure counted');
      expect(engine.boundary.last).toMatch(/audit sink broken/);
    } finally {
      await s.close();
    }
  });
});

describe('a read-only token and the handover report', () => {
  it('may read a report but not keep one (keeping writes to the database)', async () => {
    const kept = async (): Promise<number> => Number((await engine.db.queryRows('SELECT count(*)::INTEGER AS n FROM handover_reports'))[0]?.['n'] ?? 0);
    const before = await kept();
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${server.url}/api/handover.html?fromMs=${1e12 + i * 1000}&toMs=${2e12}&keep=true&token=${WALL}`);
      expect(r.status).toBe(403);
      await r.text();
    }
    expect((await fetch(`${server.url}/api/handover.html?fromMs=0&toMs=1000&token=${WALL}`)).status).toBe(200);
    expect(await kept()).toBe(before);
    const ok = await fetch(`${server.url}/api/handover.html?fromMs=0&toMs=1000&keep=true&token=${ADMIN}`);
    expect(ok.status).toBe(200);
    await ok.text();
    expect(await kept()).toBe(before + 1);
  });
});

describe('refusals on a connection are limited like refused connections', () => {
  it('a wall token sending forbidden commands as fast as answers come back adds a bounded number of audit lines', async () => {
    const lines: string[] = [];
    const s = await serverOn({ audit: (l) => lines.push(l), refusals: { maxPerInterval: 5, intervalMs: 60_000 } });
    try {
      const ws = new WebSocket(`${s.url.replace('http', 'ws')}/api/ws?token=${WALL}`);
      let answers = 0;
      ws.on('message', (d) => { if (JSON.parse(d.toString()).t === 'result') answers++; });
      await new Promise((r) => ws.once('open', r));
      for (let round = 0; round < 100; round++) {
        for (let i = 0; i < 4; i++) ws.send(JSON.stringify({ t: 'command', id: round * 4 + i + 1, name: 'db.checkpoint', args: {} }));
        await waitFor(() => answers >= (round + 1) * 4, `round ${round} answered`);
      }
      ws.close();
      expect(lines.filter((l) => l.startsWith('refused command')).length).toBe(5);
    } finally {
      await s.close();
    }
    // closing the server writes what was counted and not written
    const summary = lines.find((l) => l.startsWith('suppressed'));
    expect(summary).toMatch(/suppressed 395 refusals .*command 395/);
  });
});
