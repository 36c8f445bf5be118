import { EngineRequestError } from './engineRequestError';
import {
  HealthSchema, QUERY_RESULT_SCHEMAS, ServerMessageSchema, TOPICS, type ClockState, type CommandArgsIn, type CommandName, type CommandResults, type DeviceDirectory, type Health, type QueryName,
  type QueryParamsIn, type QueryResults, type TopicName, type TopicPayloads,
} from '../../../analytics/common/engineApi';
import { issuesText } from '../../../analytics/common/vocabulary';

export type LinkState = 'connecting' | 'open' | 'down';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Sub {
  topic: TopicName;
  params: unknown;
  onData: (data: unknown) => void;
  wireId: number | null;
}

const QUERY_TIMEOUT_MS = 15_000;
/**
 * Queries this client keeps running at once; more wait here. The engine refuses a client's queries
 * beyond its own cap (`busy`, default 4), and a wall must never see that refusal as an error.
 */
const MAX_QUERIES_IN_FLIGHT = 3;
/** A query the engine refused as busy is asked again after these pauses. */
const BUSY_RETRY_MS = [250, 1000, 3000];
/** No message at all for this long means the link is dead even if the socket looks open. */
const SILENCE_MS = 4_000;

/**
 * The wall's one connection to the engine: request/response and subscriptions over the engine
 * API, validated with the shared schemas. It reconnects by itself with backoff and re-subscribes,
 * so the wall recovers without a page reload.
 */
export class EngineClient {
  state = $state<LinkState>('connecting');
  role = $state<string | null>(null);
  /** Every device's role and name, from the engine's hello: who acted is said by name or role. */
  devices = $state.raw<DeviceDirectory>({});
  /** Milliseconds the server's clock is ahead of ours. */
  clockSkewMs = $state(0);
  health = $state.raw<Health | null>(null);
  reconnects = $state(0);
  /**
   * The instant this connection replays as the engine confirmed it (`clock.set`), null while live:
   * `now()` is this instant, and the page's live queries ask again whenever `cursorVersion` moves.
   */
  replayAtMs = $state<number | null>(null);
  cursorVersion = $state(0);

  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subs = new Map<number, Sub>();
  private lastMessageMs = 0;
  private backoffMs = 500;
  private closed = false;
  private readonly watchdog: ReturnType<typeof setInterval>;
  private queriesInFlight = 0;
  private readonly queryQueue: (() => void)[] = [];

  constructor(private readonly url: string) {
    this.connect();
    // health drives the wall's stale and down states: a document that does not follow the contract is not taken
    this.subscribe('health', { intervalMs: 1000 }, (h) => {
      if (HealthSchema.safeParse(h).success) this.health = h;
    });
    this.watchdog = setInterval(() => {
      if (this.state === 'open' && Date.now() - this.lastMessageMs > SILENCE_MS) this.ws?.close();
    }, 1000);
  }

