import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { COMMAND_ARGS, QUERY_PARAMS, ServerMessageSchema, TOPICS } from '../../analytics/common/engineApi.js';
import {
  apiCase, feedRun, FeedMaterializer, httpCase, jsonText, JsonObj, RawJson,
  type ApiCase, type ApiMessage, type ApiParams, type FeedMessage, type FeedSpec, type HttpCase,
} from './arbitraries.js';
import { builtCli } from '../testing/engineProcess.js';
import type { FuzzProperty } from './fuzzRunner.js';
import { FUZZ_ADMIN_TOKEN, FUZZ_ALLOWED_ORIGIN, FUZZ_WALL_TOKEN, SAFETY_NET_MS, type FuzzTarget, type IngestHealth } from './fuzzTarget.js';
import { ContractJudge, verdictCounts, type MessageVerdict } from './oracle.js';

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const shown = (s: string, max = 300): string => JSON.stringify(s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s);

// ---------------------------------------------------------------- HTTP

const TOKENS = { admin: FUZZ_ADMIN_TOKEN, wall: FUZZ_WALL_TOKEN, wrong: 'wrong-token-0123456789abcdef', huge: 'x'.repeat(20_000) } as const;

export interface RenderedHttp { bytes: string; expect: { status: number } | { notStatus: number } | null; why: string }

/** The request's bytes and what the contract says its answer must be (null: only that the engine survives). */
export function renderHttp(c: HttpCase, port: number): RenderedHttp {
  let target = c.target;
  if (c.tokenParam !== 'none' && target.startsWith('/')) target += `${target.includes('?') ? '&' : '?'}token=${TOKENS[c.tokenParam]}`;
  const h: [string, string][] = [];
  const hostValue = c.origin === 'evilMatchingHost' ? 'evil.example'
    : { own: `127.0.0.1:${port}`, evil: 'evil.example', missing: null, empty: '', huge: 'h'.repeat(15_000) }[c.host];
  if (hostValue !== null) h.push(['Host', hostValue]);
  if (c.auth.t === 'bearer') h.push(['Authorization', `${c.auth.scheme} ${TOKENS[c.auth.token]}`]);
  if (c.auth.t === 'other') h.push(['Authorization', c.auth.value]);
  const originValue = { none: null, own: `http://127.0.0.1:${port}`, allowed: FUZZ_ALLOWED_ORIGIN, evil: 'http://evil.example', evilMatchingHost: 'http://evil.example', null: 'null', huge: `http://${'o'.repeat(15_000)}.example` }[c.origin];
  if (originValue !== null) h.push(['Origin', originValue]);
  if (c.upgrade === 'none') h.push(['Connection', 'close']);
  else {
    h.push(['Connection', c.upgrade === 'upgradeOnly' ? 'close' : 'Upgrade'], ['Upgrade', 'websocket'], ['Sec-WebSocket-Version', c.upgrade === 'version8' ? '8' : '13']);
    if (c.upgrade !== 'noKey') h.push(['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==']);
  }
  if (c.fill > 0) h.push(['X-Fill', 'f'.repeat(c.fill)]);
  if (c.manyHeaders) for (let i = 0; i < 150; i++) h.push([`X-H-${i}`, `v${i}`]);
  const head = `${c.method} ${target} ${c.version}${c.eol}${h.map(([k, v]) => `${k}: ${v}${c.eol}`).join('')}${c.eol}`;

  // only well-formed requests with ordinary headers have an answer the contract fixes
  const plain = c.method === 'GET' && c.version === 'HTTP/1.1' && c.eol === '\r\n' && head.length < 12_000 && c.host === 'own' && !c.manyHeaders;
  const path = target.split('?')[0];
  const headerToken = c.auth.t === 'bearer' && (c.auth.token === 'admin' || c.auth.token === 'wall');
  const paramToken = c.auth.t === 'none' && (c.tokenParam === 'admin' || c.tokenParam === 'wall');
  const noToken = (c.auth.t === 'none' && (c.tokenParam === 'none' || c.tokenParam === 'wrong')) || (c.auth.t === 'bearer' && (c.auth.token === 'wrong' || c.auth.token === 'huge') && c.tokenParam === 'none');
  const foreign = c.origin === 'evil' || c.origin === 'evilMatchingHost' || c.origin === 'null' || c.origin === 'huge';
  let expect: RenderedHttp['expect'] = null;
  let why = '';
  const wsOk = c.method === 'GET' && c.version === 'HTTP/1.1' && c.eol === '\r\n' && c.upgrade === 'websocket' && path === '/api/ws' && !c.manyHeaders && c.fill < 12_000;
  if (wsOk && foreign && (headerToken || paramToken || noToken)) {
    expect = { notStatus: 101 };
    why = 'a WebSocket upgrade from a foreign Origin is refused, whatever the Host header says';
  } else if (wsOk && noToken) {
    expect = { notStatus: 101 };
    why = 'a WebSocket upgrade without a valid token is refused';
  } else if (plain && c.upgrade === 'websocket' && path === '/api/ws' && (headerToken || paramToken) && !foreign) {
    expect = { status: 101 };
    why = 'a WebSocket upgrade with a valid token (any case of "Bearer") from no, the own or an allowed Origin is accepted';
  } else if (plain && c.upgrade === 'none' && target === '/api/alarms' && headerToken && c.tokenParam === 'none' && !foreign) {
    // (with a query string the answer depends on its filters: an undecodable or invalid one is rightly 400)
    expect = { status: 200 };
    why = 'GET /api/alarms with a valid token under any case of "Bearer" is answered';
  } else if (plain && c.upgrade === 'none' && path === '/api/alarms' && foreign) {
    expect = { status: 403 };
    why = 'the HTTP API refuses a foreign Origin (a page elsewhere must not read it), whatever the Host header says';
  }
  return { bytes: head, expect, why };
}

