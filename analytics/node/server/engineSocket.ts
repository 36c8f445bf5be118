import type { WebSocket } from 'ws';
import {
  ClientMessageSchema, COMMAND_ARGS, ENGINE_API_VERSION, isQueryName, TOPICS, type DeviceDirectory, type ErrorCode, type Refusal, type ServerMessage, type TopicName,
} from '../../common/engineApi.js';
import type { EngineService } from '../engineService.js';
import { UnknownNameError } from '../engineService.js';
import { ActionRefused } from '../ops/actionPrecheck.js';
import { ExportRefused } from '../export/bundleWriter.js';
import { QueryRefused } from '../queries/queryGate.js';
import type { CommittedBatch } from '../ingest/ingestor.js';
import type { Identity, Role } from './access.js';
import { DEFAULT_REFUSAL_LIMITS, RefusalLimiter } from '../audit/refusalLimiter.js';
import { SqlQueryError, SqlRefused } from '../analysis/sqlGuard.js';
import { SqlCancelled } from '../analysis/sqlWorkbench.js';
import { SavedQueryRefused } from '../analysis/savedQueries.js';
import { clipField } from '../audit/auditText.js';
import type { SqlProgress } from '../../common/analysis.js';

/** The audit sink: what happened, who did it (device and role), done or refused. */
export type Audit = (line: string, who?: Identity) => void;

export interface SocketLimits {
  /** Above this many buffered bytes pushes are conflated (only the newest kept per subscription). */
  conflateAboveBytes: number;
  /** Above this many buffered bytes the client is too slow and is dropped. */
  dropAboveBytes: number;
  maxSubscriptions: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = { conflateAboveBytes: 256 * 1024, dropAboveBytes: 4 * 1024 * 1024, maxSubscriptions: 32 };

/** Who may run a command at all; `ops` is then checked per action (ACTION_ROLES). */
const COMMAND_ROLES: Record<keyof typeof COMMAND_ARGS, readonly Role[]> = {
  'db.checkpoint': ['admin'],
  ops: ['wall', 'shift_leader', 'analyst', 'admin'],
  'handover.generate': ['shift_leader', 'admin'],
  export: ['analyst', 'shift_leader', 'admin'],
  // a connection's own clock: any role may look back (its actions are refused while it does)
  'clock.set': ['wall', 'shift_leader', 'analyst', 'admin'],
  // the SQL console (docs/analysis.md): read-only, also on a connection in replay and over a bundle
  'sql.run': ['analyst', 'shift_leader', 'admin'],
  'sql.cancel': ['analyst', 'shift_leader', 'admin'],
  'sql.export': ['analyst', 'shift_leader', 'admin'],
  'sql.save': ['analyst', 'shift_leader', 'admin'],
  'sql.delete': ['analyst', 'shift_leader', 'admin'],
};
/** Refusals of a statement the client can fix by writing it again (the rest are the console's rules: `forbidden`). */
const SQL_BAD_REQUEST: ReadonlySet<string> = new Set(['syntax', 'empty', 'several']);
/**
 * The ops topic: a newly raised alarm goes out within OPS_PUSH_MS; other changes, and everything
 * during a storm (more than OPS_BURST pushes in a second, as in an alarm flood), at most every
 * OPS_MIN_INTERVAL_MS, changes in between folded into the next push: a wall in a flood is never
 * buried under redraws.
 */
export const OPS_PUSH_MS = 20;
export const OPS_MIN_INTERVAL_MS = 200;
/** More pushes than this within a second is a storm: new alarms then wait their turn too. */
export const OPS_BURST = 5;

/**
 * When the ops topic pushes next. Only pushes that carried a change count toward a storm: the
 * push of time passing (every 5 s, shelving ending, hazards falling overdue) is not a change of the
 * alarm picture, and counted it would make a steady four alarms a second look like a storm once
 * every 5 s, holding a new alarm back by up to {@link OPS_MIN_INTERVAL_MS}.
 */
export class OpsPacer {
  private readonly recent: number[] = [];
  private last = 0;

