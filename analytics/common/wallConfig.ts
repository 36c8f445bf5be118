import { z } from 'zod';

/**
 * A wall: a grid of displays, each with its resolution, the bezels between them, and the screens
 * each display rotates through. Screens are designed on a 1920×1080 canvas and scaled to the
 * display; the bezels are gaps nothing is drawn in, so nothing crosses a seam.
 */
export const WallConfigSchema = z.object({
  name: z.string().min(1),
  cols: z.number().int().min(1).max(8),
  rows: z.number().int().min(1).max(8),
  /** Real pixels of one display. */
  display: z.object({ width: z.number().int().min(320).max(7680), height: z.number().int().min(180).max(4320) }).default({ width: 1920, height: 1080 }),
  /** Real pixels hidden by the bezels between two displays (left+right, top+bottom). */
  bezel: z.object({ x: z.number().min(0).max(400), y: z.number().min(0).max(400) }).default({ x: 0, y: 0 }),
  /** Per display (row by row), the screens it rotates through. */
  playlists: z.array(z.array(z.string().min(1)).min(1)).min(1),
  rotateS: z.number().min(3).max(3600).default(30),
  /** A critical event takes focus for at most this long unless acknowledged. */
  interruptS: z.number().min(10).max(3600).default(120),
  /** Which display shows critical events (row by row, from 0). */
  interruptDisplay: z.number().int().min(0).default(0),
  /** Whether critical events take focus at all (off for a pinned single screen, `?screen=`). */
  interrupts: z.boolean().default(true),
}).refine((w) => w.playlists.length === w.cols * w.rows, { message: 'one playlist per display (cols × rows)' })
  .refine((w) => w.interruptDisplay < w.cols * w.rows, { message: 'interruptDisplay must be one of the displays' });
export type WallConfig = z.infer<typeof WallConfigSchema>;

export const DESIGN = { width: 1920, height: 1080 } as const;

export interface DisplayBox {
  index: number;
  col: number;
  row: number;
  /** Position and size in real pixels of the whole wall. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Real pixels per design pixel (uniform; letterboxed when the aspect differs). */
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** Where each display sits on the wall, bezels included. */
export function layoutDisplays(w: WallConfig): DisplayBox[] {
  const out: DisplayBox[] = [];
  const scale = Math.min(w.display.width / DESIGN.width, w.display.height / DESIGN.height);
  for (let row = 0; row < w.rows; row++) {
    for (let col = 0; col < w.cols; col++) {
      out.push({
        index: row * w.cols + col, col, row,
        x: col * (w.display.width + w.bezel.x), y: row * (w.display.height + w.bezel.y),
        width: w.display.width, height: w.display.height, scale,
        offsetX: (w.display.width - DESIGN.width * scale) / 2, offsetY: (w.display.height - DESIGN.height * scale) / 2,
      });
    }
  }
  return out;
}

export function wallSize(w: WallConfig): { width: number; height: number } {
  return { width: w.cols * w.display.width + (w.cols - 1) * w.bezel.x, height: w.rows * w.display.height + (w.rows - 1) * w.bezel.y };
}

/** One display pinned to the given screens: no takeover by critical events. */
export function singleDisplayWall(screens: string[], rotateS = 30): WallConfig {
  return WallConfigSchema.parse({ name: 'single', cols: 1, rows: 1, playlists: [screens], rotateS, interrupts: false });
}
