import { Catchment } from '../../analytics/common/runoff.js';
import type { Database } from '../../analytics/node/store/database.js';

const MIN = 60_000;
const DISTRICTS = ['420302', '420303', '420304', '420322', '420323', '420324', '420325', '420381'];

/**
 * Fills `rollup_1m` with `gauges` river gauges of the `flood` domain, each with its rain gauge at
 * the same asset, from `minutes` minutes before `nowMs` to `aheadMin` minutes after it (the rows
 * ahead become visible as the clock reaches them, so the data stays live while a bench runs): the
 * flood scenario city-wide, a downpour that started at a different minute over each gauge, its level
 * answering through a catchment of its own (the rain forecaster fits every one of them).
 */
export async function fillFloodGauges(db: Database, gauges: number, nowMs: number, minutes = 190, aheadMin = 10): Promise<void> {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const start = Math.floor(nowMs / MIN) * MIN - minutes * MIN;
  let rows: string[] = [];
  const flush = async (): Promise<void> => {
    if (rows.length > 0) await db.writer.run(`INSERT INTO rollup_1m VALUES ${rows.join(', ')}`);
    rows = [];
  };
  for (let g = 0; g < gauges; g++) {
    const district = DISTRICTS[g % DISTRICTS.length] as string;
    const asset = `gauge-${String(g).padStart(4, '0')}`;
    const stormFrom = 100 + (g % 60);
    const rainAt = (m: number): number => (m >= stormFrom ? 20 + (g % 40) : 0.3);
    const c = new Catchment(2.2 + (g % 5) * 0.1, 0.05 + (g % 4) * 0.01, 10 + (g % 50));
    for (let m = 0; m < minutes + aheadMin; m++) {
      const at = start + m * MIN;
      const level = Math.round(c.step(rainAt(m), 1) * 1000) / 1000;
      for (const [metric, v] of [['river_level_m', level], ['rainfall_mm_h', rainAt(m)]] as const) {
        rows.push(`('${iso(at)}', 'flood', '${district}', '${asset}', '${metric}', 6, ${v * 6}, ${v}, ${v}, '${iso(at + 50_000)}', ${v}, 0, NULL)`);
      }
    }
    if (rows.length >= 5_000) await flush();
  }
  await flush();
}
