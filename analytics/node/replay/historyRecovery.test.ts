import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../dev/testing/harness.js';
import { Database } from '../store/database.js';
import { OperationalHistory } from './operationalHistory.js';

const tmp = tempDir('cityops-history-recovery-');
afterAll(() => tmp.remove());
const D = '420302';
const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);

describe('the operational history after a failed read', () => {
  it('one read that fails (the store said no once) is failed for its callers only: the next read reads again and answers', async () => {
    const db = await Database.open(join(tmp.dir, 'city.duckdb'));
    try {
      await db.writer.run(`INSERT INTO alarm_log VALUES (make_timestamptz(${T0 * 1000}), 'gas/${D}/a0#gas.lel.level2', 'gas.lel.level2', 'critical', 'gas', '${D}', 'a0', 'lel_pct', true, true, 70)`);
      const history = new OperationalHistory(db, { profiles: [] });
      // the store fails one read (as a live engine's store may, once: memory, I/O), then is whole again
      await db.writer.run('ALTER TABLE alarm_log RENAME TO alarm_log_away');
      await expect(history.loadUpTo(T0 + 1_000)).rejects.toThrow(/alarm_log/);
      await db.writer.run('ALTER TABLE alarm_log_away RENAME TO alarm_log');
      await history.loadUpTo(T0 + 2_000);
      expect(history.stateAt(T0 + 2_000).alarms(T0 + 2_000).map((a) => a.point)).toEqual([`gas/${D}/a0#gas.lel.level2`]);
      // and an instant already read is answered too
      await history.loadUpTo(T0 + 1_500);
      expect(history.size).toBe(1);
    } finally {
      db.close();
    }
  });
});
