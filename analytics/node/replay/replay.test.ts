import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueryResults } from '../../common/engineApi.js';
import type { OpsAction } from '../../common/ops/opsEvents.js';
import type { Engine, EngineConfig } from '../engine.js';
import type { EngineService } from '../engineService.js';
import { verifyBundle } from '../export/verifyBundle.js';
import { BundleEngine } from './bundleEngine.js';
import { openBundle } from '../cli/openCommand.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../dev/testing/harness.js';
import { engineSuite } from '../../../dev/testing/engineSuite.js';
import { waitFor } from '../../../dev/testing/harness.js';
import { AckedPublisher, type PublishedMessage } from '../../../dev/testing/jsPublisher.js';
import { sleep } from '../../common/vocabulary.js';

const suite = engineSuite();
const D = '420302';
const config = (name: string, over: Partial<EngineConfig> = {}): EngineConfig => suite.config(over, name);

let tag = 0;
function asset(a: string, tsMs: number, district = D): PublishedMessage {
  return { subject: `city.asset.gas.${district}.${a}`, body: JSON.stringify({ id: a, ts: tsMs, name: `调压站 ${a}`, kind: 'regulator', lat: 32.6, lon: 110.8, owner: `燃气公司 ${a}`, supervisor: '市城管局', approver: '市住建局' }), msgId: `asset-${++tag}-${a}` };
}
function reading(a: string, lel: number, tsMs: number, district = D): PublishedMessage {
  const id = `r-${++tag}-${a}`;
  return { subject: `city.telemetry.gas.${district}.${a}`, body: JSON.stringify({ id, ts: tsMs, metric: 'lel_pct', value: lel }), msgId: id };
}
const publish = (msgs: PublishedMessage[]): Promise<void> => new AckedPublisher(suite.nc).publishAll(msgs);
const act = (e: Engine, a: OpsAction): Promise<unknown> => e.controlRoom.submit(a, 'console-1', 'shift_leader');

/** What a screen draws of the operational picture at an instant (the engine's counters and clocks aside). */
interface Picture {
  alarms: QueryResults['alarms'];
  hazards: { id: string; stage: string; grade: string; assignee: string | null }[];
  kpis: QueryResults['alarmKpis'];
  colours: Record<string, string>;
  snapshot: { alarms: string[]; kpis: unknown; hazards: unknown; districts: unknown; assetRisk: unknown; eventAcks: unknown };
}

async function picture(e: EngineService, atMs?: number): Promise<Picture> {
  const snap = atMs === undefined ? e.snapshot() : await e.snapshotAt(atMs);
  const risks = await e.query('risks', {}, undefined, atMs);
  return {
    alarms: await e.query('alarms', { all: true }, undefined, atMs),
    hazards: (await e.query('hazards', {}, undefined, atMs)).map((h) => ({ id: h.id, stage: h.stage, grade: h.grade, assignee: h.assignee })),
    // the KPIs say when they were computed: that one field is the clock's, not the picture's
    kpis: { ...(await e.query('alarmKpis', {}, undefined, atMs)), atMs: 0 },
    colours: Object.fromEntries(risks.assets.map((r) => [r.asset, r.colour])),
    snapshot: { alarms: snap.alarms.map((a) => `${a.occurrence}:${a.state}`), kpis: snap.kpis, hazards: snap.hazards, districts: snap.districts, assetRisk: snap.assetRisk, eventAcks: snap.eventAcks },
  };
}

