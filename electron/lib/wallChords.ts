/**
 * The way into a wall without a tray: GNOME without an AppIndicator extension shows no tray icon,
 * and a kiosk window hides the desktop, so a wall window answers three key chords (Ctrl+Alt+Shift
 * and a letter, which nothing on a wall types by accident): S opens Settings, C the console, Q quits.
 */
export type WallAction = 'settings' | 'console' | 'quit';

export const WALL_CHORDS: Readonly<Record<string, WallAction>> = { s: 'settings', c: 'console', q: 'quit' };

/** The part of Electron's `Input` (before-input-event) read here. */
export interface KeyInput {
  type: string;
  key: string;
  control: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
}

export function wallChord(input: KeyInput): WallAction | null {
  if (input.type !== 'keyDown' || !input.control || !input.alt || !input.shift || input.meta) return null;
  return WALL_CHORDS[input.key.toLowerCase()] ?? null;
}

export interface ChordContents {
  on(event: 'before-input-event', listener: (event: { preventDefault(): void }, input: KeyInput) => void): unknown;
}

export function handleWallChords(wc: ChordContents, act: (action: WallAction) => void): void {
  wc.on('before-input-event', (event, input) => {
    const action = wallChord(input);
    if (action === null) return;
    event.preventDefault();
    act(action);
  });
}

/** The tray icon: packed as an extra resource (build/ is not in the app), from build/ when unpackaged. */
export function trayIconPath(isPackaged: boolean, resourcesPath: string, root: string, join: (...p: string[]) => string): string {
  return isPackaged ? join(resourcesPath, 'icons', 'icon.png') : join(root, 'build', 'icons', 'icon.png');
}

/** A window opened from a chord or the tray: brought to the front when already open, not opened again. */
export function oneWindow<W extends { isDestroyed(): boolean; focus(): void }>(open: () => W): () => W {
  let w: W | null = null;
  return () => {
    if (w !== null && !w.isDestroyed()) {
      w.focus();
      return w;
    }
    w = open();
    return w;
  };
}
