import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../../common/vocabulary.js';

export const NATS_SERVER_CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

export function findNatsServer(): string | null {
  const fromEnv = process.env['CITYOPS_NATS_SERVER'];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return NATS_SERVER_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = tcpConnect({ port, host: '127.0.0.1' });
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

export interface NatsServerOptions {
  /** Extra configuration text appended to the generated config (e.g. an authorization block). */
  extraConfig?: string;
  jetstream?: boolean;
  /** A fixed client port (default: a free one). */
  port?: number;
  /** The JetStream domain of this server (a district's leaf node keeps its own). */
  jetstreamDomain?: string;
}

/**
 * A private nats-server on free loopback ports with JetStream, WebSocket and its own store dir;
 * it can be stopped, killed and restarted on the same ports and store, as the reliability tests need.
 */
export class NatsServerProcess {
  private proc: ChildProcess | null = null;
  private constructor(
    readonly binary: string,
    readonly port: number,
    readonly wsPort: number,
    readonly dir: string,
    private readonly configPath: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.wsPort}`;
  }

  static async start(o: NatsServerOptions = {}): Promise<NatsServerProcess> {
    const binary = findNatsServer();
    if (!binary) throw new Error('nats-server is not installed (apt-get install nats-server)');
    const port = o.port ?? (await freePort());
    const wsPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'cityops-nats-'));
    const configPath = join(dir, 'nats.conf');
    const domain = o.jetstreamDomain === undefined ? '' : `, domain: "${o.jetstreamDomain}"`;
    const js = o.jetstream === false ? '' : `jetstream { store_dir: "${join(dir, 'js')}"${domain} }\n`;
    writeFileSync(configPath, `listen: "127.0.0.1:${port}"\n${js}websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }\n${o.extraConfig ?? ''}\n`);
    const s = new NatsServerProcess(binary, port, wsPort, dir, configPath);
    await s.restart();
    return s;
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async restart(): Promise<void> {
    if (this.running) return;
    const proc = spawn(this.binary, ['-c', this.configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    // never leave a private server behind when this process exits
    const reap = (): void => { proc.kill('SIGKILL'); };
    process.once('exit', reap);
    proc.once('exit', () => process.removeListener('exit', reap));
    let err = '';
    this.proc.stderr?.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
    for (let i = 0; i < 200; i++) {
      if (await portOpen(this.port)) return;
      if (!this.running) throw new Error(`nats-server exited: ${err}`);
      await sleep(50);
    }
    throw new Error(`nats-server did not open port ${this.port}: ${err}`);
  }

  /** Stops the server with a signal (SIGTERM for a clean stop, SIGKILL for a crash). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p || !this.running) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill(signal);
    await exited;
    this.proc = null;
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
