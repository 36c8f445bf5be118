import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { engineSuite } from '../../../dev/testing/engineSuite.js';
import { waitFor } from '../../../dev/testing/harness.js';
import { AckedPublisher, readingMessages, type PublishedMessage } from '../../../dev/testing/jsPublisher.js';

/**
 * Each message that once stopped ingest or was stored wrongly, published through a real
 * nats-server between valid traffic: the valid readings are stored exactly once, the poison is in
 * quarantine with its reason (or stored, when it was valid all along), ingest keeps running, the
 * counters add up, and an engine restarted on the same file re-ingests nothing.
 */
const suite = engineSuite();
const DAY_MS = 86_400_000;

interface PoisonCase {
  name: string;
  poison: (now: number) => { subject: string; body: string }[];
  /** Quarantine rows expected, by reason. */
  reasons: Record<string, number>;
  /** Rows the poison messages themselves add to the stored count (valid readings or events among them). */
  stored: number;
  check?: (e: Engine, now: number) => Promise<void>;
}

const reading = (id: string, ts: number | string, value = 1): string => JSON.stringify({ id, ts, metric: 'lel_pct', value });
const tel = 'city.telemetry.gas.420303.px1';

const CASES: PoisonCase[] = [
  {
    name: '5: a 30,000-deep array and a 9,000-deep object inside arrays',
    poison: (now) => [
      { subject: tel, body: `${'['.repeat(30_000)}${']'.repeat(30_000)}` },
      { subject: tel, body: `[${reading('deep-ok', now)},${'{"a":'.repeat(9_000)}1${'}'.repeat(9_000)}]` },
    ],
    reasons: { too_deep: 2 },
    stored: 1,
  },
  {
    name: '6: a gas reading of 1e19',
    poison: (now) => [{ subject: tel, body: `{"id":"huge","ts":${now},"metric":"lel_pct","value":1e19}` }],
    reasons: {},
    stored: 1,
    check: async (e) => {
      expect(await e.db.queryRows("SELECT value FROM readings WHERE msg_id = 'huge'")).toEqual([{ value: 1e19 }]);
      expect((await e.db.queryRows("SELECT value FROM alarm_log WHERE asset = 'px1' AND active")).map((r) => r['value'])).toContain(1e19);
    },
  },
  {
    name: '7: an asset record whose attrs hold a lone surrogate',
    poison: (now) => [
      { subject: 'city.asset.gas.420303.px1', body: `{"id":"px1","ts":${now},"name":"n","kind":"k","lat":32.6,"lon":110.8,"owner":"o","supervisor":"s","attrs":{"a":"x\\udc00y"}}` },
      { subject: 'city.asset.gas.420303.px2', body: JSON.stringify({ id: 'px2', ts: now, name: '调压站', kind: 'k', lat: 32.6, lon: 110.8, owner: 'o', supervisor: 's', attrs: { a: '好' } }) },
    ],
    reasons: { invalid_unicode: 1 },
    stored: 1,
  },
  {
    name: '10: a reading id event:X before the event X',
    poison: (now) => [
      { subject: tel, body: reading('event:X', now) },
      { subject: 'city.event.gas.420303', body: JSON.stringify({ id: 'X', ts: now, type: 'leak', severity: 'red', title: '泄漏' }) },
    ],
    reasons: {},
    stored: 2,
    check: async (e) => {
      expect(await e.db.queryRows("SELECT msg_id FROM events WHERE msg_id = 'X'")).toHaveLength(1);
    },
  },
  {
    name: '11: reading ids that differ only in an unpaired surrogate',
    poison: (now) => [
      { subject: tel, body: `{"id":"sur\\ud800","ts":${now},"metric":"lel_pct","value":1}` },
      { subject: tel, body: `{"id":"sur\\udbff","ts":${now},"metric":"lel_pct","value":1}` },
    ],
    reasons: { invalid_unicode: 2 },
    stored: 0,
  },
  {
    name: '14: days that do not exist, 24:00, and a leap second',
    poison: (now) => {
      const yesterday = new Date(now - DAY_MS).toISOString().slice(0, 10);
      return [
        { subject: tel, body: reading('feb30', '2026-02-30T00:00:00Z') },
        { subject: tel, body: reading('jun31', '2026-06-31T00:00:00Z') },
        { subject: tel, body: reading('h24', `${yesterday}T24:00:00Z`) },
        { subject: tel, body: reading('leap', `${yesterday}T23:59:60Z`) },
      ];
    },
    reasons: { bad_timestamp: 3 },
    stored: 1,
    check: async (e, now) => {
      const rows = await e.db.queryRows("SELECT epoch_ms(ts) AS t FROM readings WHERE msg_id = 'leap'");
      expect(rows).toEqual([{ t: Date.parse(`${new Date(now - DAY_MS).toISOString().slice(0, 10)}T23:59:59.999Z`) }]);
    },
  },
  {
    name: '15: readings older than the retention',
    poison: (now) => [{ subject: tel, body: `[${reading('old', now - 31 * DAY_MS)},${reading('young', now - 29 * DAY_MS)}]` }],
    reasons: { expired: 1 },
    stored: 1,
  },
];

