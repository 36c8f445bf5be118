import { layoutDisplays, wallSize, type WallConfig } from '../../analytics/common/wallConfig.js';

/** What the shell knows of a physical display (`screen.getAllDisplays()`, reduced). */
export interface PhysicalDisplay {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
  scaleFactor: number;
}

export interface PlannedWindow {
  /** The physical display the window covers. */
  displayId: number;
  bounds: { x: number; y: number; width: number; height: number };
  /** The wall display(s) it shows: one cell, or the whole wall on one large surface. */
  cells: number[];
  /** Query string of the renderer for that window. */
  query: string;
}

export interface WallPlan {
  windows: PlannedWindow[];
  /** Wall cells no display shows (fewer displays than the wall has): the tray says so. */
  missingCells: number[];
  /** Displays left over (more displays than cells). */
  unusedDisplays: number[];
}

/**
 * Maps the wall configuration onto the physical displays. Displays are taken in reading order
 * (top to bottom, then left to right, by their position on the virtual desktop), which is how a
 * video-wall controller or a multi-head graphics card lays them out. A single surface as large as
 * the whole wall (a controller presenting the wall as one display) gets one window with every cell,
 * bezels included; otherwise each display gets one cell. Bezels are the renderer's business: it
 * keeps every element inside its cell.
 */
export function planWall(wall: WallConfig, displays: readonly PhysicalDisplay[]): WallPlan {
  const ordered = [...displays].sort((a, b) => a.bounds.y - b.bounds.y || a.bounds.x - b.bounds.x || a.id - b.id);
  const cells = layoutDisplays(wall).map((c) => c.index);
  const size = wallSize(wall);
  const whole = ordered.find((d) => d.bounds.width * d.scaleFactor >= size.width && d.bounds.height * d.scaleFactor >= size.height);
  if (cells.length > 1 && whole) {
    return {
      windows: [{ displayId: whole.id, bounds: { ...whole.bounds }, cells, query: `?wall=${encodeURIComponent(wall.name)}` }],
      missingCells: [], unusedDisplays: ordered.filter((d) => d !== whole).map((d) => d.id),
    };
  }
  const windows = cells.slice(0, ordered.length).map((cell, i) => {
    const d = ordered[i] as PhysicalDisplay;
    return { displayId: d.id, bounds: { ...d.bounds }, cells: [cell], query: `?wall=${encodeURIComponent(wall.name)}&display=${cell}` };
  });
  return { windows, missingCells: cells.slice(ordered.length), unusedDisplays: ordered.slice(cells.length).map((d) => d.id) };
}

/** Whether two plans put the same windows in the same places (no re-plan needed). */
export function samePlan(a: WallPlan, b: WallPlan): boolean {
  return JSON.stringify(a.windows) === JSON.stringify(b.windows);
}
