import { loadavg, uptime } from 'node:os';
import { decodeMessage } from '../../analytics/common/decode.js';
import { ReadingSchema } from '../../analytics/common/feedSchemas.js';
import { READING_FAST_PATH } from '../../analytics/common/readingFastPath.js';

/**
 * The decoder alone, with and without the reading fast path (`npm run bench -- decode`): the same
 * messages decoded in the same process, the two modes alternating round by round (which goes first
 * alternates too), so a machine shared with other work loads both alike. Reports the median of the
 * rounds per mode, in µs per message and per reading, and their ratio.
 *   BENCH_DECODE_READINGS  readings per pass and shape (default 200,000)
 *   BENCH_DECODE_ROUNDS    timed rounds per mode (default 7)
 */

const enc = new TextEncoder();
const DAY = 86_400_000;
const METRICS = ['pressure_mpa', 'flow_m3h', 'lel_pct', 'strain_ue'];

export interface DecodeBenchRow {
  /** Readings per message, and how ts is written. */
  perMessage: number;
  ts: 'epoch ms' | 'RFC 3339';
  messages: number;
  zodUsPerMessage: number;
  fastUsPerMessage: number;
  zodUsPerReading: number;
  fastUsPerReading: number;
  /** zod alone / with the fast path, the median of the rounds' ratios (each round runs both, back to back). */
  speedup: number;
  /** Every round of each mode, µs per message, in run order. */
  zodRounds: number[];
  fastRounds: number[];
}

export interface DecodeBenchResult {
  uptimeMin: number;
  loadBefore: number[];
  loadAfter: number[];
  /** The validation alone, on readings already parsed: `ReadingSchema.safeParse` against the fast path, µs per reading. */
  validation: { zodUs: number; fastUs: number; speedup: number };
  rows: DecodeBenchRow[];
}

/** One pass of a validator over parsed readings; µs per reading. Throws unless every one passed. */
function validate(readings: unknown[], fast: boolean): number {
  let ok = 0;
  const parse = READING_FAST_PATH.parse;
  const t0 = performance.now();
  if (fast) for (const r of readings) ok += parse(r) === undefined ? 0 : 1;
  else for (const r of readings) ok += ReadingSchema.safeParse(r).success ? 1 : 0;
  const us = ((performance.now() - t0) * 1000) / readings.length;
  if (ok !== readings.length) throw new Error(`${readings.length - ok} readings refused`);
  return us;
}

/** Messages as ingestBench publishes them (arrays of `perMessage` readings over 2,000 assets). */
function messages(readings: number, perMessage: number, base: number, isoTs: boolean): { subject: string; data: Uint8Array }[] {
  const out: { subject: string; data: Uint8Array }[] = [];
  for (let i = 0; i < readings; i += perMessage) {
    const arr = [];
    for (let k = 0; k < perMessage && i + k < readings; k++) {
      const n = i + k;
      const ts = base + Math.floor(n / 50);
      arr.push({ id: `b${n}`, ts: isoTs ? new Date(ts).toISOString() : ts, metric: METRICS[n % 4], value: Math.round((n % 997) * 37) / 100, unit: 'u' });
    }
    out.push({ subject: `city.telemetry.water.420302.a${(i / perMessage) % 2000}`, data: enc.encode(JSON.stringify(arr.length === 1 ? arr[0] : arr)) });
  }
  return out;
}

/** One pass over every message; µs per message. Throws unless every reading was kept. */
function pass(msgs: { subject: string; data: Uint8Array }[], readings: number, now: number, fast: boolean): number {
  const options = { oldestMs: now - 30 * DAY, readingFastPath: fast };
  let kept = 0;
  const t0 = performance.now();
  for (const m of msgs) {
    const d = decodeMessage(m.subject, m.data, now, options);
    if (d.kind === 'telemetry') kept += d.readings.length;
  }
  const us = ((performance.now() - t0) * 1000) / msgs.length;
  if (kept !== readings) throw new Error(`kept ${kept} of ${readings} readings`);
  return us;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};
const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export function decodeBench(readings: number, rounds: number): DecodeBenchResult {
  const loadBefore = loadavg().map((x) => round(x, 2));
  const base = Date.now() - 3_600_000;
  const now = base + 2 * 3_600_000;
  const rows: DecodeBenchRow[] = [];
  const parsed = messages(readings, 1, base, false).map((m) => JSON.parse(new TextDecoder().decode(m.data)) as unknown);
  validate(parsed, false);
  validate(parsed, true);
  const vz: number[] = [];
  const vf: number[] = [];
  for (let r = 0; r < rounds; r++) {
    vz.push(validate(parsed, false));
    vf.push(validate(parsed, true));
  }
  const validation = { zodUs: round(median(vz), 4), fastUs: round(median(vf), 4), speedup: round(median(vz.map((z, i) => z / (vf[i] ?? NaN))), 1) };
  console.log(`validation alone, ${readings} parsed readings: zod ${validation.zodUs} µs, fast path ${validation.fastUs} µs per reading: ${validation.speedup}×`);
  const shapes: [number, boolean][] = [[1, false], [10, false], [100, false], [1, true]];
  for (const [perMessage, isoTs] of shapes) {
    const msgs = messages(readings, perMessage, base, isoTs);
    // warm-up: both modes compiled and their caches filled before anything is timed
    pass(msgs, readings, now, false);
    pass(msgs, readings, now, true);
    const zodRounds: number[] = [];
    const fastRounds: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const fastFirst = r % 2 === 1;
      if (fastFirst) fastRounds.push(pass(msgs, readings, now, true));
      zodRounds.push(pass(msgs, readings, now, false));
      if (!fastFirst) fastRounds.push(pass(msgs, readings, now, true));
    }
    const zod = median(zodRounds);
    const fast = median(fastRounds);
    const row: DecodeBenchRow = {
      perMessage, ts: isoTs ? 'RFC 3339' : 'epoch ms', messages: msgs.length,
      zodUsPerMessage: round(zod, 3), fastUsPerMessage: round(fast, 3),
      zodUsPerReading: round(zod / perMessage, 3), fastUsPerReading: round(fast / perMessage, 3),
      speedup: round(median(zodRounds.map((z, i) => z / (fastRounds[i] ?? NaN))), 3),
      zodRounds: zodRounds.map((x) => round(x, 3)), fastRounds: fastRounds.map((x) => round(x, 3)),
    };
    rows.push(row);
    console.log(`decode ${perMessage} per message (ts ${row.ts}), ${msgs.length} messages: zod ${row.zodUsPerMessage} µs/msg (${row.zodUsPerReading} µs/reading), `
      + `fast path ${row.fastUsPerMessage} µs/msg (${row.fastUsPerReading} µs/reading): ${row.speedup}× (load ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  }
  return { uptimeMin: Math.round(uptime() / 60), loadBefore, loadAfter: loadavg().map((x) => round(x, 2)), validation, rows };
}