describe('the operational state as of any instant, on the live engine', () => {
  it('what the engine answered and pushed at several instants is answered again when the clock is set back to them', async () => {
    const e = await engineOn();
    const t0 = Date.now();
    const recorded: { atMs: number; p: Picture }[] = [];
    const settle = async (): Promise<void> => {
      await sleep(1_200); // the risk register refreshes every second
      const atMs = Date.now();
      recorded.push({ atMs, p: await picture(e) });
      await sleep(20);
    };
    await publish([asset('p1', t0 - 60_000), asset('p2', t0 - 60_000), asset('p3', t0 - 60_000)]);
    await publish([reading('p1', 5, t0), reading('p2', 5, t0), reading('p3', 5, t0)]);
    await waitFor(async () => ((await e.query('assets', {})).columns['asset']?.length === 3) || null, 'registry');
    await settle();
    // a critical and a high alarm
    const t1 = Date.now();
    await publish([reading('p1', 70, t1), reading('p2', 30, t1)]);
    const p1 = `gas/${D}/p1#gas.lel.level2`;
    await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 100 }).find((a) => a.point === p1), 'critical raised');
    await settle();
    // acknowledged; a hazard raised from it
    await act(e, { kind: 'alarm.ack', point: p1, raisedAtMs: t1 });
    await act(e, { kind: 'hazard.raise', hazard: 'hz-p1', grade: 'general', title: '燃气泄漏', domain: 'gas', district: D, asset: 'p1', fromAlarm: { point: p1, raisedAtMs: t1 }, responsible: { owner: null, supervisor: null, approver: null } });
    await waitFor(() => e.controlRoom.state.hazards.get('hz-p1'), 'hazard');
    await settle();
    // dispatched; the high alarm shelved
    await act(e, { kind: 'hazard.dispatch', hazard: 'hz-p1', assignee: '燃气公司 p1', deadlineMs: t1 + 86_400_000 });
    await act(e, { kind: 'alarm.shelve', point: `gas/${D}/p2#gas.lel.level1`, reason: '检修', forMs: 3_600_000 });
    await waitFor(() => e.controlRoom.state.hazards.get('hz-p1')?.stage === 'dispatched' || null, 'dispatched');
    await settle();
    // a third asset alarms
    const t2 = Date.now();
    await publish([reading('p3', 60, t2)]);
    await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 100 }).find((a) => a.point === `gas/${D}/p3#gas.lel.level2`), 'second critical');
    await settle();

    // every recorded instant, answered again as of it
    for (const r of recorded) expect(await picture(e, r.atMs), `as of ${new Date(r.atMs).toISOString()}`).toEqual(r.p);
    // and at random instants between two records (nothing happened in between): the earlier record's alarms and hazards
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: recorded.length - 2 }), fc.double({ min: 0, max: 0.999, noNaN: true }), async (i, f) => {
      const a = recorded[i] as { atMs: number; p: Picture };
      const b = recorded[i + 1] as { atMs: number; p: Picture };
      // the step after `a` began at least 20 ms after it; before that, nothing changed
      const at = a.atMs + Math.floor(f * 20);
      const p = await picture(e, at);
      expect(p.alarms).toEqual(a.p.alarms);
      expect(p.hazards).toEqual(a.p.hazards);
      void b;
    }), { numRuns: 20, seed: 12 });
    // before anything happened: an empty picture
    const empty = await picture(e, t0 - 120_000);
    expect(empty.alarms).toEqual([]);
    expect(empty.hazards).toEqual([]);

    // the same again from an export bundle of a window starting after the first alarm (its state at the start comes with it)
    const out = tempDir('cityops-replay-bundle-');
    try {
      const from = (recorded[1] as { atMs: number }).atMs + 5;
      const to = Date.now();
      await e.exportBundle({ fromMs: from, toMs: to, domains: [], districts: [], out: out.dir, csv: false, force: true });
      const v = await verifyBundle(out.dir);
      if (!v.ok) throw new Error(v.problems.join('; '));
      const b = await BundleEngine.open(out.dir, v.manifest);
      try {
        for (const r of recorded.filter((x) => x.atMs >= from)) expect(await picture(b, r.atMs), `bundle as of ${new Date(r.atMs).toISOString()}`).toEqual(r.p);
        // the window's start shows what stood then: the critical raised before the window, unacknowledged
        const atStart = await picture(b, from);
        expect(atStart.alarms.map((a) => `${a.point}:${a.state}`)).toEqual((recorded[1] as { p: Picture }).p.alarms.map((a) => `${a.point}:${a.state}`));
        expect((await b.query('timeline', {})).mode).toBe('bundle');
        await expect(b.submitAction()).rejects.toThrow(/replay/);
      } finally {
        await b.stop();
      }
      // `cityops open` serves it; one changed byte in a data file is refused, naming the file
      const opened = await openBundle({ dir: out.dir, host: '127.0.0.1', port: 0, verify: true });
      try {
        const health = await fetch(`${opened.server.url}/api/health`, { headers: { authorization: `Bearer ${opened.devices[0]?.token ?? ''}` } });
        expect(health.status).toBe(200);
        expect(opened.verifyMs).not.toBeNull();
      } finally {
        await opened.stop();
      }
      const file = join(out.dir, 'alarm_log.parquet');
      const bytes = readFileSync(file);
      const mid = Math.floor(bytes.length / 2);
      bytes[mid] = (bytes[mid] as number) ^ 0xff;
      writeFileSync(file, bytes);
      await expect(openBundle({ dir: out.dir, host: '127.0.0.1', port: 0, verify: true })).rejects.toThrow(/alarm_log\.parquet/);
    } finally {
      out.remove();
    }
    await suite.stopEngine(e);
  });

  it('queries answered as of an instant count nothing after it', async () => {
    const e = await engineOn();
    const t0 = Date.now() - 60_000;
    const D2 = '420303';
    await publish([asset('q1', t0 - 1_000, D2)]);
    await publish([reading('q1', 3, t0, D2), reading('q1', 4, t0 + 10_000, D2), reading('q1', 6, t0 + 20_000, D2)]);
    await publish([{ subject: `city.event.gas.${D2}`, msgId: `ev-${++tag}`, body: JSON.stringify({ id: `evq-${tag}`, ts: t0 + 15_000, type: 'leak', severity: 'red', title: '燃气泄漏报警' }) }]);
    await waitFor(async () => ((await e.query('latest', { domain: 'gas', district: D2 })).columns['value']?.length ?? 0) > 0 || null, 'latest');
    const latestAt = async (at: number): Promise<unknown> => (await e.query('latest', { domain: 'gas', district: D2 }, undefined, at)).columns['value'];
    expect(await latestAt(t0 + 5_000)).toEqual([3]);
    expect(await latestAt(t0 + 10_000)).toEqual([4]);
    expect(await latestAt(t0 + 25_000)).toEqual([6]);
    expect(await latestAt(t0 - 1)).toEqual([]);
    const eventsAt = async (at: number): Promise<number> => (await e.query('events', { district: D2 }, undefined, at)).columns['id']?.length ?? 0;
    expect(await eventsAt(t0 + 14_999)).toBe(0);
    expect(await eventsAt(t0 + 15_000)).toBe(1);
    // the registry then: not yet there before its first version
    expect((await e.query('assets', { district: D2 }, undefined, t0 - 2_000)).columns['asset']).toEqual([]);
    expect((await e.query('assets', { district: D2 }, undefined, t0)).columns['asset']).toEqual(['q1']);
    const tl = await e.query('timeline', {});
    expect(tl.mode).toBe('live');
    expect(tl.markers.some((m) => m.kind === 'event' && m.level === 'red' && m.atMs === t0 + 15_000)).toBe(true);
    await suite.stopEngine(e);
  });
});

let engines = 0;
function engineOn(): Promise<Engine> {
  return suite.engineOn(config(`replay-${++engines}`));
}
