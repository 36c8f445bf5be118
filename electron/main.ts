/**
 * The desktop shell's composition root: the list of steps the app takes. Everything with logic of
 * its own lives in electron/lib (tested in Node, the Electron objects passed in as the few
 * methods used) or in the engine.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, Menu, nativeImage, powerSaveBlocker, protocol, safeStorage, screen, session, Tray, utilityProcess } from 'electron';
import { openAppWindow, type AppWindowOptions } from './lib/appWindow.js';
import { desktopAnswers, handleDesktopIpc } from './lib/desktopIpc.js';
import { engineCommand, type DesktopMode } from './lib/engineCommand.js';
import { EngineSupervisor } from './lib/engineSupervisor.js';
import { claimSingleInstance, quitAfterEngine } from './lib/lifecycle.js';
import { freeLocalPort } from './lib/localPort.js';
import { rendererHandler } from './lib/rendererProtocol.js';
import { RotatingLog } from './lib/rotatingLog.js';
import { guardContents, setPermissions } from './lib/securityPolicy.js';
import { SettingsStore } from './lib/settingsStore.js';
import { chooseWall, wallNameProblem } from './lib/wallChoice.js';
import { applyStartAtLogin, autostartDir } from './lib/startAtLogin.js';
import { handleWallChords, oneWindow, trayIconPath } from './lib/wallChords.js';
import { x11Relaunch } from './lib/wallPlacement.js';
import { WallWindows } from './lib/wallWindows.js';
import type { PhysicalDisplay, WallPlan } from './lib/windowPlanner.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RENDERER = join(ROOT, 'renderer', 'dist');
const CLI = join(ROOT, 'dist', 'analytics', 'node', 'cli', 'main.js');
const PRELOAD = join(ROOT, 'dist', 'electron', 'preload.cjs');
const CONSOLE_SIZE = { width: 1600, height: 1000 };

interface RunningEngine {
  url: string;
  token: string;
  role: 'wall' | 'shift_leader';
  supervisor: EngineSupervisor;
}

interface Windows {
  /** The wall's current plan (null for the console), for the missing displays. */
  plan(): WallPlan | null;
  /** The app quits: no window is reopened. */
  quit(): void;
}

// a wall in a Wayland session starts again on X11 (its windows' positions would be ignored);
// a second instance exits at once (the first is focused through 'second-instance')
const relaunch = x11Relaunch(process.platform, desktopMode(openSettings()) === 'wall', process.execPath, process.argv.slice(1), process.env);
if (relaunch) {
  app.relaunch(relaunch);
  app.exit(0);
} else if (claimSingleInstance(app)) start();

/** The app's steps, in order, once it holds the single-instance lock. */
function start(): void {
  app.commandLine.appendSwitch('lang', 'zh-CN');
  setupRendererScheme();
  app.whenReady().then(async () => {
    const store = setupSettings();
    const mode = desktopMode(store);
    setupHardening();
    const engine = await setupEngine(mode, store);
    setupRendererProtocol(engine.url);
    const windows = setupWindows(mode, store);
    setupIpc(engine, store, mode, windows);
    setupTray(mode, engine, windows);
    setupQuit(mode, engine, windows);
  }).catch((e: unknown) => {
    console.error(`cityops: ${e instanceof Error ? e.message : String(e)}`);
    app.exit(1);
  });
}

/** The renderer's own scheme, registered before the app is ready (never file://). */
function setupRendererScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'cityops', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Settings, with secrets only through the OS keyring. */
function setupSettings(): SettingsStore {
  const store = openSettings();
  startAtLogin(store.settings().startAtLogin);
  return store;
}

