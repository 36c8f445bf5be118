import type { z } from 'zod';
import type { AlarmRule } from '../../common/alarms/alarmRules.js';
import type { QUERY_PARAMS } from '../../common/engineApi.js';
import type { ForecastView } from '../../common/forecast.js';
import type { Database } from '../store/database.js';
import { QueryRefused } from './queryGate.js';
import { forecastsAll } from './forecasts.js';

type Params = z.infer<(typeof QUERY_PARAMS)['forecasts']>;

const MIN = 60_000;

/**
 * Minutes whose forecasts are kept: the current one and the one before (an answer still computing
 * when the minute turns). The oldest is forgotten first. Each holds at most one forecast per series
 * of the forecast metrics, whatever the clients ask.
 */
export const LIVE_FORECAST_MINUTES = 2;

/** What the live forecasts did since the engine started (tests and benches count the fit work). */
export interface LiveForecastStats {
  /** Computations started: one per minute asked, plus a new one after a failure. */
  computations: number;
  /** Series the forecasters ran on, over all computations. */
  series: number;
  /** Answers from a computation started for an earlier request (finished or still running). */
  shared: number;
}

/**
 * The live `forecasts` query (docs/forecast.md): the forecasts of every series, made once a minute
 * at the minute's start (`floor(now / 60 s) · 60 s`) and shared by every client, each answer then
 * narrowed to the client's domain, district and asset and cut to its limit. The answer is the
 * uncached query's at that instant ({@link forecastsAll}: a filter selects series, never changes
 * one). Nothing of a minute in progress is read by the query (the rollups it reads end at the
 * minute before), so the minute's start loses no data; readings of that minute rolled up after the
 * first request of the minute are in the next minute's forecasts.
 *
 * Concurrent requests share one computation. The computation belongs to no client: one leaving
 * (or its query's time limit) does not stop it; it has the query time limit of its own and stops
 * with the engine. A failed computation is not kept: the next request starts another.
 */
export class LiveForecasts {
  private readonly minutes = new Map<number, { answer: Promise<readonly ForecastView[]>; stop: AbortController }>();
  private closed = false;
  readonly stats: LiveForecastStats = { computations: 0, series: 0, shared: 0 };

  constructor(
    private readonly db: Database,
    private readonly rules: readonly AlarmRule[],
    private readonly timeoutMs: number,
    /** The engine's clock (a test sets its own). */
    public now: () => number = Date.now,
    private readonly maxMinutes = LIVE_FORECAST_MINUTES,
  ) {}

  async get(p: Params, signal?: AbortSignal): Promise<ForecastView[]> {
    signal?.throwIfAborted();
    const minute = Math.floor(this.now() / MIN) * MIN;
    const have = this.minutes.get(minute);
    if (have) this.stats.shared++;
    const all = await untilAborted(have?.answer ?? this.start(minute), signal);
    return all.filter((f) => (p.domain === undefined || f.domain === p.domain) && (p.district === undefined || f.district === p.district)
      && (p.asset === undefined || f.asset === p.asset)).slice(0, p.limit);
  }

  /** Minutes held (at most {@link LIVE_FORECAST_MINUTES}). */
  get size(): number {
    return this.minutes.size;
  }

  /** Stops the computations running (the engine stops); later requests are refused. */
  close(): void {
    this.closed = true;
    for (const m of this.minutes.values()) m.stop.abort(new QueryRefused('busy', 'the engine is stopping'));
    this.minutes.clear();
  }

  private start(minute: number): Promise<readonly ForecastView[]> {
    if (this.closed) return Promise.reject(new QueryRefused('busy', 'the engine is stopping'));
    this.stats.computations++;
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(new QueryRefused('timeout', `the forecasts ran longer than ${this.timeoutMs} ms and were interrupted`)), this.timeoutMs);
    const answer = forecastsAll(this.db, this.rules, {}, minute, stop.signal, { onSeries: () => this.stats.series++ })
      .then((all) => Object.freeze(all.map((f) => Object.freeze(f))))
      .finally(() => clearTimeout(timer));
    const entry = { answer, stop };
    this.minutes.set(minute, entry);
    while (this.minutes.size > this.maxMinutes) {
      const oldest = Math.min(...this.minutes.keys());
      this.minutes.delete(oldest);
    }
    answer.catch(() => {
      if (this.minutes.get(minute) === entry) this.minutes.delete(minute);
    });
    return answer;
  }
}

/** `p`, or the reason of `signal`'s abort as soon as it aborts (the shared work goes on for the others). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