/** Sends raw bytes on a fresh TCP connection and returns the status of the answer (null: none came). */
export function rawExchange(port: number, bytes: string): Promise<{ status: number | null; head: string }> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let got = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const m = /^HTTP\/\d\.\d (\d{3})/.exec(got);
      resolve({ status: m?.[1] ? Number(m[1]) : null, head: got.slice(0, 300) });
    };
    const timer = setTimeout(finish, 5_000);
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n') || got.length > 4096) finish();
    });
    s.on('error', finish);
    s.on('close', finish);
    s.write(bytes, 'latin1');
  });
}

export const httpProperty: FuzzProperty<HttpCase, null> = {
  name: 'HTTP request lines and headers over raw sockets',
  label: 'http',
  arbitrary: httpCase,
  initState: () => null,
  describe: (c) => JSON.stringify({ ...c, target: c.target.length > 200 ? `${c.target.slice(0, 200)}…(${c.target.length})` : c.target }),
  run: async (ctx, c) => {
    const { target } = ctx;
    const r = renderHttp(c, target.port);
    const answer = await rawExchange(target.port, r.bytes);
    ctx.stats['answered'] = (ctx.stats['answered'] ?? 0) + (answer.status === null ? 0 : 1);
    // an exception thrown after the answer ends the process a moment later: health tells
    await target.health();
    ctx.check(true, () => 'health answered');
    ctx.check(target.alive(), () => `the engine exited after ${shown(r.bytes, 400)}: ${target.describeDeath()}`);
    if (r.expect) {
      const e = r.expect;
      const ok = 'status' in e ? answer.status === e.status : answer.status !== e.notStatus;
      ctx.check(ok, () => `${r.why}: got ${String(answer.status)} (${shown(answer.head, 120)}) for ${shown(r.bytes, 400)}`);
    }
  },
};

// ---------------------------------------------------------------- engine API over WebSocket

const ERROR_CODES_FOR_VALID = ['bad_request', 'busy', 'timeout', 'too_large'];

function paramsJson(p: ApiParams): unknown {
  if (p.t === 'none') return undefined;
  if (p.t === 'raw') return new RawJson(p.text);
  return new JsonObj(...p.entries);
}

interface Expectation { what: string; ok: boolean; codes: readonly string[] }

function burstParams(name: string, nowMs: number): JsonObj {
  switch (name) {
    case 'assets': return new JsonObj(['limit', 20_000]);
    case 'series': return new JsonObj(['metric', 'lel_pct'], ['resolution', '10s'], ['fromMs', 0], ['toMs', nowMs]);
    case 'events': return new JsonObj(['limit', 1000], ['fromMs', 0]);
    case 'latest': return new JsonObj(['limit', 5000]);
    default: return new JsonObj(['fromMs', nowMs - 30 * 86_400_000], ['toMs', nowMs]);
  }
}

/** A connection at its cap of queries in flight may be answered `busy` before the name is looked at. */
function expectationOf(m: ApiMessage, role: 'wall' | 'admin'): Expectation | null {
  const e = expectationByName(m, role);
  return e && !e.codes.includes('busy') ? { ...e, codes: [...e.codes, 'busy'] } : e;
}

