import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveServeSettings, type Flags, type ServeSettings } from './config.js';
import { DEFAULT_RETENTION } from './store/maintenance.js';
import { DEFAULT_QUERY_LIMITS } from './queries/queryGate.js';
import { LIVE_SQL_LIMITS } from './analysis/sqlWorkbench.js';
import { tempDir } from '../../dev/testing/harness.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('query limits come from configuration', () => {
  it('defaults, then the config file, then the environment', () => {
    expect(resolveServeSettings({}, {}).engine.queries).toEqual(DEFAULT_QUERY_LIMITS);
    const file = `${tmp.dir}/c.json`;
    writeFileSync(file, JSON.stringify({ queries: { maxInFlight: 3, timeoutMs: 2000 } }));
    const fromFile = resolveServeSettings({ config: file }, {}).engine.queries;
    expect(fromFile).toEqual({ ...DEFAULT_QUERY_LIMITS, maxInFlight: 3, timeoutMs: 2000 });
    const fromEnv = resolveServeSettings({ config: file }, { CITYOPS_QUERY_TIMEOUT_MS: '500', CITYOPS_QUERY_MAX_PER_CLIENT: '2' }).engine.queries;
    expect(fromEnv).toEqual({ ...DEFAULT_QUERY_LIMITS, maxInFlight: 3, timeoutMs: 500, maxInFlightPerClient: 2 });
  });

  it('the SQL console\'s limits: defaults, then the config file\'s sql, then CITYOPS_SQL_TIMEOUT_MS', () => {
    expect(resolveServeSettings({}, {}).engine.sql).toEqual(LIVE_SQL_LIMITS);
    const file = `${tmp.dir}/sql.json`;
    writeFileSync(file, JSON.stringify({ sql: { timeoutMs: 5000, maxConcurrent: 3, downloadMaxFiles: 3, downloadTtlMs: 60_000 } }));
    const fromFile = resolveServeSettings({ config: file }, {}).engine.sql;
    expect(fromFile).toEqual({ ...LIVE_SQL_LIMITS, timeoutMs: 5000, maxConcurrent: 3, downloads: { ...LIVE_SQL_LIMITS.downloads, maxFiles: 3, ttlMs: 60_000 } });
    expect(resolveServeSettings({ config: file }, { CITYOPS_SQL_TIMEOUT_MS: '800' }).engine.sql.timeoutMs).toBe(800);
    expect(() => resolveServeSettings({}, { CITYOPS_SQL_TIMEOUT_MS: '-1' })).toThrow(/CITYOPS_SQL_TIMEOUT_MS/);
    writeFileSync(file, JSON.stringify({ sql: { maxRows: 1_000_000 } }));
    expect(() => resolveServeSettings({ config: file }, {})).toThrow(/sql.maxRows/);
  });

  it('refuses limits that are not positive integers', () => {
    expect(() => resolveServeSettings({}, { CITYOPS_QUERY_MAX_IN_FLIGHT: '0' })).toThrow(/CITYOPS_QUERY_MAX_IN_FLIGHT/);
    expect(() => resolveServeSettings({}, { CITYOPS_QUERY_TIMEOUT_MS: '1e400' })).toThrow(/positive integer/);
    const file = `${tmp.dir}/bad.json`;
    writeFileSync(file, JSON.stringify({ queries: { maxInFlight: -1 } }));
    expect(() => resolveServeSettings({ config: file }, {})).toThrow(/queries.maxInFlight/);
  });
});

/** One setting in each of its layers: the config file's key, the environment variable, the flag, and where it lands. */
interface Layered {
  name: string;
  file: (v: string) => Record<string, unknown>;
  env: string;
  flag: string;
  read: (s: ServeSettings) => unknown;
  /** The value each layer gives it (numbers for the port). */
  values: { file: string; env: string; flag: string };
}

