import { describe, expect, it } from 'vitest';
import { QUERY_PARAMS } from '../../common/engineApi.js';
import { Database } from '../store/database.js';
import { SQL_QUERIES } from './catalog.js';
import { micros, runNamedQuery } from './query.js';

const MIN = 60_000;

/** A seeded pseudo-random sequence (the same cases at every run). */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('the events query', () => {
  it('answers as a plain sort of every row of the window would: the newest `limit`, newest first, at any instant and filter', async () => {
    const db = await Database.open(':memory:');
    try {
      const r = random(20261127);
      const t0 = Date.UTC(2026, 10, 20);
      // a day of events, many at the same millisecond (ties at the cut of the limit)
      await db.writer.run(`INSERT INTO events SELECT make_timestamptz(($t0 + (i * 7919 % 1440) * $min + (i % 3) * 1000)::BIGINT * 1000),
          ['gas', 'water', 'flood'][1 + i % 3], ['420302', '420303'][1 + i % 2], 'e' || i, 'leak', ['red', 'orange', 'yellow', 'blue'][1 + i * 7 % 4],
          'title ' || i, 'a' || (i % 50), 32.6, 110.8, '{"i":' || i || '}', 'city.event.x', i, now() FROM range(5000) t(i)`, { t0, min: MIN });
      let kept = 0;
      for (let k = 0; k < 60; k++) {
        const at = t0 + Math.floor(r() * 1500) * MIN;
        const p = QUERY_PARAMS.events.parse({
          limit: [1, 10, 200, 1000][Math.floor(r() * 4)], ...(r() < 0.5 ? { severity: ['red', 'orange', 'blue'][Math.floor(r() * 3)] } : {}),
          ...(r() < 0.3 ? { domain: 'gas' } : {}), ...(r() < 0.3 ? { fromMs: at - Math.floor(r() * 600) * MIN } : {}),
        });
        const asOf = r() < 0.7;
        const got = (await runNamedQuery(db, SQL_QUERIES.events, p, at, undefined, asOf)).columns;
        const to = asOf ? Math.min(p.toMs ?? at, at) : (p.toMs ?? at + 300_000);
        const want = await db.queryColumns(`SELECT epoch_ms(ts) AS ts, msg_id AS id FROM events WHERE ts >= make_timestamptz($from::BIGINT) AND ts <= make_timestamptz($to::BIGINT)
            ${p.severity ? 'AND severity = $severity' : ''} ${p.domain ? 'AND domain = $domain' : ''} ORDER BY ts DESC`,
        { from: micros(p.fromMs ?? at - 24 * 60 * MIN), to: micros(to), ...(p.severity ? { severity: p.severity } : {}), ...(p.domain ? { domain: p.domain } : {}) });
        const ts = (want['ts'] ?? []).slice(0, p.limit);
        expect(got['ts']).toEqual(ts);
        kept += ts.length;
        // the same events at every time but the last one kept (among events of that same time, which ones fill the limit is the sort's choice)
        const last = ts[ts.length - 1];
        const ids = (c: Record<string, unknown[]>, n: number): unknown[] => (c['id'] ?? []).slice(0, n).filter((_, i) => (c['ts'] ?? [])[i] !== last).map(String).sort();
        expect(ids(got as Record<string, unknown[]>, p.limit)).toEqual(ids(want as Record<string, unknown[]>, p.limit));
      }
      expect(kept).toBeGreaterThan(1000);
    } finally {
      db.close();
    }
  });
});