function expectationByName(m: ApiMessage, role: 'wall' | 'admin'): Expectation | null {
  switch (m.t) {
    case 'query':
      if (m.name.length > 64) return { what: 'a name longer than the contract allows', ok: false, codes: ['bad_request'] };
      if (!own(QUERY_PARAMS, m.name)) return { what: `query ${shown(m.name)} is not a query`, ok: false, codes: ['unknown_name'] };
      return { what: `query ${m.name}`, ok: true, codes: ERROR_CODES_FOR_VALID };
    case 'command':
      if (!own(COMMAND_ARGS, m.name)) return { what: `command ${shown(m.name)} is not a command`, ok: false, codes: ['unknown_name'] };
      // a wall may send an operator action (refused by its role) and set its own clock (replay); nothing else
      if (role === 'wall' && m.name !== 'ops' && m.name !== 'clock.set') return { what: `command ${m.name} from the wall`, ok: false, codes: ['forbidden'] };
      // a SQL statement may be stopped by the connection's own sql.cancel
      return { what: `command ${m.name}`, ok: true, codes: [...ERROR_CODES_FOR_VALID, 'forbidden', ...(m.name.startsWith('sql.') ? ['cancelled'] : [])] };
    case 'subscribe':
      if (!own(TOPICS, m.name)) return { what: `topic ${shown(m.name)} is not a topic`, ok: false, codes: ['unknown_name'] };
      return { what: `subscribe ${m.name}`, ok: true, codes: ['bad_request', 'too_many_subscriptions'] };
    case 'unsubscribe':
      // the message's own id is fresh, so it names no subscription of this connection
      return { what: 'unsubscribe of an id with no subscription', ok: false, codes: ['unknown_name'] };
    default:
      return null;
  }
}

type Result = { ok: true } | { ok: false; code: string; message: string };