const natsKey = (key: string): ((v: string) => Record<string, unknown>) => (v) => ({ nats: { [key]: v } });
const LAYERED: Layered[] = [
  { name: 'database file', file: (v) => ({ db: v }), env: 'CITYOPS_DB', flag: 'db', read: (s) => s.engine.db, values: { file: '/f/c.duckdb', env: '/e/c.duckdb', flag: '/x/c.duckdb' } },
  { name: 'port', file: (v) => ({ port: Number(v) }), env: 'CITYOPS_PORT', flag: 'port', read: (s) => s.port, values: { file: '9001', env: '9002', flag: '9003' } },
  { name: 'host', file: (v) => ({ host: v }), env: 'CITYOPS_HOST', flag: 'host', read: (s) => s.host, values: { file: '10.0.0.1', env: '10.0.0.2', flag: '10.0.0.3' } },
  { name: 'NATS servers', file: natsKey('url'), env: 'CITYOPS_NATS_URL', flag: 'nats', read: (s) => s.engine.nats?.url, values: { file: 'tls://f:4222', env: 'tls://e:4222', flag: 'tls://x:4222' } },
  { name: 'NATS user', file: natsKey('user'), env: 'CITYOPS_NATS_USER', flag: 'nats-user', read: (s) => s.engine.nats?.user, values: { file: 'fu', env: 'eu', flag: 'xu' } },
  { name: 'NATS password', file: natsKey('pass'), env: 'CITYOPS_NATS_PASS', flag: 'nats-pass', read: (s) => s.engine.nats?.pass, values: { file: 'fp', env: 'ep', flag: 'xp' } },
  { name: 'NATS token', file: natsKey('token'), env: 'CITYOPS_NATS_TOKEN', flag: 'nats-token', read: (s) => s.engine.nats?.token, values: { file: 'ft', env: 'et', flag: 'xt' } },
  { name: 'NATS NKey', file: natsKey('nkey'), env: 'CITYOPS_NATS_NKEY', flag: 'nats-nkey', read: (s) => s.engine.nats?.nkey, values: { file: '/f/nk', env: '/e/nk', flag: '/x/nk' } },
  { name: 'NATS creds file', file: natsKey('credsFile'), env: 'CITYOPS_NATS_CREDS', flag: 'nats-creds', read: (s) => s.engine.nats?.credsFile, values: { file: '/f/w.creds', env: '/e/w.creds', flag: '/x/w.creds' } },
  { name: 'NATS TLS CA', file: natsKey('tlsCaFile'), env: 'CITYOPS_NATS_TLS_CA', flag: 'nats-tls-ca', read: (s) => s.engine.nats?.tlsCaFile, values: { file: '/f/ca.pem', env: '/e/ca.pem', flag: '/x/ca.pem' } },
  { name: 'stream', file: (v) => ({ stream: v }), env: 'CITYOPS_STREAM', flag: 'stream', read: (s) => s.engine.stream, values: { file: 'CITY_F', env: 'CITY_E', flag: 'CITY_X' } },
  { name: 'consumer', file: (v) => ({ consumer: v }), env: 'CITYOPS_CONSUMER', flag: 'consumer', read: (s) => s.engine.consumer, values: { file: 'c-f', env: 'c-e', flag: 'c-x' } },
  { name: 'administrator token', file: (v) => ({ token: v }), env: 'CITYOPS_TOKEN', flag: 'token', read: (s) => s.token, values: { file: 'tok-f', env: 'tok-e', flag: 'tok-x' } },
  { name: 'wall token', file: (v) => ({ wallToken: v }), env: 'CITYOPS_WALL_TOKEN', flag: 'wall-token', read: (s) => s.wallToken, values: { file: 'w-f', env: 'w-e', flag: 'w-x' } },
  { name: 'devices file', file: (v) => ({ devices: v }), env: 'CITYOPS_DEVICES', flag: 'devices', read: (s) => s.devices, values: { file: '/f/d.json', env: '/e/d.json', flag: '/x/d.json' } },
];

/** Writes a config file holding every setting's file value (nats keys merged into one object). */
function fileWith(settings: Layered[], name: string, extra: Record<string, unknown> = {}): string {
  const body: Record<string, unknown> = { ...extra };
  for (const l of settings) {
    for (const [k, v] of Object.entries(l.file(l.values.file))) {
      body[k] = k === 'nats' ? { ...(body['nats'] as Record<string, unknown> | undefined), ...(v as Record<string, unknown>) } : v;
    }
  }
  const path = `${tmp.dir}/${name}.json`;
  writeFileSync(path, JSON.stringify(body));
  return path;
}

const expected = (l: Layered, layer: 'file' | 'env' | 'flag'): unknown => (l.name === 'port' ? Number(l.values[layer]) : l.values[layer]);

