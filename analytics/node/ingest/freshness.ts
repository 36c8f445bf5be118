import type { FeedKind } from '../../common/city.js';
import type { FeedFreshness, FreshnessState } from '../../common/engineApi.js';

export interface FreshnessPolicy {
  /** Interval assumed until a feed's own rhythm is learned. */
  defaultIntervalMs: number;
  /** Late once data is older than lateFactor × expected interval; silent past silentFactor ×. */
  lateFactor: number;
  silentFactor: number;
}

export const DEFAULT_FRESHNESS: FreshnessPolicy = { defaultIntervalMs: 10_000, lateFactor: 3, silentFactor: 10 };

interface Feed {
  kind: FeedKind;
  domain: string;
  district: string;
  lastSeenMs: number;
  lastTsMs: number;
  intervalMs: number;
  messages: number;
  /**
   * Arrivals (messages 50 ms or more apart): the first gaps are taken as they come, counted in
   * arrivals, because the several messages of one arrival (a district's assets at once) are one gap.
   */
  arrivals: number;
}

const MIN_INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 6 * 3_600_000;

export function freshnessState(ageMs: number, intervalMs: number, p: FreshnessPolicy): FreshnessState {
  if (ageMs <= intervalMs * p.lateFactor) return 'fresh';
  if (ageMs <= intervalMs * p.silentFactor) return 'late';
  return 'silent';
}

/**
 * Per feed (kind × domain × district): when it last spoke, the newest data time, and its expected
 * interval, learned as a moving average of the gaps between arrivals. Bounded by the number of
 * feeds, which the subject grammar bounds.
 */
export class FreshnessTracker {
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly policy: FreshnessPolicy = DEFAULT_FRESHNESS, private readonly maxFeeds = 10_000) {}

  /** `count` messages of one feed arrived at `nowMs`, the newest of them from `tsMs`. */
  seen(kind: FeedKind, domain: string, district: string, tsMs: number, nowMs: number, count = 1): void {
    const key = `${kind}.${domain}.${district}`;
    const f = this.feeds.get(key);
    if (!f) {
      if (this.feeds.size >= this.maxFeeds) return;
      this.feeds.set(key, { kind, domain, district, lastSeenMs: nowMs, lastTsMs: tsMs, intervalMs: this.policy.defaultIntervalMs, messages: count, arrivals: 1 });
      return;
    }
    const gap = nowMs - f.lastSeenMs;
    if (gap >= 50) {
      const g = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, gap));
      f.intervalMs = f.arrivals < 3 ? g : f.intervalMs * 0.9 + g * 0.1;
      f.lastSeenMs = nowMs;
      f.arrivals++;
    }
    if (tsMs > f.lastTsMs) f.lastTsMs = tsMs;
    f.messages += count;
  }

  restore(rows: Iterable<FeedFreshness>): void {
    for (const r of rows) {
      this.feeds.set(`${r.kind}.${r.domain}.${r.district}`, {
        kind: r.kind, domain: r.domain, district: r.district, lastSeenMs: r.lastSeenMs, lastTsMs: r.lastTsMs,
        // a snapshot keeps no arrival count: its messages bound it, and past the first gaps only "3 or more" matters
        intervalMs: r.expectedIntervalMs, messages: r.messages, arrivals: r.messages,
      });
    }
  }

  snapshot(nowMs: number): FeedFreshness[] {
    const out: FeedFreshness[] = [];
    for (const f of this.feeds.values()) {
      const ageMs = Math.max(0, nowMs - f.lastSeenMs);
      out.push({
        kind: f.kind, domain: f.domain, district: f.district, lastSeenMs: f.lastSeenMs, lastTsMs: f.lastTsMs,
        expectedIntervalMs: Math.round(f.intervalMs), messages: f.messages, ageMs,
        state: freshnessState(ageMs, f.intervalMs, this.policy),
      });
    }
    return out.sort((a, b) => (a.kind + a.domain + a.district).localeCompare(b.kind + b.domain + b.district));
  }
}
