/**
 * The desktop shell's composition root. It reads as the list of steps the app takes; everything
 * with logic of its own lives in electron/lib (pure, tested without Electron) or in the engine.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app, BrowserWindow, ipcMain, Menu, nativeImage, powerSaveBlocker, protocol, safeStorage, screen, session, Tray, utilityProcess,
  type UtilityProcess, type WebContents,
} from 'electron';
import { DESKTOP_CHANNELS, type DesktopChannel, type DesktopResponse } from '../analytics/common/desktopApi.js';
import { WallConfigSchema, type WallConfig } from '../analytics/common/wallConfig.js';
import { RestartPolicy } from './lib/crashPolicy.js';
import { APP_ORIGIN, checkIpc } from './lib/ipc.js';
import { SettingsStore } from './lib/settingsStore.js';
import { planWall, samePlan, type WallPlan } from './lib/windowPlanner.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RENDERER = join(ROOT, 'renderer', 'dist');
const CLI = join(ROOT, 'dist', 'analytics', 'node', 'cli', 'main.js');
const PRELOAD = join(ROOT, 'dist', 'electron', 'preload.cjs');
const UNRESPONSIVE_RELOAD_MS = 10_000;

// 1. One instance per machine: a second start focuses the first.
if (!app.requestSingleInstanceLock()) app.quit();

// 2. The renderer's own scheme, registered before the app is ready (never file://).
protocol.registerSchemesAsPrivileged([{ scheme: 'cityops', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

interface Engine {
  url: string;
  token: string;
  role: 'wall' | 'shift_leader';
  state: DesktopResponse<'desktop:status'>['engine'];
  restarts: number;
  crashLoop: boolean;
}

app.whenReady().then(async () => {
  // 3. Settings (secrets only through the OS keyring) and the mode: wall or workstation.
  const store = new SettingsStore(join(app.getPath('userData'), 'settings.json'), safeStorage);
  const settings = store.settings();
  const mode = process.argv.includes('--wall') ? 'wall' : process.argv.includes('--workstation') ? 'workstation' : settings.mode;
  app.setLoginItemSettings({ openAtLogin: settings.startAtLogin });

  // 4. Hardening: no permission is ever granted, nothing navigates away, no new windows, no webviews.
  harden();

  // 5. The engine, out of the UI's way in a utility process, restarted when it dies (its state is in DuckDB).
  const engine = await startEngine(mode, store);

  // 6. The renderer from the custom protocol, with a strict CSP naming the engine.
  serveRenderer(engine.url);

  // 7. The narrow IPC surface, every message checked (sender and schema).
  handleIpc(engine, store, mode, () => currentPlan);

  // 8. Windows: one per display of the wall, or the console; re-planned when displays change.
  let currentPlan: WallPlan | null = null;
  const windows = new Map<number, BrowserWindow>();
  if (mode === 'wall') {
    powerSaveBlocker.start('prevent-display-sleep');
    const wall = readWall(settings.wall);
    const replan = (): void => {
      const plan = planWall(wall, screen.getAllDisplays().map((d) => ({ id: d.id, bounds: d.bounds, scaleFactor: d.scaleFactor })));
      if (currentPlan && samePlan(currentPlan, plan)) return;
      currentPlan = plan;
      for (const w of windows.values()) w.destroy();
      windows.clear();
      for (const p of plan.windows) windows.set(p.displayId, openWindow(p.query, p.bounds, true));
    };
    replan();
    let timer: NodeJS.Timeout | null = null;
    const later = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(replan, 1_000);
    };
    screen.on('display-added', later);
    screen.on('display-removed', later);
    screen.on('display-metrics-changed', later);
  } else {
    windows.set(0, openWindow('?view=console', { width: 1600, height: 1000 }, false));
  }
  app.on('second-instance', () => windows.values().next().value?.focus());

  // 9. A tray with the engine's state.
  const tray = new Tray(nativeImage.createFromPath(join(ROOT, 'build', 'icons', 'icon.png')));
  const refreshTray = (): void => {
    const missing = currentPlan?.missingCells.length ?? 0;
    tray.setToolTip(`cityops · ${mode} · engine ${engine.state}${engine.restarts ? ` (restarted ${engine.restarts}×)` : ''}${missing ? ` · ${missing} wall display(s) missing` : ''}`);
    tray.setContextMenu(Menu.buildFromTemplate([
      { label: `Engine: ${engine.state}`, enabled: false },
      { label: 'Console', click: () => openWindow('?view=console', { width: 1600, height: 1000 }, false) },
      { label: 'Settings…', click: () => openWindow('?view=settings', { width: 720, height: 640 }, false) },
      { type: 'separator' },
      { label: 'Quit', role: 'quit' },
    ]));
  };
  refreshTray();
  setInterval(refreshTray, 5_000).unref();

  app.on('window-all-closed', () => {
    if (mode === 'workstation') app.quit();
  });

  function openWindow(query: string, bounds: { x?: number; y?: number; width: number; height: number }, kiosk: boolean): BrowserWindow {
    const w = new BrowserWindow({
      ...bounds, show: false, backgroundColor: '#040d1a', fullscreen: kiosk, kiosk, autoHideMenuBar: true,
      webPreferences: {
        preload: PRELOAD, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true,
        backgroundThrottling: false, spellcheck: false,
        // a middle click must not open anything either (window.open is denied below)
        disableBlinkFeatures: 'Auxclick',
      },
    });
    w.once('ready-to-show', () => w.show());
    void w.loadURL(`${APP_ORIGIN}/index.html${query}`);
    recoverCrashes(w.webContents, () => w.loadURL(`${APP_ORIGIN}/index.html${query}`));
    return w;
  }
}).catch((e: unknown) => {
  console.error(`cityops: ${e instanceof Error ? e.message : String(e)}`);
  app.exit(1);
});

function harden(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/** A crashed renderer is reloaded (backing off if it keeps crashing); a hung one is reloaded after 10 s. */
function recoverCrashes(wc: WebContents, reload: () => Promise<void>): void {
  const policy = new RestartPolicy();
  policy.started(Date.now());
  wc.on('render-process-gone', (_e, details) => {
    if (details.reason === 'clean-exit') return;
    const { delayMs } = policy.crashed(Date.now());
    setTimeout(() => {
      policy.started(Date.now());
      void reload();
    }, delayMs);
  });
  let hung: NodeJS.Timeout | null = null;
  wc.on('unresponsive', () => {
    hung ??= setTimeout(() => {
      hung = null;
      wc.forcefullyCrashRenderer();
      void reload();
    }, UNRESPONSIVE_RELOAD_MS);
  });
  wc.on('responsive', () => {
    if (hung) clearTimeout(hung);
    hung = null;
  });
}

