#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { payloadJsonSchemas } from '../../common/feedSchemas.js';
import { handoverPdf } from './handoverCommand.js';
import { parseExportFlags, runExport } from './exportCommand.js';
import { verifyAuditLog } from '../audit/auditLog.js';
import { resolveServeSettings, type Flags } from '../config.js';
import { connectNats } from '../feeds/natsConnect.js';
import { NatsPublisher } from '../feeds/natsPublisher.js';
import { buildCity } from '../sim/city.js';
import { SCENARIOS, scenariosOf } from '../sim/scenarios.js';
import { CitySimulator, DEFAULT_SIM } from '../sim/simulator.js';
import { runDemo } from './demoCommand.js';
import { openBundle } from './openCommand.js';
import { engineFiles, onShutdown, startServe } from './serveCommand.js';

const USAGE = `cityops <command> [options]

  serve      --nats <url> --db <file> --port <n> [--host 127.0.0.1] [--config file.json]
             [--token T] [--wall-token T] [--devices FILE] [--stream CITY] [--consumer NAME] [--no-create-stream]
             [--no-core-fallback] [--nats-user U --nats-pass P | --nats-token T | --nats-nkey SEED|FILE
             | --nats-creds FILE] [--nats-tls-ca FILE] [--allow-origin ORIGIN]...
             [--scope domain=gas,water | district=420303 | domain=gas;district=420303]
  simulate   --nats <url> [--rate N] [--assets N] [--seed S] [--scenario NAME]... [--speed X] [--duration S]
             scenarios: ${SCENARIOS.join(', ')}
  demo       [--port N] [--rate N] [--assets N] [--scenario NAME]... [--db FILE]
             starts a private nats-server (or the in-process feed), the engine, the server and the simulator
  schemas    <dir>   writes the feed contract's JSON Schemas
  open       BUNDLE [--port N] [--host 127.0.0.1] [--no-verify]
             checks an export bundle against its manifest, then serves the wall and the console over it,
             read-only, replayed within its window (docs/replay.md)
  audit verify [<file>]  checks the hash chain of an audit log (default: <db>.audit.log of --db)
  handover   --url http://127.0.0.1:8640 --token T --from ISO --to ISO [--out FILE.pdf] [--lang zh|en]
             prints a shift's handover report to PDF with the local Chromium (the report is kept in the database)
  export     --from ISO --to ISO [--domain D]... [--district CODE]... --out DIR [--csv] [--force]
             (--db FILE | --url http://127.0.0.1:8640 --token T)
             writes a bundle (Parquet per table, manifest.json, _SUCCESS; see docs/export.md) from a stopped
             engine's database, or through a running engine (analyst, shift leader or administrator token)

Environment: CITYOPS_NATS_URL, CITYOPS_DB, CITYOPS_PORT, CITYOPS_HOST, CITYOPS_TOKEN, CITYOPS_CONFIG, ...
(see README.md).`;

