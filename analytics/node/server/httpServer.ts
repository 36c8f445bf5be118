import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine } from '../engine.js';
import { QUERY_PARAMS } from '../../common/engineApi.js';
import { handoverHtml } from '../ops/handoverHtml.js';
import { AccessTokens, originAllowed, tokenOf, type Identity } from './access.js';
import { DEFAULT_SOCKET_LIMITS, EngineSocket, type Audit, type SocketLimits } from './engineSocket.js';

export interface ServerOptions {
  host: string;
  port: number;
  tokens: AccessTokens;
  /** Origins allowed besides the server's own. */
  allowedOrigins: string[];
  /** The built renderer, served at `/`. */
  staticDir: string | null;
  maxPayloadBytes: number;
  pingIntervalMs: number;
  limits: SocketLimits;
  audit: Audit;
}

export const DEFAULT_SERVER: Omit<ServerOptions, 'tokens'> = {
  host: '127.0.0.1',
  port: 8640,
  allowedOrigins: [],
  staticDir: null,
  maxPayloadBytes: 64 * 1024,
  pingIntervalMs: 15_000,
  limits: DEFAULT_SOCKET_LIMITS,
  audit: (line, who) => console.error(`[audit] ${new Date().toISOString()} ${who ? `${who.device}/${who.role} ` : ''}${line}`),
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.geojson': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.ogg': 'audio/ogg', '.wav': 'audio/wav',
};

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(JSON.stringify(body));
}

/** The headless server: /api/health for anyone on the host, the engine API over WebSocket with a token. */
export async function startServer(engine: Engine, o: ServerOptions): Promise<RunningServer> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayloadBytes, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();

  const server = createServer((req, res) => handleHttp(engine, o, req, res));
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, why: string): void => {
      o.audit(`refused WebSocket from ${req.socket.remoteAddress ?? '?'}: ${why}`);
      socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 401 ? 'Unauthorized' : 'Not Found'}\r\nConnection: close\r\n\r\n`);
    };
    if (url.pathname !== '/api/ws') return refuse(404, `path ${url.pathname}`);
    if (!originAllowed(req.headers.origin, req.headers.host, o.allowedOrigins)) return refuse(403, `origin ${req.headers.origin ?? ''}`);
    const who: Identity | null = o.tokens.identify(tokenOf(req, url));
    if (who === null) return refuse(401, 'missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      new EngineSocket(ws, engine, who, o.limits, o.audit);
    });
  });

  const ping = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, o.pingIntervalMs);
  ping.unref();

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolveListen());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return {
    server, port, url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`,
    close: async () => {
      clearInterval(ping);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function handleHttp(engine: Engine, o: ServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
  if (url.pathname === '/api/health') {
    const h = engine.health();
    return json(res, 200, h);
  }
  if (url.pathname.startsWith('/api/')) {
    const who = o.tokens.identify(tokenOf(req, url));
    if (who === null) return json(res, 401, { error: 'token required' });
    if (url.pathname === '/api/handover.html') {
      const from = Number(url.searchParams.get('fromMs'));
      const to = Number(url.searchParams.get('toMs'));
      if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return json(res, 400, { error: 'fromMs and toMs (epoch ms, fromMs < toMs) are required' });
      const lang = url.searchParams.get('lang') === 'en' ? 'en' : 'zh';
      engine.ops.handover(from, to, url.searchParams.get('keep') === 'true').then((r) => {
        const rules = new Map(engine.ops.rules.map((x) => [x.id, x.title[lang]]));
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
        res.end(handoverHtml(r, lang, (id) => rules.get(id) ?? id, (key) => engine.ops.assetName(key)));
        o.audit(`handover report ${new Date(from).toISOString()}..${new Date(to).toISOString()} sha256 ${r.sha256}`, who);
      }, (e: unknown) => json(res, 500, { error: e instanceof Error ? e.message : String(e) }));
      return;
    }
    const view = READ_API[url.pathname];
    if (!view) return json(res, 404, { error: `no such endpoint ${url.pathname}` });
    const params = queryParams(url);
    const parsed = QUERY_PARAMS[view].safeParse(params);
    if (!parsed.success) return json(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    engine.query(view, parsed.data).then((data) => json(res, 200, { data, generatedAtMs: Date.now() }), (e: unknown) => json(res, 500, { error: e instanceof Error ? e.message : String(e) }));
    return;
  }
  serveStatic(o.staticDir, url.pathname, res);
}

/** The read-only HTTP API for other city systems (docs/api.md): GET, token required, filters as query parameters. */
const READ_API: Record<string, 'alarms' | 'hazards' | 'risks'> = { '/api/alarms': 'alarms', '/api/hazards': 'hazards', '/api/risks': 'risks' };

/** Query parameters as the contract's types: `limit` a number, true/false booleans, everything else text. */
function queryParams(url: URL): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) {
    if (k === 'token') continue;
    out[k] = k === 'limit' ? Number(v) : v === 'true' ? true : v === 'false' ? false : v;
  }
  return out;
}

function serveStatic(dir: string | null, pathname: string, res: ServerResponse): void {
  if (dir === null || !existsSync(dir)) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end('cityops engine: GET /api/health, engine API at /api/ws (token required)\n');
    return;
  }
  const root = resolve(dir);
  const rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  let file = join(root, rel === '' ? 'index.html' : rel);
  if (!file.startsWith(root)) {
    res.writeHead(403).end();
    return;
  }
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', ...SECURITY_HEADERS });
  createReadStream(file).pipe(res);
}
