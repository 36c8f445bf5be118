import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';
import { openBundle, type Opened } from '../cli/openCommand.js';
import { writeBundle } from '../export/bundleWriter.js';
import { Database } from '../store/database.js';

const tmp = tempDir('cityops-replay-clock-');
const T0 = Date.parse('2026-11-20T00:00:00Z');
const MIN = 60_000;
let opened: Opened;

beforeAll(async () => {
  const db = await Database.open(join(tmp.dir, 'city.duckdb'));
  try {
    // one gas series, a reading every 10 minutes for two hours
    await db.writer.run(`INSERT INTO readings SELECT make_timestamptz(($t0 + i * 600000)::BIGINT * 1000), 'gas', '420302', 'a0', 'lel_pct', i, '%LEL', 'good', 'r' || i, i, now(), 1
      FROM range(0, 13) t(i)`, { t0: T0 });
    await db.readers.run((c) => writeBundle(c, {
      out: join(tmp.dir, 'bundle'), window: { fromMs: T0, toMs: T0 + 120 * MIN, domains: [], districts: [] }, csv: false, force: false, timeZone: 'Asia/Shanghai',
      engine: { id: 'test', db: db.path, source: 'file' }, alarmRules: [], wallConfigs: {},
    }));
  } finally {
    db.close();
  }
  opened = await openBundle({ dir: join(tmp.dir, 'bundle'), host: '127.0.0.1', port: 0, verify: true });
});
afterAll(async () => {
  await opened.stop();
  tmp.remove();
});

interface Message { t: string; id: number; ok?: boolean; data?: unknown }

describe('the latest topic follows the connection clock', () => {
  it('a refresh that was running when the clock moved is not pushed: no value from after the new cursor reaches the screen', async () => {
    // the engine's latest answers are held while `holding`: the refresh that started at the old cursor answers after the clock moved
    const engine = opened.engine;
    const real = engine.query.bind(engine);
    let holding = false;
    let held = 0;
    let release: () => void = () => undefined;
    engine.query = (async (name: string, params: unknown, signal?: AbortSignal, asOfMs?: number) => {
      if (name === 'latest' && holding) {
        held++;
        await new Promise<void>((r) => (release = r));
      }
      return real(name as 'latest', params, signal, asOfMs);
    }) as typeof engine.query;

    const token = opened.devices.find((d) => d.role === 'shift_leader')?.token ?? '';
    const ws = new WebSocket(`ws://127.0.0.1:${opened.server.port}/api/ws`, { headers: { authorization: `Bearer ${token}` } });
    const results = new Map<number, Message>();
    const pushes: { afterClock: boolean; ts: number[] }[] = [];
    let clockAnswered = false;
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as Message;
      if (m.t === 'result') results.set(m.id, m);
      if (m.t === 'push' && m.id === 5) pushes.push({ afterClock: clockAnswered, ts: (m.data as { columns: { ts: number[] } }).columns.ts });
    });
    await new Promise((r) => ws.once('open', r));
    const ask = async (m: Record<string, unknown> & { id: number }): Promise<Message> => {
      ws.send(JSON.stringify(m));
      return waitFor(() => results.get(m.id), `answer ${m.id}`);
    };
    try {
      expect((await ask({ t: 'command', id: 1, name: 'clock.set', args: { atMs: T0 + 120 * MIN } })).ok).toBe(true);
      holding = true;
      expect((await ask({ t: 'subscribe', id: 5, topic: 'latest', params: {} })).ok).toBe(true);
      await waitFor(() => held === 1 || null, 'a latest refresh running at the window end');
      const clock = await ask({ t: 'command', id: 2, name: 'clock.set', args: { atMs: T0 + 15 * MIN } });
      const cursor = (clock.data as { atMs: number }).atMs;
      expect(cursor).toBe(T0 + 15 * MIN);
      clockAnswered = true;
      holding = false;
      release();
      // the screen gets the values as of its cursor (the reading of T0 + 10 min is the newest then)
      await waitFor(() => pushes.some((p) => p.afterClock && p.ts.length > 0 && Math.max(...p.ts) <= cursor) || null, 'a push as of the new cursor');
      const late = pushes.filter((p) => p.afterClock && p.ts.some((t) => t > cursor));
      expect(late.map((p) => new Date(Math.max(...p.ts)).toISOString())).toEqual([]);
    } finally {
      ws.close();
      engine.query = real;
    }
  });
});