  /** A push went out at `now`; `change` false for the push of time passing. */
  pushed(now: number, change = true): void {
    this.last = now;
    if (change) this.recent.push(now);
    while (this.recent.length > 0 && (this.recent[0] as number) < now - 1000) this.recent.shift();
  }

  /** How long after `now` a change is pushed: a new alarm within {@link OPS_PUSH_MS} unless a storm runs. */
  delay(raised: boolean, now: number): number {
    while (this.recent.length > 0 && (this.recent[0] as number) < now - 1000) this.recent.shift();
    const calm = this.recent.length < OPS_BURST;
    return raised && calm ? OPS_PUSH_MS : Math.max(OPS_PUSH_MS, this.last + OPS_MIN_INTERVAL_MS - now);
  }
}
const MAX_EVENTS_PER_PUSH = 200;

/** How long a received message may be before it is judged (the frame limit bounds it too). */
const MAX_ERROR_TEXT = 500;

interface Sub {
  topic: TopicName;
  stop: () => void;
  pending: unknown;
  conflated: number;
}

/** One client connection speaking the engine API. */
export class EngineSocket {
  private subs = new Map<number, Sub>();
  private flushTimer: NodeJS.Timeout;
  private closed = false;
  /**
   * This client's queries and commands still running, counted apart so queries never hold up an
   * operator's acknowledgement; aborted (their DuckDB work interrupted) when the client leaves.
   */
  private readonly running = { query: new Set<AbortController>(), command: new Set<AbortController>() };
  /** This connection's clock: null is live; an instant replays everything as of it (docs/replay.md). */
  private replayAt: number | null = null;
  private readonly clockListeners = new Set<() => void>();
  /** This connection's `sql` subscriptions: the progress of its own statements. */
  private readonly sqlListeners = new Set<(p: SqlProgress) => void>();

  constructor(
    private readonly ws: WebSocket,
    private readonly engine: EngineService,
    readonly who: Identity,
    private readonly limits: SocketLimits,
    private readonly audit: Audit,
    private readonly devices: DeviceDirectory = {},
    /** Refusals on this connection are audited through the server's limiter: no token, read-only or not, can flood the log. */
    private readonly refusals: RefusalLimiter<Identity> = new RefusalLimiter<Identity>(DEFAULT_REFUSAL_LIMITS, audit),
  ) {
    // every message is an exception boundary: whatever it does, the process goes on
    ws.on('message', (data, isBinary) => {
      this.onMessage(isBinary ? null : data.toString()).catch((e: unknown) => this.engine.boundary.note('engine API message', e));
    });
    ws.on('close', () => this.dispose());
    // oversized frames and protocol errors close this socket (ws does that); they must never reach the process
    ws.on('error', (e) => this.refusals.refuse('closed', () => `closed a connection: ${e.message}`, who));
    this.flushTimer = setInterval(() => this.flushPending(), 100);
    this.flushTimer.unref();
    this.send({ t: 'hello', version: ENGINE_API_VERSION, role: who.role, serverTimeMs: Date.now(), devices: this.devices });
  }

  private send(m: ServerMessage): void {
    if (this.closed) return;
    if (this.ws.bufferedAmount > this.limits.dropAboveBytes) {
      const buffered = this.ws.bufferedAmount;
      this.refusals.refuse('dropped', () => `dropped a slow client (${buffered} bytes buffered)`, this.who);
      this.ws.terminate();
      this.dispose();
      return;
    }
    const text = JSON.stringify(m);
    const cap = this.engine.queryLimits.maxResultBytes;
    const bytes = text.length > cap / 3 ? Buffer.byteLength(text) : text.length;
    if (bytes > cap && m.t === 'result' && m.ok) {
      this.error(m.id, 'too_large', `the result is ${bytes} bytes, more than ${cap}: narrow the query (filters, a smaller limit)`);
      return;
    }
    this.ws.send(text);
  }

  private error(id: number, code: ErrorCode, message: string, refusal?: Refusal): void {
    this.send({ t: 'result', id, ok: false, error: { code, message: message.slice(0, MAX_ERROR_TEXT), ...(refusal ? { refusal } : {}) } });
  }

