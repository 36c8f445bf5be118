import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineService } from '../engineService.js';
import { QUERY_PARAMS } from '../../common/engineApi.js';
import { handoverHtml } from '../ops/handoverHtml.js';
import { QueryRefused } from '../queries/queryGate.js';
import { clipField, isoOf } from '../audit/auditText.js';
import { DEFAULT_REFUSAL_LIMITS, RefusalLimiter, type RefusalLimits, type RefusalReason } from '../audit/refusalLimiter.js';
import { AccessTokens, originAllowed, ownOrigins, tokenOf, type Identity } from './access.js';
import { DEFAULT_SOCKET_LIMITS, EngineSocket, type Audit, type SocketLimits } from './engineSocket.js';
import { parseTarget, type RequestTarget } from './request.js';
import { SECURITY_HEADERS, serveStatic } from './staticFiles.js';
import { issuesText } from '../../common/vocabulary.js';
import { deviceLabel } from '../../common/deviceLabel.js';

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
  /** How many refused upgrades are written to the audit one by one (the rest are summarised). */
  refusals: RefusalLimits;
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
  refusals: DEFAULT_REFUSAL_LIMITS,
  audit: (line, who) => console.error(`[audit] ${new Date().toISOString()} ${who ? `${who.device}/${who.role} ` : ''}${line}`),
};

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(JSON.stringify(body));
}

/** What every handler needs: the engine, the options, an audit that cannot throw, and who we are. */
interface Context {
  engine: EngineService;
  o: ServerOptions;
  audit: Audit;
  refusals: RefusalLimiter<Identity>;
  ownOrigins: () => readonly string[];
}

/**
 * The headless server: /api/health for anyone on the host, the engine API over WebSocket with a token.
 * The request and upgrade handlers are exception boundaries: whatever a client sends, a failure
 * becomes an answer (or a closed socket) and a count in health, never a throw out of the handler.
 */