export const apiProperty: FuzzProperty<ApiCase, null> = {
  name: 'engine-API messages over WebSocket (wall and admin tokens)',
  label: 'api',
  arbitrary: apiCase,
  initState: () => null,
  describe: (c) => JSON.stringify(c, (_k, v: unknown) => (typeof v === 'string' && v.length > 100 ? `${v.slice(0, 100)}…(${v.length})` : v)),
  run: async (ctx, c) => {
    const { target } = ctx;
    const token = c.role === 'admin' ? FUZZ_ADMIN_TOKEN : FUZZ_WALL_TOKEN;
    const url = `${target.url.replace('http', 'ws')}/api/ws${c.via === 'query' ? `?token=${token}` : ''}`;
    const ws = new WebSocket(url, { headers: c.via === 'header' ? { Authorization: `Bearer ${token}` } : {}, maxPayload: 64 * 1024 * 1024 });
    const results = new Map<number, Result>();
    let closed: { code: number; reason: string } | null = null;
    ws.on('message', (d) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(d.toString());
      } catch {
        parsed = null;
      }
      const m = ServerMessageSchema.safeParse(parsed);
      if (!m.success) {
        ctx.stats['nonContractMessages'] = (ctx.stats['nonContractMessages'] ?? 0) + 1;
        return;
      }
      if (m.data.t === 'result') results.set(m.data.id, m.data.ok ? { ok: true } : { ok: false, code: m.data.error.code, message: m.data.error.message });
    });
    const opened = await new Promise<string | null>((resolve) => {
      ws.once('open', () => resolve(null));
      ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${String(res.statusCode)}`));
      ws.once('error', (e) => resolve(e.message));
    });
    ctx.check(opened === null, () => `a connection with the ${c.role} token (${c.via}) was refused: ${String(opened)}`);
    ws.on('close', (code, reason) => { closed = { code, reason: reason.toString() }; });
    ws.on('error', () => undefined);

    const expected = new Map<number, Expectation>();
    // above the ids the raw messages carry, so that their answers are never taken for ours
    const FIRST_ID = 1000;
    let id = FIRST_ID;
    let sentOversize = false;
    let left = false;
    const nowMs = Date.now();
    for (const m of c.messages) {
      if (ws.readyState !== WebSocket.OPEN) break;
      if (m.t === 'raw') {
        ws.send(m.text);
        continue;
      }
      if (m.t === 'big') {
        const msgId = id++;
        const text = jsonText(new JsonObj(['t', 'query'], ['id', msgId], ['name', 'health'], ['params', new JsonObj(['pad', 'p'.repeat(Math.max(0, m.bytes - 60))])]));
        ws.send(text);
        if (Buffer.byteLength(text) > 64 * 1024) {
          sentOversize = true;
          break;
        }
        expected.set(msgId, { what: `a ${Buffer.byteLength(text)}-byte query within the frame limit`, ok: true, codes: ERROR_CODES_FOR_VALID });
        continue;
      }
      if (m.t === 'burst') {
        const name = m.name === 'handover' ? 'handover' : m.name;
        const params = burstParams(name, nowMs);
        for (let i = 0; i < m.count; i++) {
          const msgId = id++;
          ws.send(jsonText(new JsonObj(['t', 'query'], ['id', msgId], ['name', name], ['params', params])));
          if (!m.leave) expected.set(msgId, { what: `query ${name} in a burst of ${m.count}`, ok: true, codes: ERROR_CODES_FOR_VALID });
        }
        ctx.stats['burstQueries'] = (ctx.stats['burstQueries'] ?? 0) + m.count;
        if (m.leave) {
          // the client leaves with its queries in flight: the engine must drop their work
          ws.terminate();
          left = true;
          break;
        }
        continue;
      }
      const msgId = id++;
      const e = expectationOf(m, c.role);
      const body: [string, unknown][] = [['t', m.t], ['id', msgId]];
      if (m.t === 'query' || m.t === 'command') body.push(['name', m.name]);
      if (m.t === 'subscribe') body.push(['topic', m.name]);
      if (m.t !== 'unsubscribe') {
        const p = paramsJson(m.params);
        if (p !== undefined) body.push([m.t === 'command' ? 'args' : 'params', p]);
      }
      ws.send(jsonText(new JsonObj(...body)));
      if (e) expected.set(msgId, e);
    }
    ctx.stats['apiMessages'] = (ctx.stats['apiMessages'] ?? 0) + id - FIRST_ID;

    if (!left && !sentOversize) {
      const end = Date.now() + SAFETY_NET_MS;
      while ([...expected.keys()].some((k) => !results.has(k)) && closed === null && target.alive() && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const missing = [...expected.keys()].filter((k) => !results.has(k));
      ctx.check(missing.length === 0, () => `no result for ${missing.length} message(s), first: ${expected.get(missing[0] ?? 0)?.what ?? '?'} (connection ${closed ? `closed ${closed.code} ${closed.reason}` : 'open'}; engine alive ${target.alive()})`);
      for (const [k, e] of expected) {
        const r = results.get(k);
        if (!r) continue;
        ctx.check(r.ok ? e.ok : e.codes.includes(r.code), () => `${e.what}: got ${r.ok ? 'ok' : `${r.code}: ${shown(r.message, 200)}`}, expected ${e.ok ? 'ok or ' : ''}${e.codes.join(' | ')}`);
      }
    }
    if (sentOversize) {
      const end = Date.now() + SAFETY_NET_MS;
      while (closed === null && target.alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      const cl = closed as { code: number } | null;
      ctx.check(cl?.code === 1009, () => `a frame over 64 KiB closes the connection with 1009, got ${cl === null ? 'no close' : String(cl.code)}`);
    }
    if (ws.readyState === WebSocket.OPEN) ws.close();
    await target.health();
    ctx.check(target.alive(), () => `the engine exited: ${target.describeDeath()}`);
  },
};

// ---------------------------------------------------------------- feed payloads on NATS

export interface FeedState {
  judge: ContractJudge;
  last: IngestHealth;
  runs: number;
  messages: number;
  verdicts: MessageVerdict[];
}

const COUNTERS = ['received', 'stored', 'quarantined', 'duplicates'] as const;
type Counts = Record<(typeof COUNTERS)[number], number>;

/** The counts the contract allows for a run: one per choice at each depth-bound refusal. */
function allowedCounts(vs: readonly MessageVerdict[]): Counts[] {
  let options: MessageVerdict[][] = [[]];
  for (const v of vs) {
    const alt = v.wholeRefusal;
    options = alt && options.length < 64 ? options.flatMap((o) => [[...o, v], [...o, alt]]) : options.map((o) => [...o, v]);
  }
  return options.map((o) => verdictCounts(o));
}

function describeMessages(msgs: readonly FeedMessage[], verdicts: readonly MessageVerdict[]): string {
  const dec = new TextDecoder();
  return msgs.map((m, i) => {
    const v = verdicts[i];
    const judged = v ? `stored ${v.stored.length}, quarantined ${v.rejections.length} (${v.rejections.map((r) => r.reasons?.join('|') ?? `any: ${r.why}`).join(', ')}), duplicates ${v.duplicates}${v.wholeRefusal ? ', or refused whole' : ''}` : '';
    return `  [${i}] ${m.label} on ${m.subject}: ${shown(dec.decode(m.data), 400)}\n      contract: ${judged}`;
  }).join('\n');
}

let runCounter = 0;

export const feedProperty: FuzzProperty<FeedSpec[], FeedState> = {
  name: 'feed payloads on every subject kind, checked against the contract',
  label: 'feed',
  arbitrary: feedRun,
  initState: async (target) => ({ judge: new ContractJudge(), last: (await target.caughtUp()).ingest, runs: 0, messages: 0, verdicts: [] }),
  describe: (specs) => {
    const m = new FeedMaterializer('example', Date.now());
    return `${specs.length} message spec(s); as bytes today:\n${describeMessages(specs.flatMap((s) => m.messages(s)), [])}\nspecs: ${JSON.stringify(specs).slice(0, 3000)}`;
  },
  run: async (ctx, specs) => {
    const { target, state } = ctx;
    const nowMs = Date.now();
    const m = new FeedMaterializer(`f${runCounter++}`, nowMs);
    const msgs = specs.flatMap((s) => m.messages(s));
    const seqs = await target.publish(msgs);
    const verdicts = msgs.map((msg, i) => state.judge.judge(msg.subject, msg.data, Date.now(), seqs[i] ?? 0));
    state.verdicts.push(...verdicts);
    state.runs++;
    state.messages += msgs.length;
    ctx.stats['feedMessages'] = (ctx.stats['feedMessages'] ?? 0) + msgs.length;
    const h = await target.caughtUp().catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\nthe run's messages:\n${describeMessages(msgs, verdicts)}`);
    });
    ctx.check(target.alive(), () => `the engine exited: ${target.describeDeath()}`);
    const now = h.ingest;
    ctx.check(now.received === now.stored + now.quarantined + now.duplicates,
      () => `health: received ${now.received} != stored ${now.stored} + quarantined ${now.quarantined} + duplicates ${now.duplicates}`);
    const delta: Counts = { received: now.received - state.last.received, stored: now.stored - state.last.stored, quarantined: now.quarantined - state.last.quarantined, duplicates: now.duplicates - state.last.duplicates };
    const allowed = allowedCounts(verdicts);
    ctx.check(allowed.some((a) => COUNTERS.every((k) => a[k] === delta[k])),
      () => `ingest counted ${JSON.stringify(delta)}, the contract says ${allowed.map((a) => JSON.stringify(a)).join(' or ')}\nthe run's messages:\n${describeMessages(msgs, verdicts)}`);
    state.last = now;
    if (verdicts.some((v) => v.stored.some((e) => e.kind === 'permits'))) {
      // the permit rules judge every stored record, whatever it holds: the campaign is answered and adds up
      ctx.stats['permitsQueries'] = (ctx.stats['permitsQueries'] ?? 0) + 1;
      const r = await target.query('permits', { limit: 5000 });
      ctx.check(r.ok, () => `query permits after storing permits records: ${r.ok ? '' : `${r.code}: ${r.message}`}\nthe run's messages:\n${describeMessages(msgs, verdicts)}`);
      const p = r.ok ? (r.data as { total: number; byKind: Record<string, number>; findings: unknown[]; districts: { findings: number }[] }) : null;
      // how much of the rules the stored records reach (the registry's buildings and sites meet the permits records)
      ctx.stats['permitFindings'] = p?.total ?? 0;
      ctx.check(p === null || (p.total === Object.values(p.byKind).reduce((a, b) => a + b, 0) && p.total === p.districts.reduce((a, d) => a + d.findings, 0) && p.findings.length === Math.min(p.total, 5000)),
        () => `query permits does not add up: total ${String(p?.total)}, byKind ${JSON.stringify(p?.byKind)}, ${String(p?.findings.length)} findings listed`);
    }
  },
};

// ---------------------------------------------------------------- whole-run checks

/** The audit log after a run: `cityops audit verify` finds no tampering, and no line carries an attacker's whole header. */
export function auditProblems(target: FuzzTarget, maxLineChars = 4096): string[] {
  if (!existsSync(target.auditLogPath)) return [];
  const problems: string[] = [];
  const v = spawnSync(process.execPath, [builtCli(), 'audit', 'verify', target.auditLogPath], { encoding: 'utf8' });
  if (v.status !== 0) problems.push(`audit verify exited ${String(v.status)}: ${(v.stdout + v.stderr).slice(0, 600)}`);
  const lines = readFileSync(target.auditLogPath, 'utf8').split('\n');
  const long = lines.filter((l) => l.length > maxLineChars);
  if (long.length > 0) problems.push(`${long.length} of ${lines.length} audit lines longer than ${maxLineChars} characters (longest ${Math.max(...long.map((l) => l.length))})`);
  return problems;
}