  /**
   * Runs one request of this client, at most `maxInFlightPerClient` at a time; its signal aborts
   * when the client leaves, which interrupts the query in DuckDB.
   */
  private async limited<T>(kind: 'query' | 'command', work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const cap = this.engine.queryLimits.maxInFlightPerClient;
    const running = this.running[kind];
    if (running.size >= cap) {
      this.engine.noteRefusedBusy();
      throw new QueryRefused('busy', `this connection has ${running.size} ${kind === 'query' ? 'queries' : 'commands'} running (at most ${cap}): wait for their answers`);
    }
    const ac = new AbortController();
    running.add(ac);
    try {
      return await work(ac.signal);
    } finally {
      running.delete(ac);
    }
  }

  private async onMessage(text: string | null): Promise<void> {
    let raw: unknown;
    try {
      raw = text === null ? null : JSON.parse(text);
    } catch {
      raw = null;
    }
    const parsed = ClientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      // the client's id is echoed only when it is one the contract allows (else 0): every answer follows the contract
      const rawId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
      const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId >= 0 ? rawId : 0;
      this.error(id, 'bad_request', 'message does not follow the engine API');
      return;
    }
    const m = parsed.data;
    try {
      switch (m.t) {
        case 'query': {
          const name = m.name;
          if (!isQueryName(name)) throw new UnknownNameError(`unknown query ${name}`);
          const at = this.replayAt ?? undefined;
          const data = await this.limited('query', (signal) => this.engine.query(name, m.params, signal, at));
          this.send({ t: 'result', id: m.id, ok: true, data });
          return;
        }
        case 'command':
          await this.limited('command', (signal) => this.command(m.id, m.name, m.args, signal));
          return;
        case 'subscribe':
          this.subscribe(m.id, m.topic, m.params);
          return;
        case 'unsubscribe': {
          const sub = this.subs.get(m.id);
          // an ok for an id with no subscription would tell a client with the wrong id that its pushes stopped
          if (!sub) {
            this.error(m.id, 'unknown_name', `no subscription ${m.id} on this connection`);
            return;
          }
          sub.stop();
          this.subs.delete(m.id);
          this.send({ t: 'result', id: m.id, ok: true, data: null });
          return;
        }
      }
    } catch (e) {
      if (e instanceof UnknownNameError) this.error(m.id, 'unknown_name', e.message);
      else if (e instanceof QueryRefused) this.error(m.id, e.code, e.message);
      else if (e instanceof Error && e.name === 'ZodError') this.error(m.id, 'bad_request', e.message);
      else if (!this.closed) {
        // not the client's mistake: count it where health shows it
        this.engine.boundary.note(`engine API ${m.t}`, e);
        this.error(m.id, 'failed', e instanceof Error ? e.message : String(e));
      }
    }
  }

