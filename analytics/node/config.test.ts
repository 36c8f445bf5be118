import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveServeSettings } from './config.js';
import { DEFAULT_QUERY_LIMITS } from './queries/queryGate.js';
import { tempDir } from './testing/harness.js';

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

  it('refuses limits that are not positive integers', () => {
    expect(() => resolveServeSettings({}, { CITYOPS_QUERY_MAX_IN_FLIGHT: '0' })).toThrow(/CITYOPS_QUERY_MAX_IN_FLIGHT/);
    expect(() => resolveServeSettings({}, { CITYOPS_QUERY_TIMEOUT_MS: '1e400' })).toThrow(/positive integer/);
    const file = `${tmp.dir}/bad.json`;
    writeFileSync(file, JSON.stringify({ queries: { maxInFlight: -1 } }));
    expect(() => resolveServeSettings({ config: file }, {})).toThrow(/queries.maxInFlight/);
  });
});