function serveRenderer(engineUrl: string): void {
  const ws = engineUrl.replace(/^http/, 'ws');
  const csp = `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ${engineUrl} ${ws}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`;
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.geojson': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' };
  protocol.handle('cityops', (request) => {
    const url = new URL(request.url);
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    const file = join(RENDERER, rel === '' ? 'index.html' : rel);
    if (url.host !== 'app' || !file.startsWith(RENDERER) || !existsSync(file)) return new Response('not found', { status: 404 });
    return new Response(readFileSync(file), { headers: { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp, 'x-content-type-options': 'nosniff' } });
  });
}

function handleIpc(engine: Engine, store: SettingsStore, mode: 'wall' | 'workstation', plan: () => WallPlan | null): void {
  const answers: { [C in DesktopChannel]: (payload: unknown) => DesktopResponse<C> } = {
    'desktop:connection': () => ({ engineUrl: engine.url, token: engine.token, role: engine.role, mode }),
    'desktop:settings:get': () => ({ settings: store.settings(), secretsStored: store.secretsStored(), secretStorage: store.secretStorageBackend() }),
    'desktop:settings:save': (p) => {
      const { settings, secrets } = DESKTOP_CHANNELS['desktop:settings:save'].request.parse(p);
      return store.save(settings, secrets);
    },
    'desktop:status': () => ({ engine: engine.state, restarts: engine.restarts, crashLoop: engine.crashLoop, missingCells: plan()?.missingCells ?? [] }),
  };
  for (const channel of Object.keys(DESKTOP_CHANNELS) as DesktopChannel[]) {
    ipcMain.handle(channel, (event, payload: unknown) => {
      const check = checkIpc(channel, event.senderFrame?.url ?? null, payload);
      if (!check.ok) throw new Error(`refused: ${check.refused}`);
      return answers[channel](check.payload);
    });
  }
}

function readWall(name: string): WallConfig {
  return WallConfigSchema.parse(JSON.parse(readFileSync(join(RENDERER, 'walls', `${name}.json`), 'utf8')));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs `cityops serve` in a utility process with this device's token; restarts it when it exits. */
async function startEngine(mode: 'wall' | 'workstation', store: SettingsStore): Promise<Engine> {
  const dir = join(app.getPath('userData'), 'engine');
  mkdirSync(dir, { recursive: true });
  const devicesFile = join(dir, 'devices.json');
  const role = mode === 'wall' ? 'wall' as const : 'shift_leader' as const;
  const device = `${mode}-${hostname().toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`.slice(0, 100);
  const token = store.secret('roleToken') ?? randomBytes(24).toString('base64url');
  writeFileSync(devicesFile, JSON.stringify([{ device, role, token }]), { mode: 0o600 });
  const port = await freePort();
  const s = store.settings();
  const env: Record<string, string> = { ...process.env as Record<string, string> };
  const password = store.secret('natsPassword');
  if (s.natsUser) env['CITYOPS_NATS_USER'] = s.natsUser;
  if (password) env['CITYOPS_NATS_PASS'] = password;
  const engine: Engine = { url: `http://127.0.0.1:${port}`, token, role, state: 'starting', restarts: 0, crashLoop: false };
  const policy = new RestartPolicy();
  let child: UtilityProcess | null = null;
  const launch = (): void => {
    policy.started(Date.now());
    child = utilityProcess.fork(CLI, ['serve', '--nats', s.natsUrl, '--db', join(dir, 'cityops.duckdb'), '--port', String(port), '--devices', devicesFile, '--allow-origin', APP_ORIGIN],
      { serviceName: 'cityops engine', env, stdio: 'pipe' });
    child.on('spawn', () => (engine.state = 'running'));
    child.on('exit', () => {
      if (engine.state === 'stopped') return;
      const { delayMs, crashLoop } = policy.crashed(Date.now());
      engine.state = 'restarting';
      engine.restarts++;
      engine.crashLoop = crashLoop;
      setTimeout(launch, delayMs);
    });
  };
  launch();
  app.on('before-quit', () => {
    engine.state = 'stopped';
    child?.kill();
  });
  return engine;
}