  private async command(id: number, name: string, args: unknown, signal?: AbortSignal): Promise<void> {
    if (!Object.hasOwn(COMMAND_ARGS, name)) {
      this.error(id, 'unknown_name', `unknown command ${name}`);
      return;
    }
    const cn = name as keyof typeof COMMAND_ARGS;
    const role = this.who.role;
    if (!COMMAND_ROLES[cn].includes(role)) {
      this.refusals.refuse('command', () => `refused command ${cn} from role ${role}`, this.who);
      this.error(id, 'forbidden', `role ${role} may not run ${cn}`);
      return;
    }
    switch (cn) {
      case 'db.checkpoint':
        COMMAND_ARGS[cn].parse(args ?? {});
        this.audit(`command ${cn}`, this.who);
        await this.engine.checkpoint();
        this.send({ t: 'result', id, ok: true, data: null });
        return;
      case 'ops': {
        const action = COMMAND_ARGS.ops.parse(args ?? {});
        if (this.replayAt !== null || this.engine.mode === 'bundle') {
          this.refusals.refuse('action', () => `refused ${action.kind} from a connection in replay`, this.who);
          this.error(id, 'forbidden', 'a screen in replay takes no operator action: return to live first', { code: 'msg_replay_no_action', params: {} });
          return;
        }
        try {
          const e = await this.engine.submitAction(action, this.who.device, role);
          this.audit(`${action.kind} ${JSON.stringify(action)} as ${e.id} (pending)`, this.who);
          this.send({ t: 'result', id, ok: true, data: { id: e.id, pending: true } });
        } catch (e) {
          if (!(e instanceof ActionRefused)) throw e;
          this.refusals.refuse('action', () => `refused ${action.kind} ${JSON.stringify(action)}: ${e.message}`, this.who);
          this.error(id, 'forbidden', e.message, e.refusal);
        }
        return;
      }
      case 'handover.generate': {
        const p = COMMAND_ARGS[cn].parse(args ?? {});
        const report = await this.engine.handover(p.fromMs, p.toMs, true, p.notes);
        this.audit(`generated handover ${new Date(p.fromMs).toISOString()}..${new Date(p.toMs).toISOString()} sha256 ${report.sha256}`, this.who);
        this.send({ t: 'result', id, ok: true, data: report });
        return;
      }
      case 'clock.set': {
        const p = COMMAND_ARGS[cn].parse(args ?? {});
        const window = await this.engine.replayWindow();
        if (p.atMs === null && this.engine.mode === 'bundle') {
          this.error(id, 'bad_request', 'a bundle has no live: set an instant within its window');
          return;
        }
        this.replayAt = p.atMs === null ? null : Math.min(window.toMs, Math.max(window.fromMs, p.atMs));
        for (const fn of this.clockListeners) fn();
        this.send({ t: 'result', id, ok: true, data: { live: this.replayAt === null, atMs: this.replayAt ?? Date.now(), window } });
        return;
      }
      case 'sql.run':
      case 'sql.export':
      case 'sql.save':
      case 'sql.delete':
      case 'sql.cancel':
        await this.sqlCommand(id, cn, args, signal);
        return;
      case 'export': {
        const p = COMMAND_ARGS[cn].parse(args ?? {});
        try {
          const summary = await this.engine.exportBundle(p, signal);
          this.audit(`exported ${new Date(p.fromMs).toISOString()}..${new Date(p.toMs).toISOString()} to ${summary.out} (${summary.rows} rows, ${summary.files} files)`, this.who);
          this.send({ t: 'result', id, ok: true, data: summary });
        } catch (e) {
          if (!(e instanceof ExportRefused)) throw e;
          this.refusals.refuse('command', () => `refused export: ${e.message}`, this.who);
          this.error(id, 'bad_request', e.message);
        }
        return;
      }
    }
  }

  /**
   * The SQL console's commands. Statements run as this connection (one at a time); a refusal says
   * why with its code (`sql_refused_<code>`, for the screen to translate) and is audited through the
   * limiter; every export is audited.
   */
  private async sqlCommand(id: number, cn: 'sql.run' | 'sql.export' | 'sql.save' | 'sql.delete' | 'sql.cancel', args: unknown, signal?: AbortSignal): Promise<void> {
    const sql = this.engine.sql;
    const progress = (p: SqlProgress): void => {
      for (const fn of this.sqlListeners) fn(p);
    };
    let text = '';
    try {
      switch (cn) {
        case 'sql.run': {
          const p = COMMAND_ARGS[cn].parse(args ?? {});
          text = p.sql;
          this.send({ t: 'result', id, ok: true, data: await sql.run(this, p, progress, signal) });
          return;
        }
        case 'sql.export': {
          const p = COMMAND_ARGS[cn].parse(args ?? {});
          text = p.sql;
          const r = await sql.exportQuery(this, p, this.who.device, progress, signal);
          this.audit(`exported SQL as ${p.format} ${r.fileName} (${r.rows} rows, ${r.bytes} bytes, download ${r.downloadId.slice(0, 6)}…): ${clipField(p.sql, 300)}`, this.who);
          this.send({ t: 'result', id, ok: true, data: r });
          return;
        }
        case 'sql.cancel': {
          const p = COMMAND_ARGS[cn].parse(args ?? {});
          this.send({ t: 'result', id, ok: true, data: { cancelled: sql.cancel(this, p.runId) } });
          return;
        }
        case 'sql.save': {
          const p = COMMAND_ARGS[cn].parse(args ?? {});
          const saved = await sql.save(p, this.who.device);
          this.audit(`saved SQL query ${clipField(p.name, 100)}`, this.who);
          this.send({ t: 'result', id, ok: true, data: saved });
          return;
        }
        case 'sql.delete': {
          const p = COMMAND_ARGS[cn].parse(args ?? {});
          const deleted = await sql.remove(p.name);
          if (deleted) this.audit(`deleted saved SQL query ${clipField(p.name, 100)}`, this.who);
          this.send({ t: 'result', id, ok: true, data: { deleted } });
          return;
        }
      }
    } catch (e) {
      if (e instanceof SqlRefused) {
        this.refusals.refuse('command', () => `refused SQL (${e.code}): ${e.detail.slice(0, 200)}: ${clipField(text, 300)}`, this.who);
        this.error(id, SQL_BAD_REQUEST.has(e.code) ? 'bad_request' : 'forbidden', e.detail, { code: `sql_refused_${e.code}`, params: { detail: e.detail.slice(0, 2000) } });
      } else if (e instanceof SqlQueryError || e instanceof SavedQueryRefused) this.error(id, 'bad_request', e.message);
      else if (e instanceof SqlCancelled) this.error(id, 'cancelled', e.message);
      else throw e;
    }
  }