export async function startServer(engine: EngineService, o: ServerOptions): Promise<RunningServer> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayloadBytes, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();
  let listenPort = o.port;
  // an audit write can fail (disk full, I/O error); that is counted, and the request goes on
  const audit: Audit = (line, who) => {
    try {
      o.audit(line, who);
    } catch (e) {
      engine.boundary.note('audit write', e);
    }
  };
  const ctx: Context = {
    engine, o, audit,
    refusals: new RefusalLimiter<Identity>(o.refusals, (line, who) => audit(line, who)),
    ownOrigins: () => ownOrigins(o.host, listenPort),
  };

  const server = createServer((req, res) => {
    // a client that resets mid-answer makes these emit 'error': nothing to answer any more
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    handleHttp(ctx, req, res).catch((e: unknown) => failed(ctx, `HTTP ${req.method ?? '?'}`, e, res));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    try {
      upgrade(ctx, req, socket, (who) => wss.handleUpgrade(req, socket, head, (ws) => {
        alive.set(ws, true);
        ws.on('pong', () => alive.set(ws, true));
        new EngineSocket(ws, engine, who, o.limits, audit, o.tokens.directory(), ctx.refusals);
      }));
    } catch (e) {
      engine.boundary.note('WebSocket upgrade', e);
      socket.destroy();
    }
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
  listenPort = typeof addr === 'object' && addr ? addr.port : o.port;
  return {
    server, port: listenPort, url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${listenPort}`,
    close: async () => {
      clearInterval(ping);
      ctx.refusals.flush();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** An unexpected failure in a request: counted, then a 500 if nothing was answered yet, else the answer is cut. */
function failed(ctx: Context, where: string, e: unknown, res: ServerResponse): void {
  ctx.engine.boundary.note(where, e);
  if (res.headersSent) res.destroy();
  else json(res, 500, { error: 'internal error (counted in /api/health server.handlerErrors)' });
}

function upgrade(ctx: Context, req: IncomingMessage, socket: Duplex, accept: (who: Identity) => void): void {
  const target = parseTarget(req.url);
  const answer = (status: number): void => void socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}\r\nConnection: close\r\n\r\n`);
  if (typeof target === 'string') return answer(400);
  // the socket is answered first: a failing or suppressed audit line never delays or prevents the refusal
  const refuse = (status: number, reason: RefusalReason, detail: string): void => {
    answer(status);
    ctx.refusals.refuse(reason, () => `refused WebSocket from ${req.socket.remoteAddress ?? '?'}: ${detail}; user agent ${clipField(req.headers['user-agent'], 48)}`);
  };
  if (target.pathname !== '/api/ws') return refuse(404, 'path', `path ${clipField(target.pathname)}`);
  if (!originAllowed(req.headers.origin, ctx.o.allowedOrigins, ctx.ownOrigins)) return refuse(403, 'origin', `origin ${clipField(req.headers.origin)}`);
  const token = tokenOf(req, target.searchParams);
  const who = ctx.o.tokens.identify(token);
  // a wrong token is never written out: a near miss of a real token must not end up in a log file
  if (who === null) return refuse(401, 'token', token === null ? 'missing token' : `wrong token (${token.length} chars)`);
  accept(who);
}

async function handleHttp(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { engine, o } = ctx;
  const target = parseTarget(req.url);
  if (typeof target === 'string') return json(res, 400, { error: target === 'undecodable' ? 'the path is not valid percent-encoded UTF-8' : 'the request target is not a path' });
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
  const { pathname } = target;
  if (pathname === '/api/health') return json(res, 200, engine.health());
  if (pathname.startsWith('/api/')) {
    if (!originAllowed(req.headers.origin, o.allowedOrigins, ctx.ownOrigins)) return json(res, 403, { error: 'origin not allowed' });
    const who = o.tokens.identify(tokenOf(req, target.searchParams));
    if (who === null) return json(res, 401, { error: 'token required' });
    if (pathname === '/api/handover.html') return handover(ctx, target, who, res);
    if (pathname.startsWith('/api/download/')) return download(ctx, req, pathname.slice('/api/download/'.length), who, res);
    const view = READ_API[pathname];
    if (!view) return json(res, 404, { error: `no such endpoint ${pathname.slice(0, 100)}` });
    const parsed = QUERY_PARAMS[view].safeParse(queryParams(target.searchParams));
    if (!parsed.success) return json(res, 400, { error: issuesText(parsed.error) });
    // a client that hangs up stops its query's work too
    const left = new AbortController();
    res.on('close', () => { if (!res.writableFinished) left.abort(new Error('the client left')); });
    try {
      const body = { data: await engine.query(view, parsed.data, left.signal), generatedAtMs: Date.now() };
      const cap = engine.queryLimits.maxResultBytes;
      if (Buffer.byteLength(JSON.stringify(body)) > cap) throw new QueryRefused('too_large', `the answer is larger than ${cap} bytes: narrow it (filters, a smaller limit)`);
      json(res, 200, body);
    } catch (e) {
      if (e instanceof QueryRefused) json(res, REFUSAL_STATUS[e.code], { error: e.message, code: e.code });
      else if (!left.signal.aborted) failed(ctx, `HTTP ${pathname}`, e, res);
    }
    return;
  }
  serveStatic(o.staticDir, target.decodedPath, res, (e) => engine.boundary.note(`static ${clipField(pathname)}`, e));
}

/** busy: try again later; timeout: the query was interrupted; too_large: narrow it. */
const REFUSAL_STATUS = { busy: 503, timeout: 504, too_large: 413 } as const;

const numberParam = (v: string | null): number | undefined => (v === null || v.trim() === '' ? undefined : Number(v));

/** A shift's handover report as a page (the report is kept in the database with its SHA-256). */
async function handover(ctx: Context, target: RequestTarget, who: Identity, res: ServerResponse): Promise<void> {
  const { engine } = ctx;
  const p = target.searchParams;
  // the contract's bounds: an instant beyond what a Date holds is a bad request, not a failure later
  const range = QUERY_PARAMS.handover.safeParse({ fromMs: numberParam(p.get('fromMs')), toMs: numberParam(p.get('toMs')) });
  if (!range.success || range.data.toMs <= range.data.fromMs) return json(res, 400, { error: 'fromMs and toMs (epoch ms within ±8.64e15, fromMs < toMs) are required' });
  const { fromMs, toMs } = range.data;
  const lang = p.get('lang') === 'en' ? 'en' : 'zh';
  // keeping a report writes to the database: only those who may generate one (as the engine API's
  // handover.generate); any token may read one
  const keep = p.get('keep') === 'true';
  if (keep && !KEEPS_HANDOVER.includes(who.role)) {
    ctx.refusals.refuse('command', () => `refused handover keep from role ${who.role}`, who);
    return json(res, 403, { error: `role ${who.role} may not keep a handover report` });
  }
  let html: string;
  let sha256: string;
  try {
    const r = await engine.handover(fromMs, toMs, keep);
    const rules = new Map(engine.alarmRules().map((x) => [x.id, x.title[lang]]));
    const devices = ctx.o.tokens.directory();
    html = handoverHtml(r, lang, (id) => rules.get(id) ?? id, (key) => engine.assetName(key), (d) => deviceLabel(lang, devices, d));
    sha256 = r.sha256;
  } catch (e) {
    return json(res, 500, { error: e instanceof Error ? e.message : String(e) });
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(html);
  // a kept report is an action (the signatures will refer to it); reading one is not, and is not logged
  if (keep) ctx.audit(`kept handover report ${isoOf(fromMs)}..${isoOf(toMs)} sha256 ${sha256}`, who);
}

const KEEPS_HANDOVER: readonly string[] = ['shift_leader', 'admin'];

/**
 * A file of `sql.export`, once (docs/engine-api.md): only to the device whose token exported it,
 * within its lifetime; then it is deleted. GET only (a HEAD would spend the one download).
 */
function download(ctx: Context, req: IncomingMessage, id: string, who: Identity, res: ServerResponse): void {
  if (req.method !== 'GET') return json(res, 405, { error: 'a download is fetched once, with GET' });
  const got = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? ctx.engine.sql.downloads.take(id, who.device) : 'missing';
  if (got === 'missing') return json(res, 404, { error: 'no such download: never made, already fetched or expired' });
  if (got === 'forbidden') {
    ctx.refusals.refuse('command', () => `refused download ${id.slice(0, 6)}… of another device`, who);
    return json(res, 403, { error: 'this download belongs to another device' });
  }
  // the name is the engine's own (cityops-sql-<time>.<ext>): ASCII, no quote, nothing to escape
  res.writeHead(200, {
    'content-type': got.contentType, 'content-length': String(got.bytes), 'cache-control': 'no-store',
    'content-disposition': `attachment; filename="${got.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`, ...SECURITY_HEADERS,
  });
  const stream = createReadStream(got.path);
  const done = (): void => ctx.engine.sql.downloads.discard(got);
  stream.on('error', (e) => {
    ctx.engine.boundary.note('download', e);
    res.destroy();
    done();
  });
  res.on('close', done);
  stream.pipe(res);
  ctx.audit(`downloaded SQL export ${got.fileName} (${got.bytes} bytes)`, who);
}

/** The read-only HTTP API for other city systems (docs/api.md): GET, token required, filters as query parameters. */
const READ_API: Record<string, 'alarms' | 'hazards' | 'risks'> = { '/api/alarms': 'alarms', '/api/hazards': 'hazards', '/api/risks': 'risks' };

/** Query parameters as the contract's types: `limit` a number, true/false booleans, everything else text. */
function queryParams(params: URLSearchParams): Record<string, unknown> {
  // no prototype: `?__proto__=…` is just an unknown parameter for the schema to refuse
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of params) {
    if (k === 'token') continue;
    out[k] = k === 'limit' ? Number(v) : v === 'true' ? true : v === 'false' ? false : v;
  }
  return out;
}