describe('settings come from defaults, then the config file, then the environment, then flags', () => {
  it('starts from the documented defaults', () => {
    const s = resolveServeSettings({}, {});
    expect(s).toMatchObject({ host: '127.0.0.1', port: 8640, token: undefined, wallToken: undefined, devices: undefined, allowedOrigins: [] });
    expect(s.engine).toMatchObject({ db: '.cityops/cityops.duckdb', stream: 'CITY', createStream: true, fallbackToCore: true, retention: DEFAULT_RETENTION });
    expect(s.engine.nats).toEqual({ url: 'nats://127.0.0.1:4222' });
  });

  // every combination of layers present: the highest one wins, each setting on its own
  const layers = ['file', 'env', 'flag'] as const;
  const subsets = [0, 1, 2, 3, 4, 5, 6, 7].map((bits) => layers.filter((_, i) => (bits >> i) & 1));
  it.each(subsets.filter((s) => s.length > 0).map((s) => [s.join(' + '), s] as const))('takes each setting from the highest layer present: %s', (_label, present) => {
    const file = present.includes('file') ? fileWith(LAYERED, `all-${present.join('-')}`) : undefined;
    const env: NodeJS.ProcessEnv = {};
    const flags: Flags = file ? { config: file } : {};
    for (const l of LAYERED) {
      if (present.includes('env')) env[l.env] = l.values.env;
      if (present.includes('flag')) flags[l.flag] = l.values.flag;
    }
    const s = resolveServeSettings(flags, env);
    const top = present[present.length - 1] as (typeof layers)[number];
    for (const l of LAYERED) expect(l.read(s), `${l.name} from ${top}`).toEqual(expected(l, top));
  });

  it('mixes layers per setting: a flag for one, the environment for another, the file for a third', () => {
    const db = LAYERED[0] as Layered;
    const port = LAYERED[1] as Layered;
    const url = LAYERED[3] as Layered;
    const file = fileWith([db, port, url], 'mixed');
    const s = resolveServeSettings({ config: file, db: '/x/c.duckdb' }, { CITYOPS_PORT: '9002' });
    expect([s.engine.db, s.port, s.engine.nats?.url]).toEqual(['/x/c.duckdb', 9002, 'tls://f:4222']);
  });

  it('treats an empty value as absent, so the layer below shows through', () => {
    const file = fileWith([LAYERED[0] as Layered], 'empty');
    expect(resolveServeSettings({ config: file, db: '' }, { CITYOPS_DB: '' }).engine.db).toBe('/f/c.duckdb');
  });

  it('reads the config file named by the flag rather than CITYOPS_CONFIG', () => {
    const a = `${tmp.dir}/a.json`;
    const b = `${tmp.dir}/b.json`;
    writeFileSync(a, JSON.stringify({ stream: 'FROM_FLAG' }));
    writeFileSync(b, JSON.stringify({ stream: 'FROM_ENV' }));
    expect(resolveServeSettings({ config: a }, { CITYOPS_CONFIG: b }).engine.stream).toBe('FROM_FLAG');
    expect(resolveServeSettings({}, { CITYOPS_CONFIG: b }).engine.stream).toBe('FROM_ENV');
  });

  it('takes retention from the file over the defaults, key by key', () => {
    const file = `${tmp.dir}/retention.json`;
    writeFileSync(file, JSON.stringify({ retention: { rawDays: 7 } }));
    expect(resolveServeSettings({ config: file }, {}).engine.retention).toEqual({ ...DEFAULT_RETENTION, rawDays: 7 });
  });

  it('turns stream creation off from any layer, and the environment can turn it back on over the file', () => {
    const off = `${tmp.dir}/no-create.json`;
    writeFileSync(off, JSON.stringify({ createStream: false, fallbackToCore: false }));
    expect(resolveServeSettings({ config: off }, {}).engine).toMatchObject({ createStream: false, fallbackToCore: false });
    expect(resolveServeSettings({}, { CITYOPS_CREATE_STREAM: '0' }).engine.createStream).toBe(false);
    expect(resolveServeSettings({ 'no-create-stream': true, 'no-core-fallback': true }, { CITYOPS_CREATE_STREAM: '1' }).engine).toMatchObject({ createStream: false, fallbackToCore: false });
    expect(resolveServeSettings({ config: off }, { CITYOPS_CREATE_STREAM: '1' }).engine.createStream).toBe(true);
  });

  it('allows the origins of the flags and of the file together (each adds to the server\'s own)', () => {
    const file = `${tmp.dir}/origins.json`;
    writeFileSync(file, JSON.stringify({ allowedOrigins: ['https://wall.city.local'] }));
    expect(resolveServeSettings({ config: file }, {}).allowedOrigins).toEqual(['https://wall.city.local']);
    expect(resolveServeSettings({ config: file, 'allow-origin': ['https://console.city.local', 'http://10.0.0.5:8640'] }, {}).allowedOrigins)
      .toEqual(['https://console.city.local', 'http://10.0.0.5:8640', 'https://wall.city.local']);
  });
});

