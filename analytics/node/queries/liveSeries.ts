import type { QueryParamsOf, QueryResult } from '../../common/engineApi.js';
import { districtRows, type DistrictLevel, type DistrictRollupRows } from '../store/batchWriter.js';
import type { Database } from '../store/database.js';
import { SQL_QUERIES } from './catalog.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** A live `series` query is answered here when its window starts at most this long ago. */
export const LIVE_SERIES_SPAN_MS = 25 * HOUR;
/** Buckets up to this far ahead of the engine's clock (a source's clock running ahead) are held; later ones are not. */
const AHEAD_MS = 30 * MINUTE;
/**
 * Each ring holds one more than the window plus the clock's allowance ahead: a bucket is only ever
 * replaced by one a whole ring later, which is at most AHEAD_MS ahead, so what it replaces started
 * before the earliest window this answers (LIVE_SERIES_SPAN_MS): no answerable bucket is ever lost.
 */
const RING_MS = LIVE_SERIES_SPAN_MS + HOUR;
/** Metrics that cannot be answered here (a key past the bound, a bucket too far ahead) before the mirror gives up entirely. */
const MAX_REFUSED_METRICS = 1024;


/** Per bucket: [start ms, n, sum, min, max], min and max NaN when the bucket had only bad readings. */
const FIELDS = 5;

class Ring {
  readonly slots: number;
  readonly cells: Float64Array;
  constructor(readonly widthMs: number) {
    this.slots = Math.ceil(RING_MS / widthMs) + 1;
    this.cells = new Float64Array(this.slots * FIELDS).fill(Number.NaN);
  }

  slot(bucketMs: number): number {
    const i = Math.floor(bucketMs / this.widthMs) % this.slots;
    return (i < 0 ? i + this.slots : i) * FIELDS;
  }

  add(bucketMs: number, n: number, sum: number, min: number, max: number): void {
    const c = this.cells;
    const o = this.slot(bucketMs);
    const held = c[o] as number;
    if (held === bucketMs) {
      c[o + 1] = (c[o + 1] as number) + n;
      c[o + 2] = (c[o + 2] as number) + sum;
      c[o + 3] = minOf(c[o + 3] as number, min);
      c[o + 4] = maxOf(c[o + 4] as number, max);
    } else if (!(held > bucketMs)) {
      // empty, or a bucket a whole ring older: replaced (see RING_MS)
      c[o] = bucketMs;
      c[o + 1] = n;
      c[o + 2] = sum;
      c[o + 3] = min;
      c[o + 4] = max;
    }
  }
}

const minOf = (a: number, b: number): number => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b));
const maxOf = (a: number, b: number): number => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));

interface Key {
  domain: string;
  district: string;
  levels: Record<DistrictLevel, Ring>;
}

/**
 * The district rollups (`rollup_district_1m`, `rollup_district_1h`) of the last day mirrored in
 * memory, so that the wall's trend panels of a domain, a district or the city are answered without
 * a DuckDB round trip: during full-rate ingest a query through DuckDB shares the CPU with ingest
 * and waits for the engine's thread between its steps (docs/benchmarks.md, issue 14).
 *
 * It is fed what the rollup pass inserted into those tables, after that transaction committed (and
 * what they held at start), so its answers are the tables' answers: the same buckets, counts,
 * minima and maxima, and the same averages but for the order of a floating-point sum.
 * A query it cannot answer exactly goes to DuckDB: one asset's series, a window starting more than
 * LIVE_SERIES_SPAN_MS ago or beyond the 1-minute rollups' retention, replay, a metric with more
 * districts than `maxKeys` allows or with a bucket too far ahead of the clock.
 *
 * Memory: about 64 KB per (domain, district, metric), at most `maxKeys` of them.
 */
export class LiveSeries {
  private readonly keys = new Map<string, Key>();
  private readonly byMetric = new Map<string, Key[]>();
  private readonly refused = new Set<string>();
  private loaded = false;
  /** For good, after rows that could not be folded or too many refused metrics: everything then goes to DuckDB. */
  private abandoned = false;
  /** Answers given from memory (tests and the bench read it). */
  answered = 0;

  constructor(private readonly maxKeys: number, private readonly retention1mMs: number) {}

  /** The mirror starts from what the tables hold (grouped per bucket and key), before any rollup pass runs. */
  load(level1m: DistrictRollupRows, level1h: DistrictRollupRows, nowMs: number): void {
    if (this.maxKeys <= 0) return;
    this.fold('1m', level1m, nowMs);
    this.fold('1h', level1h, nowMs);
    this.loaded = true;
  }

  /**
   * Loads what the district levels hold over the span (per bucket and key, partial rows summed),
   * before any rollup pass runs. False when configured off: nothing read, nothing to feed.
   */
  async loadFrom(db: Database): Promise<boolean> {
    if (!this.enabled) return false;
    const now = Date.now();
    const read = (table: string): Promise<DistrictRollupRows> => db.writer.runAndReadAll(
      `SELECT epoch_ms(bucket)::DOUBLE AS b, domain, district, metric, sum(n)::DOUBLE AS n, sum(sum) AS sum, min(min) AS min, max(max) AS max
       FROM ${table} WHERE bucket >= make_timestamptz($from::BIGINT) GROUP BY ALL`, { from: BigInt(now - LIVE_SERIES_SPAN_MS - HOUR) * 1000n },
    ).then(districtRows);
    this.load(await read('rollup_district_1m'), await read('rollup_district_1h'), now);
    return this.active;
  }

