import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ServerMessageSchema } from '../../analytics/common/engineApi.js';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { builtCli, EngineProcess } from '../testing/engineProcess.js';
import { tempDir } from '../testing/harness.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';

export const FUZZ_ADMIN_TOKEN = 'fuzz-admin-token-0123456789abcdef';
export const FUZZ_WALL_TOKEN = 'fuzz-wall-token-0123456789abcdef';
/** An extra browser origin the engine is told to allow (`--allow-origin`). */
export const FUZZ_ALLOWED_ORIGIN = 'http://wall.cityops.example';
export const FUZZ_STREAM = 'CITY';

/**
 * The harness's safety net against a hung request or a wedged engine. It is not a performance
 * assertion: latency is measured and reported, never asserted.
 */
export const SAFETY_NET_MS = 20_000;

/** The slice of /api/health the invariants read. */
export interface IngestHealth {
  received: number;
  stored: number;
  quarantined: number;
  duplicates: number;
  committedSeq: number;
  running: boolean;
  lastError: string | null;
}

export interface HealthProbe {
  status: number;
  latencyMs: number;
  ingest: IngestHealth;
  raw: Record<string, unknown>;
}

/** An invariant broken by the engine: carries what a reader needs to see why. */
export class EngineInvariantError extends Error {}

const enc = new TextEncoder();

/**
 * One engine under fuzz: a private nats-server on free ports with the CITY stream, and the built
 * CLI `cityops serve` as a child process on a fresh DuckDB file. A dead engine is never restarted
 * behind the caller's back: every check first asks whether the process is still alive.
 */
export class FuzzTarget {
  readonly healthLatenciesMs: number[] = [];
  private publishedSeq = 0;
  private stopped = false;

  private constructor(
    readonly nats: NatsServerProcess,
    readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    readonly engine: EngineProcess,
    readonly dir: string,
    readonly dbPath: string,
    private readonly removeDir: () => void,
  ) {}

  static async start(label: string): Promise<FuzzTarget> {
    const nats = await NatsServerProcess.start();
    const tmp = tempDir(`cityops-fuzz-${label}-`);
    let nc: NatsConnection | null = null;
    try {
      nc = await connectNats({ url: nats.url });
      await (await jetstreamManager(nc)).streams.add({ name: FUZZ_STREAM, subjects: ['city.>'] });
      const dbPath = join(tmp.dir, 'fuzz.duckdb');
      const engine = await EngineProcess.start(builtCli(), [
        '--nats', nats.url, '--db', dbPath, '--host', '127.0.0.1', '--port', '0',
        '--token', FUZZ_ADMIN_TOKEN, '--wall-token', FUZZ_WALL_TOKEN, '--consumer', 'fuzz',
        '--allow-origin', FUZZ_ALLOWED_ORIGIN,
      ]);
      return new FuzzTarget(nats, nc, jetstream(nc, { timeout: 5000 }), engine, tmp.dir, dbPath, tmp.remove);
    } catch (e) {
      await nc?.close().catch(() => undefined);
      await nats.dispose();
      tmp.remove();
      throw e;
    }
  }

  get url(): string {
    return this.engine.url ?? '';
  }
  get port(): number {
    return Number(new URL(this.url).port);
  }
  get pid(): number {
    return this.engine.proc.pid ?? -1;
  }
  get auditLogPath(): string {
    return join(this.dir, 'audit.log');
  }
  /** The highest stream sequence published through this target. */
  get lastPublishedSeq(): number {
    return this.publishedSeq;
  }

  /** The engine process is still running (exit code null, no signal). */
  alive(): boolean {
    return this.engine.proc.exitCode === null && this.engine.proc.signalCode === null;
  }

  /** The last lines the engine printed: part of every failure report. */
  outputTail(chars = 3000): string {
    return this.engine.output.slice(-chars);
  }

  describeDeath(): string {
    return `engine process exited (code ${String(this.engine.proc.exitCode)}, signal ${String(this.engine.proc.signalCode)}); last output:\n${this.outputTail()}`;
  }

  /** Throws when the engine process has exited: the first invariant of every run. */
  assertAlive(context: string): void {
    if (!this.alive()) throw new EngineInvariantError(`${context}: ${this.describeDeath()}`);
  }