  private subscribe(id: number, topic: string, params: unknown): void {
    if (!Object.hasOwn(TOPICS, topic)) {
      this.error(id, 'unknown_name', `unknown topic ${topic}`);
      return;
    }
    if (this.subs.size >= this.limits.maxSubscriptions || this.subs.has(id)) {
      this.error(id, 'too_many_subscriptions', `at most ${this.limits.maxSubscriptions} subscriptions, ids unique`);
      return;
    }
    const tn = topic as TopicName;
    const sub: Sub = { topic: tn, stop: () => undefined, pending: undefined, conflated: 0 };
    switch (tn) {
      case 'health':
      case 'feeds': {
        const p = TOPICS[tn].parse(params ?? {});
        const tick = (): void => this.push(id, sub, tn === 'health' ? this.engine.health() : this.engine.feeds());
        const t = setInterval(tick, p.intervalMs);
        sub.stop = () => clearInterval(t);
        queueMicrotask(tick);
        break;
      }
      case 'events': {
        const p = TOPICS.events.parse(params ?? {});
        sub.stop = this.engine.onCommit((b: CommittedBatch) => {
          // in replay the screen asks for the events as of its instant; live ones would be from its future
          if (this.replayAt !== null) return;
          const evs = b.events.filter((e) => (!p.domain || e.domain === p.domain) && (!p.district || e.district === p.district));
          if (evs.length > 0) this.push(id, sub, evs, true);
        });
        break;
      }
      case 'latest': {
        const p = TOPICS.latest.parse(params ?? {});
        let due = true;
        let refreshing = false;
        const ac = new AbortController();
        const unlisten = this.engine.onCommit(() => (due = due || this.replayAt === null));
        const onClock = (): void => {
          due = true;
        };
        this.clockListeners.add(onClock);
        const t = setInterval(() => {
          if (!due || refreshing) return;
          due = false;
          refreshing = true;
          // a refused or failed refresh is tried again on the next tick; one answered after the clock moved is not pushed (the clock made it due again)
          const at = this.replayAt;
          this.engine.query('latest', { ...p, limit: 5000 }, ac.signal, at ?? undefined).then((r) => {
            if (this.replayAt === at) this.push(id, sub, r);
          }, () => (due = true))
            .finally(() => (refreshing = false));
        }, 1000);
        sub.stop = () => { unlisten(); this.clockListeners.delete(onClock); clearInterval(t); ac.abort(new Error('unsubscribed')); };
        break;
      }
      case 'ops': {
        TOPICS.ops.parse(params ?? {});
        let timer: NodeJS.Timeout | null = null;
        let dueMs = 0;
        const pacer = new OpsPacer();
        let replaying = false;
        let replayAgain = false;
        const flush = (change = true): void => {
          timer = null;
          pacer.pushed(Date.now(), change);
          if (this.replayAt === null && this.engine.mode === 'live') {
            this.push(id, sub, this.engine.snapshot());
            return;
          }
          // the picture as of the connection's instant; one fold at a time, the newest instant wins
          if (replaying) {
            replayAgain = true;
            return;
          }
          replaying = true;
          const at = this.replayAt;
          // a bundle's connection before its first clock.set: the window's start
          (at !== null ? this.engine.snapshotAt(at) : this.engine.replayWindow().then((w) => this.engine.snapshotAt(w.fromMs)))
            .then((snap) => {
              if (this.replayAt === at || replayAgain) this.push(id, sub, snap);
            }, (e: unknown) => this.engine.boundary.note('replayed picture', e))
            .finally(() => {
              replaying = false;
              if (replayAgain) {
                replayAgain = false;
                flush();
              }
            });
        };
        const onClock = (): void => flush();
        this.clockListeners.add(onClock);
        const schedule = (inMs: number): void => {
          const at = Date.now() + inMs;
          if (timer && dueMs <= at) return;
          if (timer) clearTimeout(timer);
          dueMs = at;
          timer = setTimeout(() => flush(), inMs);
        };
        const unlisten = this.engine.onControlRoomChange((raised) => {
          if (this.replayAt !== null) return;
          // a new alarm goes out at once unless the wall is already in a storm of pushes
          schedule(pacer.delay(raised, Date.now()));
        });
        // time passing changes the view too (shelving ends, hazards fall overdue); a replayed instant
        // stays as it is; a push already on its way carries it
        const t = setInterval(() => {
          if (this.replayAt === null && this.engine.mode === 'live' && !timer) flush(false);
        }, 5_000);
        queueMicrotask(() => flush());
        sub.stop = () => { unlisten(); this.clockListeners.delete(onClock); clearInterval(t); if (timer) clearTimeout(timer); };
        break;
      }
      case 'export': {
        TOPICS.export.parse(params ?? {});
        sub.stop = this.engine.onExportProgress((p) => this.push(id, sub, p));
        break;
      }
      case 'sql': {
        TOPICS.sql.parse(params ?? {});
        const fn = (p: SqlProgress): void => this.push(id, sub, p);
        this.sqlListeners.add(fn);
        sub.stop = () => this.sqlListeners.delete(fn);
        break;
      }
    }
    this.subs.set(id, sub);
    this.send({ t: 'result', id, ok: true, data: { subscribed: tn } });
  }