describe('bad settings are refused with a message that names them', () => {
  it.each(['abc', '70000', '65536', '-1', '1.5', ' ', '0x1f90', '1e3', '80 80'])('refuses the port %j from a flag or the environment', (port) => {
    expect(() => resolveServeSettings({ port }, {})).toThrow(/port must be 0\.\.65535/);
    expect(() => resolveServeSettings({}, { CITYOPS_PORT: port })).toThrow(/port must be 0\.\.65535/);
  });

  it('accepts the ends of the port range', () => {
    expect(resolveServeSettings({ port: '0' }, {}).port).toBe(0);
    expect(resolveServeSettings({}, { CITYOPS_PORT: '65535' }).port).toBe(65535);
  });

  it('refuses a config file that is missing, not JSON, of the wrong shape, or with unknown keys, naming the file', () => {
    const missing = `${tmp.dir}/nope.json`;
    expect(() => resolveServeSettings({ config: missing }, {})).toThrow(`config file ${missing} does not exist`);
    const notJson = `${tmp.dir}/not-json.json`;
    writeFileSync(notJson, '{ "port": 8640,');
    expect(() => resolveServeSettings({ config: notJson }, {})).toThrow(`config file ${notJson}`);
    const badPort = `${tmp.dir}/bad-port.json`;
    writeFileSync(badPort, JSON.stringify({ port: 70000 }));
    expect(() => resolveServeSettings({ config: badPort }, {})).toThrow(new RegExp(`config file ${badPort}: port`));
    const portText = `${tmp.dir}/port-text.json`;
    writeFileSync(portText, JSON.stringify({ port: '8640' }));
    expect(() => resolveServeSettings({ config: portText }, {})).toThrow(new RegExp(`config file ${portText}: port`));
    const unknown = `${tmp.dir}/unknown.json`;
    writeFileSync(unknown, JSON.stringify({ prot: 8640 }));
    expect(() => resolveServeSettings({ config: unknown }, {})).toThrow(/prot/);
    const badRetention = `${tmp.dir}/bad-retention.json`;
    writeFileSync(badRetention, JSON.stringify({ retention: { rawDays: 0 } }));
    expect(() => resolveServeSettings({ config: badRetention }, {})).toThrow(/retention\.rawDays/);
  });
});

describe('a district centre\'s scope', () => {
  it('comes from --scope, then CITYOPS_SCOPE, then the config file; none reads the whole city; bad text is refused', () => {
    expect(resolveServeSettings({}, {}).engine.scope).toBeNull();
    expect(resolveServeSettings({ scope: 'district=420303' }, {}).engine.scope).toEqual({ domains: null, districts: ['420303'] });
    expect(resolveServeSettings({}, { CITYOPS_SCOPE: 'domain=gas,water' }).engine.scope).toEqual({ domains: ['gas', 'water'], districts: null });
    const file = `${tmp.dir}/scope.json`;
    writeFileSync(file, JSON.stringify({ scope: { districts: ['420302'] }, opsDuplicateWindowS: 600 }));
    expect(resolveServeSettings({ config: file }, {}).engine).toMatchObject({ scope: { domains: null, districts: ['420302'] }, opsDuplicateWindowS: 600 });
    expect(resolveServeSettings({ config: file, scope: 'domain=gas' }, {}).engine.scope).toEqual({ domains: ['gas'], districts: null });
    expect(() => resolveServeSettings({ scope: 'district=42' }, {})).toThrow(/6-digit/);
    writeFileSync(file, JSON.stringify({ scope: { districts: ['city.>'] } }));
    expect(() => resolveServeSettings({ config: file }, {})).toThrow();
  });
});

