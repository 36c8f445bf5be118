/**
 * The main process's side of the IPC contract: one answer per channel (the compiler refuses a
 * channel without one) and the registration that checks every message before answering it.
 */
import { DESKTOP_CHANNELS, type DesktopChannel, type DesktopRefusal, type DesktopResponse, type DesktopSettings } from '../../analytics/common/desktopApi.js';
import type { DesktopMode } from './engineCommand.js';
import type { EngineStatus } from './engineSupervisor.js';
import { checkIpc } from './ipc.js';
import type { SettingsStore } from './settingsStore.js';

export type DesktopAnswers = { [C in DesktopChannel]: (payload: unknown) => DesktopResponse<C> };

export interface DesktopState {
  connection: { engineUrl: string; token: string; role: 'wall' | 'shift_leader' };
  mode: DesktopMode;
  store: Pick<SettingsStore, 'settings' | 'secretsStored' | 'secretStorageBackend' | 'save'>;
  engine: () => EngineStatus;
  missingCells: () => number[];
  /** Why the settings' wall name cannot be saved (no such wall), or null. */
  wallProblem?: (name: string) => DesktopRefusal | null;
  /** Settings just saved: what applies at once (start at login). */
  applied?: (settings: DesktopSettings) => void;
}

export function desktopAnswers(s: DesktopState): DesktopAnswers {
  return {
    'desktop:connection': () => ({ ...s.connection, mode: s.mode }),
    'desktop:settings:get': () => ({ settings: s.store.settings(), secretsStored: s.store.secretsStored(), secretStorage: s.store.secretStorageBackend() }),
    'desktop:settings:save': (p) => {
      const { settings, secrets } = DESKTOP_CHANNELS['desktop:settings:save'].request.parse(p);
      // a wall that does not exist is refused before anything is saved
      const wallProblem = s.wallProblem?.(settings.wall) ?? null;
      if (wallProblem !== null) return { ok: false, refused: wallProblem };
      const saved = s.store.save(settings, secrets);
      s.applied?.(settings);
      return saved;
    },
    'desktop:status': () => {
      const e = s.engine();
      return { engine: e.state, restarts: e.restarts, crashLoop: e.crashLoop, missingCells: s.missingCells() };
    },
  };
}

/** The part of Electron's `ipcMain` used here; the sender is known by its frame's URL. */
export interface IpcHandlers {
  handle(channel: string, listener: (event: { senderFrame: { url: string } | null }, payload: unknown) => unknown): void;
}

/** Every channel of the contract, answered only after checkIpc (own frame, valid payload). */
export function handleDesktopIpc(ipc: IpcHandlers, answers: DesktopAnswers): void {
  for (const channel of Object.keys(DESKTOP_CHANNELS) as DesktopChannel[]) {
    ipc.handle(channel, (event, payload) => {
      const check = checkIpc(channel, event.senderFrame?.url ?? null, payload);
      if (!check.ok) throw new Error(`refused: ${check.refused}`);
      return answers[channel](check.payload);
    });
  }
}