  /** Sends now, or keeps only the newest (events: the newest list) while the client is behind. */
  private push(id: number, sub: Sub, data: unknown, append = false): void {
    if (this.closed || !this.subs.has(id)) return;
    if (this.ws.bufferedAmount > this.limits.conflateAboveBytes || sub.pending !== undefined) {
      if (sub.pending !== undefined) sub.conflated++;
      sub.pending = append && Array.isArray(sub.pending) && Array.isArray(data)
        ? [...sub.pending, ...data].slice(-MAX_EVENTS_PER_PUSH) : data;
      return;
    }
    this.send({ t: 'push', id, data, conflated: 0 });
  }

  private flushPending(): void {
    if (this.ws.bufferedAmount > this.limits.conflateAboveBytes) {
      if (this.ws.bufferedAmount > this.limits.dropAboveBytes) this.send({ t: 'push', id: 0, data: null, conflated: 0 });
      return;
    }
    for (const [id, sub] of this.subs) {
      if (sub.pending === undefined) continue;
      const data = sub.pending;
      const conflated = sub.conflated;
      sub.pending = undefined;
      sub.conflated = 0;
      this.send({ t: 'push', id, data, conflated });
    }
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const ac of [...this.running.query, ...this.running.command]) ac.abort(new Error('the client left'));
    clearInterval(this.flushTimer);
    for (const s of this.subs.values()) s.stop();
    this.subs.clear();
  }
}
