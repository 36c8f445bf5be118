import type { z } from 'zod';

/**
 * Small vocabularies every layer shares, written once: an asset's key, microseconds for DuckDB,
 * and how a refused document's problems are told.
 */

/** Alarm priorities, most urgent first (紧急/重要/次要/提示). */
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The four colours (红橙黄蓝), worst first: an event's severity and a risk's colour. */
export const COLOURS = ['red', 'orange', 'yellow', 'blue'] as const;
export type Colour = (typeof COLOURS)[number];

/** A hazard case's stages, in order (发现 → 派发 → 整改 → 复核 → 销号). */
export const HAZARD_STAGES = ['found', 'dispatched', 'rectifying', 'verifying', 'closed'] as const;
export type HazardStage = (typeof HAZARD_STAGES)[number];

/** A hazard's grade (重大/一般), also the level of a failed inspection item. */
export const HAZARD_GRADES = ['major', 'general'] as const;
export type HazardGrade = (typeof HAZARD_GRADES)[number];

/** Waits `ms` (retries and back-off). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An asset's key across the product: `domain/district/asset` (alarm points, risk register, names). */
export const assetKey = (domain: string, district: string, asset: string): string => `${domain}/${district}/${asset}`;

/** The same key from anything that carries the three fields. */
export const keyOf = (a: { domain: string; district: string; asset: string }): string => assetKey(a.domain, a.district, a.asset);

/** The three parts of an asset key (null when it is not one). */
export function parseAssetKey(key: string): { domain: string; district: string; asset: string } | null {
  const [domain, district, asset, ...rest] = key.split('/');
  return domain && district && asset && rest.length === 0 ? { domain, district, asset } : null;
}

/** Microseconds since the epoch, the form DuckDB's make_timestamptz takes. */
export const micros = (ms: number): bigint => BigInt(Math.round(ms)) * 1000n;

/** A refused document's problems in one line: `path: message; …`. */
export function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

/**
 * While the wall's queries run, ingest waits this long at most before each chunk and between the
 * slices of a commit: their answers (finished on the engine's thread) are not queued behind a drain
 * at full rate, and a flood of queries cannot stop ingest.
 */
export const GIVE_WAY_MS = 25;

/** Waits while what `to` reports (running queries) runs, at most {@link GIVE_WAY_MS}; at once when nothing runs. */
export async function giveWay(to: (() => Promise<void> | null) | null): Promise<void> {
  const busy = to?.();
  if (busy) await Promise.race([busy, sleep(GIVE_WAY_MS)]);
}

/**
 * The share of the time ingest may spend giving way to queries, over each {@link GIVE_WAY_WINDOW_MS}.
 * Each wait is short, but under a stream of queries (many walls, or one client that keeps its
 * queries in flight) every chunk and every slice of a commit would wait, the waits adding up to
 * more than the time itself. Past the share, ingest goes on while queries run.
 */
export const GIVE_WAY_SHARE = 0.5;
export const GIVE_WAY_WINDOW_MS = 1_000;

/** Time spent giving way, bounded to {@link GIVE_WAY_SHARE} of each window (one per thread that waits). */
export class GiveWayBudget {
  private windowStart = -Infinity;
  private usedMs = 0;
  /** All the time given way since the start (health, tests). */
  totalMs = 0;

  constructor(private readonly now: () => number = () => performance.now(), readonly share = GIVE_WAY_SHARE, readonly windowMs = GIVE_WAY_WINDOW_MS) {}

  /** How long one may wait now: at most {@link GIVE_WAY_MS}, and no more than what is left of this window's share. */
  allowance(): number {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.windowStart = t;
      this.usedMs = 0;
    }
    return Math.max(0, Math.min(GIVE_WAY_MS, this.share * this.windowMs - this.usedMs));
  }

  spent(ms: number): void {
    this.usedMs += ms;
    this.totalMs += ms;
  }

  /**
   * What ingest waits for before a piece of work: `busy()` (null when no query runs), bounded by the
   * allowance; null when nothing runs or this window's share is spent. The allowance is taken from
   * the window when the wait starts (waits that overlap cannot share it twice) and what was not
   * used is given back when it ends, if the window is still the same.
   */
  bound(busy: () => Promise<void> | null): () => Promise<void> | null {
    return () => {
      const b = busy();
      if (!b) return null;
      const allow = this.allowance();
      // less than a timer's resolution left: the share is spent
      if (allow < 1) return null;
      const t0 = this.now();
      const window = this.windowStart;
      this.usedMs += allow;
      return Promise.race([b, sleep(allow)]).then(() => {
        const waited = this.now() - t0;
        this.totalMs += waited;
        if (this.windowStart === window) this.usedMs += waited - allow;
      });
    };
  }
}