/** Login items on Windows and macOS, an XDG autostart entry on Linux (the AppImage's own path when run from one). */
function startAtLogin(enabled: boolean): void {
  try {
    applyStartAtLogin(enabled, {
      platform: process.platform, exec: process.env['APPIMAGE'] ?? process.execPath,
      // unpackaged (npm start), the executable is Electron's own: it must be given the app's folder
      args: app.isPackaged ? [] : [app.getAppPath()],
      autostartDir: autostartDir(process.env, app.getPath('home')), loginItems: app,
    });
  } catch (e) {
    console.error(`cityops: start at login not applied: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function openSettings(): SettingsStore {
  return new SettingsStore(join(app.getPath('userData'), 'settings.json'), safeStorage);
}

function desktopMode(store: SettingsStore): DesktopMode {
  if (process.argv.includes('--wall')) return 'wall';
  if (process.argv.includes('--workstation')) return 'workstation';
  return store.settings().mode;
}

/** No permission but the loopback to the engine, nothing navigates away, no new windows, no webviews. */
function setupHardening(): void {
  setPermissions(session.defaultSession);
  // a packaged app has no menu: none of the default accelerators (reload, DevTools) reaches a wall
  if (app.isPackaged) Menu.setApplicationMenu(null);
  app.on('web-contents-created', (_e, contents) => guardContents(contents));
}

/** The engine in a utility process, out of the UI's way, admitting this device with its token. */
async function setupEngine(mode: DesktopMode, store: SettingsStore): Promise<RunningEngine> {
  const dir = join(app.getPath('userData'), 'engine');
  mkdirSync(dir, { recursive: true });
  const s = store.settings();
  const cmd = engineCommand({
    mode, hostname: hostname(), dir, devicesFile: join(dir, 'devices.json'), port: await freeLocalPort(),
    token: store.secret('roleToken') ?? randomBytes(24).toString('base64url'),
    natsUrl: s.natsUrl, natsUser: s.natsUser, natsPassword: store.secret('natsPassword'),
  }, process.env);
  writeFileSync(join(dir, 'devices.json'), JSON.stringify([cmd.device]), { mode: 0o600 });
  // its output to a bounded log beside its database (logs/engine.log and engine.log.1, 5 MB each)
  const log = new RotatingLog(join(app.getPath('userData'), 'logs', 'engine.log'));
  const launch = (): Electron.UtilityProcess => utilityProcess.fork(CLI, cmd.args, { serviceName: 'cityops engine', env: cmd.env, stdio: 'pipe' });
  const supervisor = new EngineSupervisor(launch, undefined, undefined, log);
  supervisor.start();
  return { url: cmd.url, token: cmd.device.token, role: cmd.device.role, supervisor };
}

/** The built renderer on cityops://app/, with a strict CSP naming the engine. */
function setupRendererProtocol(engineUrl: string): void {
  protocol.handle('cityops', rendererHandler(RENDERER, engineUrl));
}

/** One kiosk window per display of the wall, re-planned when displays change; or the console. */
function setupWindows(mode: DesktopMode, store: SettingsStore): Windows {
  if (mode === 'workstation') {
    openConsole();
    // the console to the front, or again if it was closed (focus() on a destroyed window throws)
    app.on('second-instance', () => openConsole());
    return { plan: () => null, quit: () => undefined };
  }
  powerSaveBlocker.start('prevent-display-sleep');
  // a wall name that does not exist shows the 1x1 wall (with a warning) rather than ending the app
  const wall = chooseWall(join(RENDERER, 'walls'), store.settings().wall, (line) => console.error(line));
  const displays = (): PhysicalDisplay[] => screen.getAllDisplays().map((d) => ({ id: d.id, bounds: d.bounds, scaleFactor: d.scaleFactor }));
  const windows = new WallWindows(wall, displays, (p) => openWindow(p.query, p.bounds, true));
  windows.replan();
  screen.on('display-added', () => windows.displaysChanged());
  screen.on('display-removed', () => windows.displaysChanged());
  screen.on('display-metrics-changed', () => windows.displaysChanged());
  app.on('second-instance', () => windows.windows()[0]?.focus());
  return { plan: () => windows.plan(), quit: () => windows.quit() };
}

/** The narrow IPC surface, every message checked (sender and schema). */
function setupIpc(engine: RunningEngine, store: SettingsStore, mode: DesktopMode, windows: Windows): void {
  handleDesktopIpc(ipcMain, desktopAnswers({
    connection: { engineUrl: engine.url, token: engine.token, role: engine.role }, mode, store,
    engine: () => engine.supervisor.status(), missingCells: () => windows.plan()?.missingCells ?? [],
    wallProblem: (name) => wallNameProblem(join(RENDERER, 'walls'), name),
    applied: (settings) => startAtLogin(settings.startAtLogin),
  }));
}

/** A tray with the engine's state, restarts and missing wall displays. */
function setupTray(mode: DesktopMode, engine: RunningEngine, windows: Windows): void {
  const tray = new Tray(nativeImage.createFromPath(trayIconPath(app.isPackaged, process.resourcesPath, ROOT, join)));
  const refresh = (): void => {
    const { state, restarts } = engine.supervisor.status();
    const missing = windows.plan()?.missingCells.length ?? 0;
    tray.setToolTip(`cityops · ${mode} · engine ${state}${restarts ? ` (restarted ${restarts}×)` : ''}${missing ? ` · ${missing} wall display(s) missing` : ''}`);
    tray.setContextMenu(Menu.buildFromTemplate([
      { label: `Engine: ${state}`, enabled: false },
      { label: 'Console', click: () => openConsole() },
      // the analyst's workbench (SQL, charts, correlation) over this engine
      { label: 'Analysis workbench', click: () => openWindow('?view=analysis', CONSOLE_SIZE, false) },
      { label: 'Settings…', click: () => openSettingsWindow() },
      { type: 'separator' },
      { label: 'Quit', role: 'quit' },
    ]));
  };
  refresh();
  setInterval(refresh, 5_000).unref();
}

/** A workstation quits with its last window; a wall keeps the engine running. */
function setupQuit(mode: DesktopMode, engine: RunningEngine, windows: Windows): void {
  app.on('window-all-closed', () => {
    if (mode === 'workstation') app.quit();
  });
  // a wall window closed while quitting is not one closed by hand: not reopened
  app.on('before-quit', () => windows.quit());
  // the engine closes its database before the app goes (bounded wait)
  quitAfterEngine(app, () => engine.supervisor.stop());
}

function openWindow(query: string, bounds: AppWindowOptions['bounds'], kiosk: boolean): BrowserWindow {
  const w = openAppWindow(BrowserWindow, { preload: PRELOAD, query, bounds, kiosk, devTools: !app.isPackaged });
  // a wall has no tray on GNOME without AppIndicator: Ctrl+Alt+Shift+S settings, C console, Q quit
  if (kiosk) handleWallChords(w.webContents, (a) => (a === 'settings' ? openSettingsWindow() : a === 'console' ? openConsole() : app.quit()));
  return w;
}

// one console and one settings window from the tray and the chords, brought to the front when open
const openConsole = oneWindow(() => openWindow('?view=console', CONSOLE_SIZE, false));
const openSettingsWindow = oneWindow(() => openWindow('?view=settings', { width: 720, height: 640 }, false));