  /** The rows a committed rollup pass inserted into one level. */
  fold(level: DistrictLevel, rows: DistrictRollupRows, nowMs: number): void {
    if (this.maxKeys <= 0 || this.abandoned) return;
    const oldest = nowMs - LIVE_SERIES_SPAN_MS - HOUR;
    for (let i = 0; i < rows.metric.length; i++) {
      const metric = rows.metric[i] as string;
      if (this.refused.has(metric)) continue;
      const bucket = rows.bucketMs[i] as number;
      if (bucket < oldest) continue; // never inside an answerable window again
      if (!(bucket < nowMs + AHEAD_MS)) {
        this.refuse(metric);
        continue;
      }
      const key = this.key(rows.domain[i] as string, rows.district[i] as string, metric);
      if (!key) continue;
      key.levels[level].add(bucket, rows.n[i] as number, rows.sum[i] as number, rows.min[i] ?? Number.NaN, rows.max[i] ?? Number.NaN);
    }
  }

  /** After a rollup pass whose rows could not be folded: the mirror no longer matches the tables. */
  abandon(): void {
    this.abandoned = true;
    this.keys.clear();
    this.byMetric.clear();
  }

  /** False when configured off (no keys). */
  get enabled(): boolean {
    return this.maxKeys > 0;
  }

  get active(): boolean {
    return this.loaded && !this.abandoned;
  }

  /** The live `series` answer, or null when the query must go to DuckDB. */
  answer(p: QueryParamsOf<'series'>, nowMs: number): QueryResult | null {
    if (!this.active || p.asset !== undefined || this.refused.has(p.metric)) return null;
    const fromMs = p.fromMs ?? nowMs - 24 * HOUR;
    const toMs = p.toMs ?? nowMs;
    if (fromMs < nowMs - Math.min(LIVE_SERIES_SPAN_MS, this.retention1mMs) || toMs > nowMs + AHEAD_MS) return null;
    const level: DistrictLevel = p.resolution === '1h' ? '1h' : '1m';
    const keys = this.byMetric.get(p.metric) ?? [];
    // one accumulator per ring slot: inside a window shorter than the ring a slot holds one bucket
    let acc: Float64Array | null = null;
    let slots = 0;
    for (const k of keys) {
      if ((p.domain !== undefined && k.domain !== p.domain) || (p.district !== undefined && k.district !== p.district)) continue;
      const ring = k.levels[level];
      const c = ring.cells;
      slots = ring.slots;
      acc ??= new Float64Array(slots * FIELDS).fill(Number.NaN);
      for (let o = 0; o < c.length; o += FIELDS) {
        const b = c[o] as number;
        if (!(b >= fromMs && b < toMs)) continue;
        if (acc[o] === b) {
          acc[o + 1] = (acc[o + 1] as number) + (c[o + 1] as number);
          acc[o + 2] = (acc[o + 2] as number) + (c[o + 2] as number);
          acc[o + 3] = minOf(acc[o + 3] as number, c[o + 3] as number);
          acc[o + 4] = maxOf(acc[o + 4] as number, c[o + 4] as number);
        } else {
          acc.set(c.subarray(o, o + FIELDS), o);
        }
      }
    }
    const t: number[] = [];
    const n: number[] = [];
    const avg: (number | null)[] = [];
    const min: (number | null)[] = [];
    const max: (number | null)[] = [];
    if (acc) {
      const order: number[] = [];
      for (let o = 0; o < slots * FIELDS; o += FIELDS) if (!Number.isNaN(acc[o] as number)) order.push(o);
      order.sort((a, b) => (acc[a] as number) - (acc[b] as number));
      for (const o of order) {
        const count = acc[o + 1] as number;
        t.push(acc[o] as number);
        n.push(count);
        avg.push(count !== 0 ? (acc[o + 2] as number) / count : null);
        min.push(Number.isNaN(acc[o + 3] as number) ? null : (acc[o + 3] as number));
        max.push(Number.isNaN(acc[o + 4] as number) ? null : (acc[o + 4] as number));
      }
    }
    this.answered++;
    const q = SQL_QUERIES.series;
    return {
      columns: { t, n, avg, min, max },
      provenance: { query: 'series', subjects: q.subjects(p), ...(q.range?.(p, nowMs) ?? { fromMs: null, toMs: null }), generatedAtMs: nowMs },
    };
  }

  /** Keys held and metrics refused, for health. */
  get size(): { keys: number; refusedMetrics: number } {
    return { keys: this.keys.size, refusedMetrics: this.refused.size };
  }

  private key(domain: string, district: string, metric: string): Key | null {
    const id = `${domain}\u0000${district}\u0000${metric}`;
    const have = this.keys.get(id);
    if (have) return have;
    if (this.keys.size >= this.maxKeys) {
      this.refuse(metric);
      return null;
    }
    const k: Key = { domain, district, levels: { '1m': new Ring(MINUTE), '1h': new Ring(HOUR) } };
    this.keys.set(id, k);
    const list = this.byMetric.get(metric);
    if (list) list.push(k);
    else this.byMetric.set(metric, [k]);
    return k;
  }

  private refuse(metric: string): void {
    this.refused.add(metric);
    // its keys stay until the mirror is dropped; they are never read again
    if (this.refused.size > MAX_REFUSED_METRICS) this.abandon();
  }
}
