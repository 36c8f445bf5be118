import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../analytics/node/paths.js';

/** The built CLI (`npm test` builds it first): tests that kill the engine run it as a real process. */
export function builtCli(): string {
  const cli = join(packageRoot(), 'dist/analytics/node/cli/main.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build`);
  return cli;
}

/** A `cityops serve` child process; `url` is known once it prints where it listens. */
export class EngineProcess {
  url: string | null = null;
  output = '';
  private constructor(readonly proc: ChildProcess) {}

  static async start(cliPath: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<EngineProcess> {
    const proc = spawn(process.execPath, [cliPath, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const p = new EngineProcess(proc);
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code, sig) => reject(new Error(`engine exited (${code ?? sig}) before listening: ${p.output}`))));
    const listening = new Promise<string>((resolve) => {
      const onData = (d: Buffer): void => {
        p.output = (p.output + d.toString()).slice(-8000);
        const m = /cityops engine on (http:\/\/\S+)/.exec(p.output);
        if (m?.[1]) resolve(m[1]);
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
    });
    p.url = await Promise.race([listening, exited]);
    return p;
  }

  async health(): Promise<{ ok: boolean; ingest: { received: number; stored: number; quarantined: number; duplicates: number } }> {
    const r = await fetch(`${this.url}/api/health`);
    return (await r.json()) as { ok: boolean; ingest: { received: number; stored: number; quarantined: number; duplicates: number } };
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill(signal);
    await exited;
  }
}
