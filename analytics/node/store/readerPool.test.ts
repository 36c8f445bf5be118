import { describe, expect, it } from 'vitest';
import { Database } from './database.js';

describe('closing the database while queries run', () => {
  it('interrupts the running reads and closes each connection only after its query ended; refuses new work; many times over without a crash', async () => {
    for (let round = 0; round < 20; round++) {
      const db = await Database.open(':memory:', { threads: 2, readers: 4 });
      // reads that would run for seconds, streamed chunk by chunk
      const reads = Array.from({ length: 4 }, () =>
        db.queryColumns('SELECT md5(i::VARCHAR) AS h FROM range(5000000) t(i) ORDER BY h').then(() => 'done', (e: unknown) => (e instanceof Error ? e.message : String(e))));
      await new Promise((r) => setTimeout(r, round % 5 * 7));
      const closed = db.close();
      await expect(db.queryColumns('SELECT 1')).rejects.toThrow(/closing/);
      await closed;
      for (const r of await Promise.all(reads)) expect(r === 'done' || /interrupt|closing/i.test(r), r).toBe(true);
    }
  });
});
