import type { MetricPanel } from '../metricPanel';

export interface LatestRow {
  label: string;
  value: number;
  /** `domain/district/asset`, carried to the click that opens the asset. */
  key: string;
}

/** The parameters of the engine's `latest` query for a TOP 10 panel. */
export function latestParams(spec: MetricPanel): Record<string, unknown> {
  return { domain: spec.domain, metric: spec.metric, limit: 5000 };
}

/** The `latest` columns as bars named from the registry, and the newest reading's time. */
export function latestRows(c: Record<string, unknown[]> | undefined, names: ReadonlyMap<string, string>): { rows: LatestRow[]; newest: number | null } {
  if (!c) return { rows: [], newest: null };
  const rows: LatestRow[] = [];
  let newest: number | null = null;
  (c['asset'] ?? []).forEach((a, i) => {
    const v = c['value']?.[i];
    const ts = Number(c['ts']?.[i]);
    if (typeof v !== 'number') return;
    const key = `${String(c['domain']?.[i])}/${String(c['district']?.[i])}/${String(a)}`;
    rows.push({ label: names.get(key) ?? String(a), value: v, key });
    if (Number.isFinite(ts) && (newest === null || ts > newest)) newest = ts;
  });
  return { rows, newest };
}

/** Stale when the newest reading is older than three feed intervals, or the engine link is down. */
export function latestIsStale(newest: number | null, nowMs: number, expectedIntervalMs: number, linkOpen: boolean): boolean {
  return (newest !== null && nowMs - newest > expectedIntervalMs * 3) || !linkOpen;
}
