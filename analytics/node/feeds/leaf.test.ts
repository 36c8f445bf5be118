import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DistrictLeaf } from '../../../dev/testing/districtLeaf.js';
import { tempDir, waitFor } from '../../../dev/testing/harness.js';
import { AckedPublisher, readingMessages } from '../../../dev/testing/jsPublisher.js';
import { defaultEngineConfig, startEngine, type Engine } from '../engine.js';
import type { OpsAction } from '../../common/ops/opsEvents.js';

const tmp = tempDir('cityops-leaf-');
/** The streams' duplicate window here: the cut below lasts longer than it. */
const WINDOW_S = 2;
let t: DistrictLeaf;

beforeAll(async () => {
  t = await DistrictLeaf.start('420303', { duplicateWindowS: WINDOW_S });
});
afterAll(async () => {
  await t?.dispose();
  tmp.remove();
});

const raise = (hazard: string, title: string): OpsAction => ({
  kind: 'hazard.raise', hazard, grade: 'general', title, domain: 'gas', district: '420303', asset: 'a1', fromAlarm: null,
  responsible: { owner: null, supervisor: null, approver: null },
});

async function storedOnce(e: Engine): Promise<{ n: number; d: number }> {
  const r = await e.db.queryRows('SELECT count(*)::INTEGER AS n, count(DISTINCT msg_id)::INTEGER AS d FROM readings');
  return r[0] as { n: number; d: number };
}

describe('a district centre on a leaf node, its link to the city cut', () => {
  it('keeps the district working alone; after a cut longer than the duplicate window the city holds every reading once, and operator actions cross both ways', async () => {
    const city = await startEngine(defaultEngineConfig({
      db: `${tmp.dir}/city.duckdb`, nats: { url: t.hub.url }, consumer: 'city', createStream: false, maintenanceIntervalMs: 3_600_000, feedStallMs: 2_000,
    }));
    const district = await startEngine(defaultEngineConfig({
      db: `${tmp.dir}/district.duckdb`, nats: { url: t.leaf.url }, consumer: 'district', createStream: false, maintenanceIntervalMs: 3_600_000, feedStallMs: 2_000,
    }));
    const sensors = await t.connectLeaf();
    const hub = await t.connectHub();
    try {
      await city.whenConnected();
      await district.whenConnected();
      const pub = new AckedPublisher(sensors);
      await pub.publishAll(readingMessages('before', 1_000, 10));
      for (const e of [city, district]) await waitFor(() => e.health().ingest.stored === 1_000 || null, 'the first 1,000 stored in both');

      t.link.cut();
      const cutAt = Date.now();
      // the district's sensors go on publishing to their leaf, acknowledged there
      for (let i = 0; i < 10; i++) {
        await pub.publishAll(readingMessages(`cut${i}`, 200, 10));
        await new Promise((r) => setTimeout(r, 300));
      }
      await waitFor(() => Date.now() - cutAt > 2 * WINDOW_S * 1_000 || null, 'the cut outlasting the duplicate window');
      // each side takes an operator action while they cannot reach each other
      await city.controlRoom.submit(raise('hz-city', 'raised at the city during the cut'), 'console-city', 'shift_leader');
      await district.controlRoom.submit(raise('hz-district', 'raised in the district during the cut'), 'console-d', 'shift_leader');
      // the district's engine has all it read from its own leaf; the city has nothing of the cut
      await waitFor(() => district.health().ingest.stored === 3_000 || null, 'the district stores the readings of the cut');
      expect(city.health().ingest.stored).toBe(1_000);
      expect(district.controlRoom.actionStream.pendingActions().length).toBe(1);

      t.link.restore();
      await waitFor(() => city.health().ingest.stored === 3_000 || null, 'the city catches up through the source', 60_000);
      expect(await storedOnce(city)).toEqual({ n: 3_000, d: 3_000 });
      expect(city.health().ingest).toMatchObject({ duplicates: 0, quarantined: 0 });
      // the city's stream holds each of the district's messages once (no copy over the link, none re-sourced)
      expect((await (await jetstreamManager(hub)).streams.info('CITY')).state.messages).toBe(300);
      // the district's action reached the city's OPS, the city's reached the district through the mirror
      for (const e of [city, district]) {
        await waitFor(() => (e.controlRoom.state.hazards.has('hz-city') && e.controlRoom.state.hazards.has('hz-district')) || null, 'both hazards on both sides', 60_000);
      }
      expect(district.controlRoom.actionStream.pendingActions().length).toBe(0);
      expect(await storedOnce(district)).toEqual({ n: 3_000, d: 3_000 });
    } finally {
      await sensors.close();
      await hub.close();
      await district.stop();
      await city.stop();
    }
  });
});