  /** GET /api/health on a fresh connection, its latency recorded. Throws if it does not answer. */
  async health(): Promise<HealthProbe> {
    this.assertAlive('before /api/health');
    const t0 = performance.now();
    const { status, body } = await httpGet(`${this.url}/api/health`, SAFETY_NET_MS).catch((e: unknown) => {
      throw new EngineInvariantError(`/api/health did not answer (${e instanceof Error ? e.message : String(e)}); alive: ${this.alive()}; last output:\n${this.outputTail()}`);
    });
    const latencyMs = performance.now() - t0;
    this.healthLatenciesMs.push(latencyMs);
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw new EngineInvariantError(`/api/health answered ${status} with a body that is not JSON: ${body.slice(0, 300)}`);
    }
    const ingest = raw['ingest'] as IngestHealth | undefined;
    if (status !== 200 || ingest === undefined) throw new EngineInvariantError(`/api/health answered ${status}: ${body.slice(0, 300)}`);
    return { status, latencyMs, ingest, raw };
  }

  /** Publishes through JetStream, waiting for each acknowledgement; returns the stream sequences. */
  async publish(msgs: readonly { subject: string; data: Uint8Array }[]): Promise<number[]> {
    const seqs: number[] = [];
    for (const m of msgs) {
      const ack = await this.js.publish(m.subject, m.data);
      seqs.push(ack.seq);
      if (ack.seq > this.publishedSeq) this.publishedSeq = ack.seq;
    }
    return seqs;
  }

  publishText(subject: string, text: string): Promise<number[]> {
    return this.publish([{ subject, data: enc.encode(text) }]);
  }

  /**
   * Waits until the engine has committed everything published so far (its committed stream
   * position reaches the last published sequence). Fails at once when the process dies, ingest
   * stops, or a commit keeps failing (a wedged ingest retries the same batch forever).
   */
  async caughtUp(): Promise<HealthProbe> {
    const end = Date.now() + SAFETY_NET_MS;
    let failingSince: number | null = null;
    for (;;) {
      const h = await this.health();
      if (h.ingest.committedSeq >= this.publishedSeq) return h;
      if (!h.ingest.running) throw new EngineInvariantError(`ingest stopped at seq ${h.ingest.committedSeq} of ${this.publishedSeq}: ${String(h.ingest.lastError)}\n${this.outputTail()}`);
      if (h.ingest.lastError !== null && /commit|ingest/i.test(h.ingest.lastError)) {
        failingSince ??= Date.now();
        // one failed attempt may be the environment; the same failure two seconds on is a wedge
        if (Date.now() - failingSince > 2_000) {
          throw new EngineInvariantError(`ingest wedged at seq ${h.ingest.committedSeq} of ${this.publishedSeq}: ${h.ingest.lastError}`);
        }
      } else {
        failingSince = null;
      }
      if (Date.now() > end) throw new EngineInvariantError(`ingest did not reach seq ${this.publishedSeq} within the safety net (at ${h.ingest.committedSeq}; lastError ${String(h.ingest.lastError)})`);
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  /**
   * One engine-API query over a fresh WebSocket with the admin token: its result, ok with the data
   * or refused with the error's code and message. Throws when no result comes within the safety net.
   */
  async query(name: string, params: Record<string, unknown>): Promise<{ ok: true; data: unknown } | { ok: false; code: string; message: string }> {
    this.assertAlive(`before query ${name}`);
    const ws = new WebSocket(`${this.url.replace('http', 'ws')}/api/ws`, { headers: { Authorization: `Bearer ${FUZZ_ADMIN_TOKEN}` }, maxPayload: 64 * 1024 * 1024 });
    try {
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new EngineInvariantError(`query ${name} had no result within the safety net; alive: ${this.alive()}`)), SAFETY_NET_MS);
        const done = (): void => clearTimeout(timer);
        ws.on('error', (e) => { done(); reject(e); });
        ws.on('close', (code) => { done(); reject(new EngineInvariantError(`the connection closed (${code}) before query ${name} had its result`)); });
        ws.on('open', () => ws.send(JSON.stringify({ t: 'query', id: 1, name, params })));
        ws.on('message', (d: Buffer) => {
          const m = ServerMessageSchema.safeParse(JSON.parse(d.toString()));
          if (!m.success || m.data.t !== 'result' || m.data.id !== 1) return;
          done();
          resolve(m.data.ok ? { ok: true, data: m.data.data } : { ok: false, code: m.data.error.code, message: m.data.error.message });
        });
      });
    } finally {
      ws.removeAllListeners('close');
      ws.on('error', () => undefined);
      ws.close();
    }
  }

  /** Resident memory of the engine process in MB (Linux), or NaN where it cannot be read. */
  rssMb(): number {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m?.[1] ? Number(m[1]) / 1024 : NaN;
    } catch {
      return NaN;
    }
  }

  /** Stops the engine with SIGTERM and waits for it; returns its exit code (the database is then free to open). */
  async stopEngine(): Promise<number | null> {
    if (!this.stopped) {
      this.stopped = true;
      await this.engine.kill('SIGTERM');
    }
    return this.engine.proc.exitCode;
  }

  async dispose(): Promise<void> {
    if (this.alive()) await this.engine.kill('SIGKILL');
    await this.nc.close().catch(() => undefined);
    await this.nats.dispose();
    this.removeDir();
  }
}

/** A plain GET with its own connection; rejects after `limitMs` (a hung request, not a slow one). */
export function httpGet(url: string, limitMs: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, body }); });
      res.on('error', (e) => { clearTimeout(timer); reject(e); });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${limitMs} ms`)), limitMs);
    req.on('error', (e) => { clearTimeout(timer); reject(e); });
    req.end();
  });
}

/** Summary figures of a latency sample, in milliseconds. */
export function latencySummary(samples: readonly number[]): { n: number; p50: number; p99: number; max: number } {
  if (samples.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN };
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  const round = (x: number): number => Math.round(x * 10) / 10;
  return { n: s.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(s[s.length - 1] ?? NaN) };
}
