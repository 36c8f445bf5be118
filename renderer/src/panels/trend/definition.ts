import type { QueryParamsIn } from '../../../../analytics/common/engineApi';
import type { MetricPanel } from '../metricPanel';

const HOUR = 3_600_000;

/** A trend panel: a metric over the last hours, of one asset or district or of the whole domain. */
export interface TrendDefinition {
  spec: MetricPanel;
  hours: number;
  /** '10s' for one asset's detail, where a minute's bucket would put the newest point up to a minute behind. */
  resolution: '10s' | '1m' | '1h';
  asset?: string | undefined;
  district?: string | undefined;
}

/** The parameters of the engine's `series` query for the panel, as of `nowMs` (engine time). */
export function seriesParams(d: TrendDefinition, nowMs: number): QueryParamsIn<'series'> {
  return {
    metric: d.spec.metric, domain: d.spec.domain, resolution: d.resolution,
    ...(d.asset ? { asset: d.asset } : {}), ...(d.district ? { district: d.district } : {}),
    fromMs: nowMs - d.hours * HOUR,
  };
}

/** One bucket of the series, in milliseconds. */
export const bucketMs = (resolution: TrendDefinition['resolution']): number => (resolution === '1h' ? HOUR : resolution === '10s' ? 10_000 : 60_000);

/**
 * Stale once nothing newer came for several feed intervals (a bucket is complete at its end), or
 * when the engine link is down while old data is on screen.
 */
export function trendIsStale(lastBucketEndMs: number | null, nowMs: number, bucket: number, expectedIntervalMs: number, hasData: boolean, linkOpen: boolean): boolean {
  return (lastBucketEndMs !== null && nowMs - Math.min(lastBucketEndMs, nowMs) > Math.max(bucket * 2, expectedIntervalMs * 3)) || (hasData && !linkOpen);
}