const OPTIONS = {
  nats: { type: 'string' }, db: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' },
  config: { type: 'string' }, token: { type: 'string' }, 'wall-token': { type: 'string' }, devices: { type: 'string' }, stream: { type: 'string' },
  consumer: { type: 'string' }, scope: { type: 'string' }, 'no-create-stream': { type: 'boolean' }, 'no-core-fallback': { type: 'boolean' },
  'nats-user': { type: 'string' }, 'nats-pass': { type: 'string' }, 'nats-token': { type: 'string' },
  'nats-nkey': { type: 'string' }, 'nats-creds': { type: 'string' }, 'nats-tls-ca': { type: 'string' },
  'allow-origin': { type: 'string', multiple: true }, 'no-verify': { type: 'boolean' },
  rate: { type: 'string' }, assets: { type: 'string' }, seed: { type: 'string' }, scenario: { type: 'string', multiple: true },
  speed: { type: 'string' }, duration: { type: 'string' }, url: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, lang: { type: 'string' },
  domain: { type: 'string', multiple: true }, district: { type: 'string', multiple: true }, csv: { type: 'boolean' }, force: { type: 'boolean' }, 'no-nats': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

function num(v: unknown, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${String(v)}`);
  return n;
}

async function simulate(flags: Flags): Promise<void> {
  const url = typeof flags['nats'] === 'string' ? flags['nats'] : process.env['CITYOPS_NATS_URL'] ?? 'nats://127.0.0.1:4222';
  const nc = await connectNats({ url, name: 'cityops simulator' });
  const city = buildCity(num(flags['assets'], 'assets', 800), num(flags['seed'], 'seed', DEFAULT_SIM.seed));
  const sim = new CitySimulator(city, new NatsPublisher(nc), {
    ...DEFAULT_SIM, rate: num(flags['rate'], 'rate', DEFAULT_SIM.rate), seed: num(flags['seed'], 'seed', DEFAULT_SIM.seed),
    scenarios: scenariosOf(flags['scenario']), speed: num(flags['speed'], 'speed', 1),
  });
  await sim.publishRegistry(Date.now());
  sim.start();
  console.log(`simulating Shiyan: ${city.assets.length} assets, ${flags['rate'] ?? DEFAULT_SIM.rate} readings/s -> ${url}`);
  const report = setInterval(() => console.log(JSON.stringify(sim.stats)), 5000);
  const stop = async (): Promise<void> => {
    clearInterval(report);
    sim.stop();
    await nc.drain();
  };
  const duration = num(flags['duration'], 'duration', 0);
  if (duration > 0) setTimeout(() => void stop().then(() => process.exit(0)), duration * 1000);
  onShutdown(stop);
}

async function serve(flags: Flags): Promise<void> {
  const s = resolveServeSettings(flags);
  const served = await startServe(s);
  console.log(`cityops engine on ${served.server.url}`);
  console.log(`  health:     ${served.server.url}/api/health`);
  console.log(`  engine API: ${served.server.url.replace(/^http/, 'ws')}/api/ws?token=<token in ${served.tokenFile}>`);
  console.log(`  database:   ${s.engine.db}; NATS: ${served.engine.health().nats.url} (${served.engine.health().nats.mode})`);
  let stopping = false;
  // if ingest ever stops for good, exit so the supervisor restarts the engine (it resumes from its position)
  const watch = setInterval(() => {
    const st = served.engine.ingestor.state;
    if (!stopping && !st.running) {
      console.error(`cityops: ${st.lastError ?? 'ingest stopped'}; exiting for a restart`);
      process.exit(2);
    }
  }, 5_000);
  watch.unref();
  onShutdown(async () => {
    stopping = true;
    await served.stop();
  });
}

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  const flags = values as Flags;
  if (!cmd || cmd === 'help' || values.help) {
    console.log(USAGE);
    return;
  }
  switch (cmd) {
    case 'serve': return serve(flags);
    case 'simulate': return simulate(flags);
    case 'demo': return runDemo(flags);
    case 'schemas': {
      const dir = positionals[0] ?? 'docs/schemas';
      mkdirSync(dir, { recursive: true });
      for (const [name, schema] of Object.entries(payloadJsonSchemas())) {
        writeFileSync(join(dir, `${name}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
      }
      console.log(`wrote ${Object.keys(payloadJsonSchemas()).length} schemas to ${dir}`);
      return;
    }
    case 'handover': {
      // cityops handover --url http://127.0.0.1:8640 --token T --from 2026-11-24T08:00 --to 2026-11-24T20:00 --out handover.pdf
      const from = Date.parse(String(flags['from'] ?? ''));
      const to = Date.parse(String(flags['to'] ?? ''));
      const token = typeof flags['token'] === 'string' ? flags['token'] : process.env['CITYOPS_TOKEN'];
      if (!Number.isFinite(from) || !Number.isFinite(to) || !token) throw new Error('usage: cityops handover --url URL --token T --from ISO --to ISO [--out FILE.pdf] [--lang zh|en]');
      const r = await handoverPdf({
        url: typeof flags['url'] === 'string' ? flags['url'] : 'http://127.0.0.1:8640', token, fromMs: from, toMs: to,
        out: typeof flags['out'] === 'string' ? flags['out'] : `handover-${new Date(from).toISOString().slice(0, 13)}.pdf`, lang: flags['lang'] === 'en' ? 'en' : 'zh',
      });
      console.log(`wrote ${r.out} (${r.bytes} bytes); the report is kept in the engine's database with its SHA-256`);
      return;
    }
    case 'export': {
      const o = parseExportFlags(flags);
      const { retention, alarmRules } = resolveServeSettings(flags).engine;
      const s = await runExport(o, retention.rawDays, (p) => console.log(`  ${p.done}/${p.total} ${p.table}`), alarmRules);
      console.log(`wrote ${s.out}: ${s.files} files, ${s.rows} rows, ${s.bytes} bytes in ${s.seconds.toFixed(1)} s${s.empty ? ' (the window is empty)' : ''}`);
      return;
    }
    case 'open': {
      const dir = positionals[0];
      if (!dir) throw new Error('usage: cityops open BUNDLE [--port N] [--host 127.0.0.1] [--no-verify]');
      const port = num(flags['port'], 'port', 8650);
      const o = await openBundle({ dir, host: typeof flags['host'] === 'string' ? flags['host'] : '127.0.0.1', port, verify: flags['no-verify'] !== true });
      const w = o.manifest.window;
      console.log(`cityops replay of ${dir}: ${w.from} – ${w.to}, ${o.manifest.rows} rows${o.verifyMs === null ? ' (not verified)' : `, verified in ${(o.verifyMs / 1000).toFixed(1)} s`}`);
      for (const d of o.devices) {
        // the analyst's device opens the workbench over the bundle (SQL, charts, correlation)
        console.log(`  ${d.role === 'wall' ? 'wall:     ' : d.role === 'analyst' ? 'workbench:' : 'console:  '} ${o.server.url}/${d.role === 'wall' ? '' : d.role === 'analyst' ? '?view=analysis' : '?view=console'}#token=${d.token}`);
      }
      onShutdown(() => o.stop());
      return;
    }
    case 'audit': {
      if (positionals[0] !== 'verify') throw new Error('usage: cityops audit verify [<file>]');
      // the default: the audit log beside the configured database (--db, CITYOPS_DB, config file)
      const file = positionals[1] ?? engineFiles(resolveServeSettings(flags).engine.db).auditFile;
      const v = verifyAuditLog(file);
      console.log(v.ok ? `${file}: ${v.entries} entries, chain intact` : `${file}: ${v.entries} entries, ${v.problems.length} problems:\n  ${v.problems.join('\n  ')}`);
      for (const t of v.tornLines) console.log(`  line ${t.line}: a torn line (${t.bytes} bytes) from a write that did not finish, closed and noted by the next entry`);
      if (v.tornTail) console.log(`  line ${v.tornTail.line}: a torn tail (${v.tornTail.bytes} bytes without an end) from a write that did not finish (crash or full disk), not an edit; the engine's next audit entry closes and notes it`);
      if (!v.ok) process.exit(3);
      return;
    }
    default:
      throw new Error(`unknown command ${cmd}\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`cityops: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
