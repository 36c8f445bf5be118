import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BundleManifest } from '../../common/bundle.js';
import { readManifest, verifyBundle } from '../export/verifyBundle.js';
import { BundleEngine } from '../replay/bundleEngine.js';
import { AccessTokens, type DevicesFile } from '../server/access.js';
import { DEFAULT_SERVER, startServer, type RunningServer } from '../server/httpServer.js';
import { auditSink, RENDERER_DIR } from './serveCommand.js';

export interface OpenOptions {
  dir: string;
  host: string;
  port: number;
  verify: boolean;
}

export interface Opened {
  engine: BundleEngine;
  server: RunningServer;
  manifest: BundleManifest;
  devices: DevicesFile;
  /** How long verifying the files against the manifest took (null when skipped). */
  verifyMs: number | null;
  stop(): Promise<void>;
}

/** A bundle that does not check out: each problem names its file. */
export class BundleRefused extends Error {
  constructor(readonly problems: string[]) {
    super(`the bundle does not match its manifest:\n  ${problems.join('\n  ')}\n(--no-verify opens it anyway)`);
  }
}

/**
 * `cityops open BUNDLE`: checks every file against the manifest (a changed, missing or extra file is
 * refused by name), then serves the same wall and console over it, read-only and replayed within the
 * bundle's window. Nothing of the export's is written: the screens' tokens are made for this run and
 * the audit log goes to the temporary folder (queries saved in the SQL console go to the bundle's
 * `analysis/` folder, which verification leaves aside).
 */
export async function openBundle(o: OpenOptions): Promise<Opened> {
  const dir = resolve(o.dir);
  let manifest: BundleManifest;
  let verifyMs: number | null = null;
  if (o.verify) {
    const t = performance.now();
    const v = await verifyBundle(dir);
    verifyMs = performance.now() - t;
    if (!v.ok) throw new BundleRefused(v.problems);
    manifest = v.manifest;
  } else {
    // --no-verify skips the files' check, never the format's (version, schema, window)
    const m = readManifest(dir);
    if (!m.ok) throw new Error(m.problems.join('\n'));
    manifest = m.manifest;
  }
  const engine = await BundleEngine.open(dir, manifest);
  const tokens = new AccessTokens();
  const devices: DevicesFile = [
    { device: 'wall-1', role: 'wall', name: '大屏1', token: AccessTokens.generate() },
    { device: 'console-1', role: 'shift_leader', name: '一号值班台', token: AccessTokens.generate() },
    { device: 'analyst-1', role: 'analyst', name: '分析席', token: AccessTokens.generate() },
  ];
  for (const d of devices) tokens.add(d.token, d.role, d.device, d.name ?? null);
  const audit = auditSink(join(tmpdir(), `cityops-open-${process.pid}.audit.log`), engine.boundary);
  let server: RunningServer;
  try {
    server = await startServer(engine, { ...DEFAULT_SERVER, host: o.host, port: o.port, tokens, allowedOrigins: [], staticDir: RENDERER_DIR, audit });
  } catch (e) {
    await engine.stop();
    throw e;
  }
  return {
    engine, server, manifest, devices, verifyMs,
    stop: async () => {
      await server.close();
      await engine.stop();
    },
  };
}
