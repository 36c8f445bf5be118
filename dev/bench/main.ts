import { runMain } from '../../analytics/node/runMain.js';
import { cpus, totalmem } from 'node:os';
import { alarmBench, evaluationBench } from './alarmBench.js';
import { backlogBench } from './backlogBench.js';
import { exportBench } from './exportBench.js';
import { ingestBench } from './ingestBench.js';
import { latencyBench } from './latencyBench.js';
import { outageBench } from './outageBench.js';
import { queryBench } from './queryBench.js';
import { queryBurstBench } from './queryBurstBench.js';
import { replayBench } from './replayBench.js';
import { wallBench } from '../soak/wallBench.js';

const BENCHES: Record<string, () => Promise<unknown>> = {
  ingest: async () => {
    const n = Number(process.env['BENCH_READINGS'] ?? 2_000_000);
    const out = [];
    for (const per of (process.env['BENCH_PER_MESSAGE'] ?? '100,10,1').split(',').map(Number)) {
      out.push(await ingestBench(per === 1 ? Math.min(n, 1_000_000) : n, per));
      console.log(JSON.stringify(out[out.length - 1]));
    }
    return out;
  },
  latency: async () => console.log(JSON.stringify(await latencyBench(Number(process.env['BENCH_RATE'] ?? 20_000), Number(process.env['BENCH_SECONDS'] ?? 30), 20))),
  queries: async () => console.log(JSON.stringify(await queryBench(Number(process.env['BENCH_QUERY_READINGS'] ?? 50_000_000), 200, process.env['BENCH_QUERY_INGEST'] !== '0'))),
  'query-contention': async () => console.log(JSON.stringify(await (await import('./queryContention.js')).queryContentionBench(Number(process.env['BENCH_QUERY_READINGS'] ?? 5_000_000), Number(process.env['BENCH_RUNS'] ?? 100)))),
  burst: async () => console.log(JSON.stringify(await queryBurstBench(Number(process.env['BENCH_ASSETS'] ?? 20_000), [2000, 5000]))),
  backlog: async () => console.log(JSON.stringify(await backlogBench(Number(process.env['BENCH_BACKLOG'] ?? 5_000_000), 100))),
  wall: async () => console.log(JSON.stringify(await wallBench(Number(process.env['BENCH_SECONDS'] ?? 60)))),
  outage: async () => console.log(JSON.stringify(await outageBench(6))),
  export: async () => console.log(JSON.stringify(await exportBench(Number(process.env['BENCH_EXPORT_READINGS'] ?? 10_000_000), Number(process.env['BENCH_EXPORT_SERIES'] ?? 10_000),
    Number(process.env['BENCH_EXPORT_EVENTS'] ?? 200_000), Number(process.env['BENCH_EXPORT_INGEST'] ?? 3_000_000), Number(process.env['BENCH_EXPORT_ROUNDS'] ?? 3)))),
  replay: async () => console.log(JSON.stringify(await replayBench(Number(process.env['BENCH_REPLAY_READINGS'] ?? 10_000_000), Number(process.env['BENCH_REPLAY_ALARMS'] ?? 50_000), Number(process.env['BENCH_REPLAY_SEEKS'] ?? 200)))),
  walls: async () => console.log(JSON.stringify(await alarmBench(Number(process.env['BENCH_RATE'] ?? 20_000), Number(process.env['BENCH_SECONDS'] ?? 30), 250,
    { walls: Number(process.env['BENCH_WALLS'] ?? 2), clients: Number(process.env['BENCH_CLIENTS'] ?? 50), stuck: process.env['BENCH_STUCK'] !== '0' }))),
  cluster: async () => console.log(JSON.stringify(await (await import('./clusterBench.js')).clusterBench(Number(process.env['BENCH_READINGS'] ?? 1_000_000), Number(process.env['BENCH_ROUNDS'] ?? 5)))),
  alarms: async () => console.log(JSON.stringify(evaluationBench(2_000_000)), JSON.stringify(await alarmBench(Number(process.env['BENCH_RATE'] ?? 20_000), Number(process.env['BENCH_SECONDS'] ?? 30)))),
  correlation: async () => console.log(JSON.stringify(await (await import('./correlationBench.js')).correlationBench(Number(process.env['BENCH_CORRELATION_EVENTS'] ?? 200_000), Number(process.env['BENCH_CORRELATION_ALARMS'] ?? 50_000), Number(process.env['BENCH_CORRELATION_RUNS'] ?? 20)))),
  sql: async () => console.log(JSON.stringify(await (await import('./sqlBench.js')).sqlBench(Number(process.env['BENCH_SQL_READINGS'] ?? 10_000_000), Number(process.env['BENCH_SQL_RUNS'] ?? 30), Number(process.env['BENCH_SQL_INGEST'] ?? 2_000_000)))),
  commit: async () => console.log(JSON.stringify(await (await import('./commitBench.js')).commitBench((process.env['BENCH_COMMIT_SIZES'] ?? '20000,2000').split(',').map(Number), Number(process.env['BENCH_COMMIT_READINGS'] ?? 2_000_000)))),
  forecast: async () => {
    const { backtest, BACKTEST_METRICS } = await import('./forecastBacktest.js');
    const { DEFAULT_FORECAST, FORECAST_CONFIRM_MINUTES } = await import('../../analytics/common/forecast.js');
    const horizonMs = Number(process.env['BENCH_FORECAST_HORIZON_MIN'] ?? DEFAULT_FORECAST.horizonMs / 60_000) * 60_000;
    const confirm = Number(process.env['BENCH_FORECAST_CONFIRM'] ?? FORECAST_CONFIRM_MINUTES);
    for (const c of BACKTEST_METRICS) {
      console.log(JSON.stringify({ ...backtest(c, Number(process.env['BENCH_FORECAST_CASES'] ?? 600), Number(process.env['BENCH_FORECAST_SEED'] ?? 16), { ...DEFAULT_FORECAST, horizonMs }, confirm), horizonMin: horizonMs / 60_000, confirm }));
    }
  },
  'forecast-rain': async () => {
    const { rainBacktest } = await import('./forecastBacktest.js');
    const { DEFAULT_RAIN_FORECAST } = await import('../../analytics/common/rainForecast.js');
    const cases = Number(process.env['BENCH_FORECAST_CASES'] ?? 500);
    const seed = Number(process.env['BENCH_FORECAST_SEED'] ?? 16);
    for (const mode of ['trend', 'rain'] as const) console.log(JSON.stringify({ river_level_m: rainBacktest(mode, cases, seed, DEFAULT_RAIN_FORECAST) }));
    // the simulator's own flood scenario, at the demo's speed and slower
    const { scenarioForecast } = await import('./forecastScenario.js');
    for (const speed of [1, 0.25, 0.1, 0.05]) console.log(JSON.stringify({ flood: await scenarioForecast(speed) }));
  },
  'forecast-flood': async () => console.log(JSON.stringify(await (await import('./forecastFlood.js')).forecastFloodBench(Number(process.env['BENCH_GAUGES'] ?? 200),
    Number(process.env['BENCH_SECONDS'] ?? 15), Number(process.env['BENCH_RATE'] ?? 20_000), Number(process.env['BENCH_FLOOD_CONNECTIONS'] ?? 1),
    process.env['BENCH_FLOOD_QUERY'] ?? 'forecasts'))),
  decode: async () => console.log(JSON.stringify((await import('./decodeBench.js')).decodeBench(Number(process.env['BENCH_DECODE_READINGS'] ?? 200_000), Number(process.env['BENCH_DECODE_ROUNDS'] ?? 7)))),
};

async function main(): Promise<void> {
  const which = process.argv.slice(2);
  const names = which.length > 0 ? which : Object.keys(BENCHES);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  for (const name of names) {
    const b = BENCHES[name];
    if (!b) throw new Error(`unknown bench ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
    console.log(`== ${name}`);
    await b();
  }
}

runMain(main);