async function resetStream(): Promise<void> {
  const jsm = await jetstreamManager(suite.nc);
  await jsm.streams.delete('CITY').catch(() => undefined);
  await jsm.streams.add({ name: 'CITY', subjects: ['city.>'] });
}

const count = async (e: Engine, sql: string): Promise<number> => Number((await e.db.queryRows(sql))[0]?.['n']);

async function snapshot(e: Engine): Promise<Record<string, number>> {
  return {
    readings: await count(e, 'SELECT count(*)::INTEGER AS n FROM readings'),
    distinctIds: await count(e, 'SELECT count(DISTINCT msg_id)::INTEGER AS n FROM readings'),
    events: await count(e, 'SELECT count(*)::INTEGER AS n FROM events'),
    assets: await count(e, 'SELECT count(*)::INTEGER AS n FROM asset_versions'),
    quarantine: await count(e, 'SELECT count(*)::INTEGER AS n FROM quarantine'),
  };
}

describe('JetStream ingest meets poison', () => {
  for (const c of CASES) {
    it(`defect ${c.name}`, async () => {
      await resetStream();
      const now = Date.now() - 1000;
      const tag = `p${c.name.split(':')[0]}`;
      const before = readingMessages(`${tag}-a`, 200, 20);
      const after = readingMessages(`${tag}-b`, 200, 20);
      const poison: PublishedMessage[] = c.poison(now).map((m, i) => ({ ...m, msgId: `${tag}-poison-${i}` }));
      const pub = new AckedPublisher(suite.nc);
      await pub.publishAll([...before, ...poison, ...after], 1);
      const quarantined = Object.values(c.reasons).reduce((a, b) => a + b, 0);
      const received = 400 + c.stored + quarantined;
      const cfg = suite.config();
      const e = await suite.engineOn(cfg);
      await waitFor(() => e.health().ingest.received >= received, `${received} received`);
      const h = e.health().ingest;
      expect(h).toMatchObject({ received, stored: 400 + c.stored, quarantined, duplicates: 0, running: true, retrying: false, lastError: null });
      expect(h.stored + h.quarantined + h.duplicates).toBe(h.received);
      const q = await e.db.queryRows('SELECT reason, count(*)::INTEGER AS n FROM quarantine GROUP BY reason ORDER BY reason');
      expect(Object.fromEntries(q.map((r) => [r['reason'], r['n']]))).toEqual(c.reasons);
      const valid = await e.db.queryRows(`SELECT count(*)::INTEGER AS n, count(DISTINCT msg_id)::INTEGER AS d FROM readings WHERE msg_id LIKE '${tag}-%'`);
      expect(valid[0]).toEqual({ n: 400, d: 400 });
      await c.check?.(e, now);
      const stored = await snapshot(e);
      await suite.stopEngine(e);

      // the same file again: nothing re-ingested, and what comes next is stored
      const again = await suite.engineOn(cfg);
      await pub.publishAll(readingMessages(`${tag}-c`, 20, 20));
      await waitFor(() => again.health().ingest.received === received + 20, 'the next message after a restart');
      expect(again.health().ingest).toMatchObject({ stored: 420 + c.stored, quarantined, duplicates: 0, running: true });
      expect(await snapshot(again)).toEqual({ ...stored, readings: (stored['readings'] ?? 0) + 20, distinctIds: (stored['distinctIds'] ?? 0) + 20 });
    });
  }
});