  private connect(): void {
    if (this.closed) return;
    this.state = this.reconnects === 0 ? 'connecting' : 'down';
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.backoffMs = 500;
      this.lastMessageMs = Date.now();
    };
    ws.onmessage = (ev) => this.onMessage(typeof ev.data === 'string' ? ev.data : '');
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.state = 'down';
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error('engine link lost'));
        this.pending.delete(id);
      }
      for (const s of this.subs.values()) s.wireId = null;
      if (!this.closed) {
        setTimeout(() => {
          this.reconnects++;
          this.connect();
        }, this.backoffMs);
        this.backoffMs = Math.min(5_000, this.backoffMs * 2);
      }
    };
  }

  private onMessage(text: string): void {
    this.lastMessageMs = Date.now();
    let parsed;
    try {
      parsed = ServerMessageSchema.safeParse(JSON.parse(text));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const m = parsed.data;
    switch (m.t) {
      case 'hello':
        this.role = m.role;
        this.devices = m.devices ?? {};
        this.clockSkewMs = m.serverTimeMs - Date.now();
        this.state = 'open';
        // a new connection starts live: one that was replaying asks for its instant again before anything else
        if (this.replayAtMs !== null) void this.setClock(this.replayAtMs).catch(() => {});
        for (const s of this.subs.values()) this.sendSubscribe(s);
        return;
      case 'result': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.data);
        else p.reject(new EngineRequestError(m.error.code, m.error.message, m.error.refusal ?? null));
        return;
      }
      case 'push':
        for (const s of this.subs.values()) if (s.wireId === m.id) s.onData(m.data);
        return;
    }
  }

  private request(msg: Record<string, unknown>): Promise<unknown> {
    const ws = this.ws;
    if (!ws || this.state !== 'open') return Promise.reject(new Error('engine link down'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('engine did not answer'));
      }, QUERY_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ ...msg, id }));
    });
  }

  /** Queries wait their turn (at most MAX_QUERIES_IN_FLIGHT at once) and are asked again when the engine is busy. */
  private async ask(msg: Record<string, unknown>): Promise<unknown> {
    if (this.queriesInFlight >= MAX_QUERIES_IN_FLIGHT) await new Promise<void>((r) => this.queryQueue.push(r));
    this.queriesInFlight++;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.request(msg);
        } catch (e) {
          const pause = BUSY_RETRY_MS[attempt];
          if (!(e instanceof Error && e.message.startsWith('busy:')) || pause === undefined) throw e;
          await new Promise((r) => setTimeout(r, pause));
        }
      }
    } finally {
      this.queriesInFlight--;
      this.queryQueue.shift()?.();
    }
  }

  /** A named query; its answer has the contract's type for that name (QueryResults), checked at run time where the contract has a schema for it. */
  async query<N extends QueryName>(name: N, params: QueryParamsIn<N> = {} as QueryParamsIn<N>): Promise<QueryResults[N]> {
    const data = await this.ask({ t: 'query', name, params });
    const schema = QUERY_RESULT_SCHEMAS[name];
    if (!schema) return data as QueryResults[N];
    const checked = schema.safeParse(data);
    if (!checked.success) throw new Error(`bad_answer: the engine's ${name} answer does not follow the contract: ${issuesText(checked.error)}`);
    return checked.data;
  }

  command<N extends CommandName>(name: N, args: CommandArgsIn<N>): Promise<CommandResults[N]> {
    return this.request({ t: 'command', name, args }) as Promise<CommandResults[N]>;
  }

  /**
   * Sets this connection's clock (`clock.set`): an instant to replay, or null for live. Once the
   * engine answers, `now()` is the instant it confirmed and `cursorVersion` moves.
   */
  async setClock(atMs: number | null): Promise<ClockState> {
    const st = await this.command('clock.set', { atMs });
    const next = st.live ? null : st.atMs;
    // live to live changes nothing; any instant (the same one after a reconnection too) is asked again
    if (next !== null || this.replayAtMs !== null) {
      this.replayAtMs = next;
      this.cursorVersion++;
    }
    return st;
  }

  private sendSubscribe(s: Sub): void {
    const id = this.nextId++;
    s.wireId = id;
    this.ws?.send(JSON.stringify({ t: 'subscribe', id, topic: s.topic, params: s.params }));
  }

  /** Pushes `topic` to `onData` until the returned function is called, across reconnects. */
  subscribe<T extends TopicName>(topic: T, params: Record<string, unknown>, onData: (data: TopicPayloads[T]) => void): () => void {
    TOPICS[topic].parse(params);
    const localId = this.nextId++;
    const s: Sub = { topic, params, onData: onData as (data: unknown) => void, wireId: null };
    this.subs.set(localId, s);
    if (this.state === 'open') this.sendSubscribe(s);
    return () => {
      this.subs.delete(localId);
      if (s.wireId !== null && this.state === 'open') this.ws?.send(JSON.stringify({ t: 'unsubscribe', id: s.wireId }));
    };
  }

  /** The server's idea of now, for data ages; the replayed instant while replaying. */
  now(): number {
    return this.replayAtMs ?? this.liveNow();
  }

  /** The server's idea of now even while replaying (the end of a live engine's history). */
  liveNow(): number {
    return Date.now() + this.clockSkewMs;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.watchdog);
    this.ws?.close();
  }
}
