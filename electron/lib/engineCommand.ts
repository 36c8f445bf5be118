/**
 * How the shell runs `cityops serve`: its arguments, its environment and the one device it
 * admits (this machine, with the role of the mode). Pure, so a test reads exactly what runs.
 */
import { join } from 'node:path';
import { APP_ORIGIN } from './ipc.js';

export type DesktopMode = 'wall' | 'workstation';

export interface EngineSetup {
  mode: DesktopMode;
  hostname: string;
  /** The engine's working folder (its DuckDB file and the devices file). */
  dir: string;
  devicesFile: string;
  port: number;
  token: string;
  natsUrl: string;
  /** Empty or null: none. */
  natsUser: string | null;
  natsPassword: string | null;
}

export interface EngineCommand {
  args: string[];
  env: Record<string, string>;
  device: { device: string; role: 'wall' | 'shift_leader'; token: string };
  url: string;
}

export function engineCommand(s: EngineSetup, baseEnv: NodeJS.ProcessEnv): EngineCommand {
  const role = s.mode === 'wall' ? 'wall' as const : 'shift_leader' as const;
  // the engine's device names allow these characters only
  const device = `${s.mode}-${s.hostname.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`.slice(0, 100);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
  if (s.natsUser) env['CITYOPS_NATS_USER'] = s.natsUser;
  if (s.natsPassword) env['CITYOPS_NATS_PASS'] = s.natsPassword;
  const args = ['serve', '--nats', s.natsUrl, '--db', join(s.dir, 'cityops.duckdb'), '--port', String(s.port), '--devices', s.devicesFile, '--allow-origin', APP_ORIGIN];
  return { args, env, device: { device, role, token: s.token }, url: `http://127.0.0.1:${s.port}` };
}
