import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultEngineConfig, startEngine } from '../engine.js';
import { MemoryFeed } from '../feeds/memorySource.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';

describe('the SQL console when the engine stops', () => {
  it('interrupts a running statement, removes its download folder, and the stop completes', async () => {
    const tmp = tempDir();
    try {
      const engine = await startEngine(defaultEngineConfig({ db: `${tmp.dir}/stop.duckdb`, nats: null }), new MemoryFeed());
      const downloads = engine.sql.downloads.dir;
      expect(existsSync(downloads)).toBe(true);
      const running = engine.sql.run({}, { runId: 'long', sql: 'SELECT count(*) FROM range(1000000000000) t WHERE t.range % 7 = 3', maxRows: 10 });
      const outcome = running.then(() => 'answered', (e: unknown) => (e instanceof Error ? e.name : 'other'));
      await waitFor(() => engine.sql.running === 1, 'the statement running');
      await engine.stop();
      expect(await outcome).not.toBe('answered');
      expect(existsSync(downloads)).toBe(false);
      // a statement after the stop is refused, not run
      await expect(engine.sql.run({}, { runId: 'after', sql: 'SELECT 1', maxRows: 10 })).rejects.toMatchObject({ code: 'busy' });
    } finally {
      tmp.remove();
    }
  });
});
