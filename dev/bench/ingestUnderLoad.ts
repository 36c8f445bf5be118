import { defaultEngineConfig, startEngine, type Engine, type EngineConfig } from '../../analytics/node/engine.js';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { waitFor } from '../testing/harness.js';
import { fillStream } from './ingestBench.js';
import { round } from './stats.js';

/** What a load run while ingest drains says of itself; `drainedAtMs` when the backlog ran out before it ended. */
export interface LoadOutcome {
  drainedAtMs?: number | null;
  extra: Record<string, unknown>;
}

/**
 * A running engine on `file` drains a JetStream backlog of `n` readings (messages of 100): its rate
 * over a quarter of the backlog with nothing else, then while `load` runs in that engine, then alone
 * again (the machine is shared: the rate alone is taken on both sides). `label` names the rate during
 * the load in the answer (`during<Label>ReadingsPerS`); the ratio is the rate during to the mean alone.
 */
export async function ingestUnderLoad(file: string, n: number, label: string,
  load: (engine: Engine, received: () => number, until: number) => Promise<LoadOutcome>, over: Partial<EngineConfig> = {}): Promise<Record<string, unknown>> {
  const server = await NatsServerProcess.start();
  const nc = await connectNats({ url: server.url });
  try {
    await fillStream(nc, n, 100);
    const engine = await startEngine(defaultEngineConfig({ db: file, nats: { url: server.url }, maintenanceIntervalMs: 3_600_000, ...over }));
    try {
      await engine.whenConnected();
      const received = (): number => engine.health().ingest.received;
      const rateOver = async (count: number): Promise<number> => {
        const r0 = received();
        const t = performance.now();
        await waitFor(() => received() >= Math.min(n, r0 + count), 'a part of the backlog', 600_000, 5);
        return (received() - r0) / ((performance.now() - t) / 1000);
      };
      await waitFor(() => received() > 0, 'ingest started', 600_000, 5);
      const before = await rateOver(n / 4);
      const b0 = received();
      const t0 = performance.now();
      const outcome = await load(engine, received, Math.min(n, b0 + n / 3));
      const end = outcome.drainedAtMs ?? performance.now();
      const during = (Math.min(received(), n) - b0) / ((end - t0) / 1000);
      const left = n - received();
      const after = left > n / 20 ? await rateOver(Math.min(left, n / 4)) : null;
      await waitFor(() => received() >= n, 'the backlog drained', 600_000, 20);
      const alone = after === null ? before : (before + after) / 2;
      return {
        backlog: n, aloneBeforeReadingsPerS: Math.round(before), [`during${label}ReadingsPerS`]: Math.round(during),
        aloneAfterReadingsPerS: after === null ? null : Math.round(after), ratio: round(during / alone, 2), ...outcome.extra,
      };
    } finally {
      await engine.stop();
    }
  } finally {
    await nc.close();
    await server.dispose();
  }
}
