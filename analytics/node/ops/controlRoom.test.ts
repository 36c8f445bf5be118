import { describe, expect, it } from 'vitest';
import type { OpsAction, Role } from '../../common/ops/opsEvents.js';
import type { Engine, EngineConfig } from '../engine.js';
import { Database } from '../store/database.js';
import { engineSuite } from '../../../dev/testing/engineSuite.js';
import { waitFor } from '../../../dev/testing/harness.js';
import { AckedPublisher, type PublishedMessage } from '../../../dev/testing/jsPublisher.js';
import { ActionRefused } from './actionPrecheck.js';

const suite = engineSuite();
const D = '420302';
const config = (name: string, over: Partial<EngineConfig> = {}): EngineConfig => suite.config(over, name);
const engineOn = (cfg: EngineConfig): Promise<Engine> => suite.engineOn(cfg);

let tag = 0;
function cityMessages(assets: string[], lel: number, tsMs: number): PublishedMessage[] {
  const t = ++tag;
  return assets.flatMap((a) => [
    { subject: `city.asset.gas.${D}.${a}`, body: JSON.stringify({ id: a, ts: tsMs - 60_000, name: `调压站 ${a}`, kind: 'regulator', lat: 32.6, lon: 110.8, owner: `燃气公司 ${a}`, supervisor: '市城管局', approver: '市住建局' }), msgId: `asset-${t}-${a}` },
    { subject: `city.telemetry.gas.${D}.${a}`, body: JSON.stringify({ id: `r-${t}-${a}`, ts: tsMs, metric: 'lel_pct', value: lel }), msgId: `r-${t}-${a}` },
  ]);
}

async function publish(msgs: PublishedMessage[]): Promise<void> {
  await new AckedPublisher(suite.nc).publishAll(msgs);
}

const act = (e: Engine, a: OpsAction, device = 'console-1', role: Role = 'shift_leader') => e.controlRoom.submit(a, device, role);

describe('the closed loop in the engine', () => {
  it('a reading above the second level raises a latching critical alarm with the data; acknowledging goes through the stream; a restart keeps both', async () => {
    const cfg = config('one');
    let e = await engineOn(cfg);
    const now = Date.now();
    await publish(cityMessages(['g1'], 62, now));
    const point = `gas/${D}/g1#gas.lel.level2`;
    const raised = await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 100 }).find((a) => a.point === point), 'the level-2 alarm');
    expect(raised).toMatchObject({ priority: 'critical', state: 'unack', active: true, raisedAtMs: now, value: 62 });
    expect(e.controlRoom.alarmList({ all: true, limit: 100 }).map((a) => a.rule).sort()).toEqual(['gas.lel.level1', 'gas.lel.level2']);

    const ev = await act(e, { kind: 'alarm.ack', point, raisedAtMs: now });
    expect(e.controlRoom.actionStream.pendingActions().map((p) => p.id)).toContain(ev.id);
    await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 100 }).find((a) => a.point === point && a.state === 'ack'), 'acknowledged from the stream');
    expect(e.controlRoom.actionStream.pendingActions()).toEqual([]);
    expect(e.controlRoom.alarmList({ all: true, limit: 100 }).find((a) => a.point === point)?.ackedBy).toBe('console-1');

    // a wall may not acknowledge: refused before anything is written
    await expect(act(e, { kind: 'alarm.ack', point, raisedAtMs: now }, 'wall-1', 'wall')).rejects.toThrow(ActionRefused);

    await suite.stopEngine(e);
    e = await engineOn(cfg);
    await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 100 }).find((a) => a.point === point && a.state === 'ack'), 'state restored after restart');
    await suite.stopEngine(e);
    const db = await Database.open(cfg.db);
    try {
      const rows = await db.queryRows('SELECT count(*)::INTEGER AS n FROM alarm_log');
      expect(rows[0]?.['n']).toBe(2); // level 1 and level 2 raised once each, not again on restart
      // the operator action log holds the acknowledgement once, although the restart read the stream again
      const log = await db.queryRows('SELECT id, kind, device, role, ok, epoch_ms(ts)::BIGINT AS ts FROM ops_log');
      expect(log).toEqual([{ id: ev.id, kind: 'alarm.ack', device: 'console-1', role: 'shift_leader', ok: true, ts: ev.ts }]);
    } finally {
      db.close();
    }
  });

  it('a lost OPS stream is rebuilt from the engine\'s outbox: acknowledgements survive', async () => {
    const cfg = config('lost');
    let e = await engineOn(cfg);
    const now = Date.now();
    await publish(cityMessages(['L1'], 61, now));
    const point = `gas/${D}/L1#gas.lel.level2`;
    await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 1000 }).find((a) => a.point === point), 'alarm');
    await act(e, { kind: 'alarm.ack', point, raisedAtMs: now });
    await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 1000 }).find((a) => a.point === point && a.state === 'ack'), 'acknowledged');
    await suite.stopEngine(e);
    const { jetstreamManager } = await import('@nats-io/jetstream');
    await (await jetstreamManager(suite.nc)).streams.delete('OPS');
    e = await engineOn(cfg);
    await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 1000 }).find((a) => a.point === point && a.state === 'ack'), 'acknowledgement back after the stream was lost');
    expect(e.controlRoom.actionStream.status().lastError ?? '').toMatch(/republishing this engine's \d+ operator action/);
  });

  it('a major hazard is not dispatched without the five fixed items; the case runs to closed and the risk colour follows', async () => {
    const e = await engineOn(config('loop'));
    const now = Date.now();
    await publish(cityMessages(['g7'], 70, now));
    const point = `gas/${D}/g7#gas.lel.level2`;
    await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 100 }).find((a) => a.point === point), 'alarm');
    // gas (severity 5) × likelihood 3 (baseline 1, +2 for a standing critical alarm) = 15: red
    await waitFor(() => e.controlRoom.riskList({ limit: 5000 }).assets.find((r) => r.asset === 'g7' && r.colour === 'red'), 'risk raised by the critical alarm');
    await act(e, { kind: 'hazard.raise', hazard: 'hz-g7', grade: 'major', title: '燃气泄漏', domain: 'gas', district: D, asset: 'g7', fromAlarm: { point, raisedAtMs: now }, responsible: { owner: null, supervisor: null, approver: null } });
    const h = await waitFor(() => e.controlRoom.state.hazards.get('hz-g7'), 'hazard raised');
    expect(h.responsible).toEqual({ owner: '燃气公司 g7', supervisor: '市城管局', approver: '市住建局' });
    const withCase = await waitFor(() => e.controlRoom.riskList({ limit: 5000 }).assets.find((r) => r.asset === 'g7' && r.likelihood === 5), 'likelihood up with an open major hazard');
    expect(withCase.reasons.join(' ')).toMatch(/open major hazard/);
    await expect(act(e, { kind: 'hazard.dispatch', hazard: 'hz-g7', assignee: '燃气公司 g7', deadlineMs: now + 86_400_000 })).rejects.toThrow(/five fixed items/);
    const five = { measures: '关阀、通风、更换调压器', funds: '2万元', deadlineMs: now + 86_400_000, responsiblePerson: '张工', contingencyPlan: '燃气泄漏专项预案' };
    await act(e, { kind: 'hazard.dispatch', hazard: 'hz-g7', assignee: '燃气公司 g7', deadlineMs: now + 86_400_000, fiveItems: five });
    await waitFor(() => e.controlRoom.state.hazards.get('hz-g7')?.stage === 'dispatched' || null, 'dispatched');
    await act(e, { kind: 'hazard.start', hazard: 'hz-g7' });
    await waitFor(() => e.controlRoom.state.hazards.get('hz-g7')?.stage === 'rectifying' || null, 'rectifying');
    await act(e, { kind: 'hazard.report', hazard: 'hz-g7', note: '已更换' });
    await waitFor(() => e.controlRoom.state.hazards.get('hz-g7')?.stage === 'verifying' || null, 'verifying');
    await act(e, { kind: 'hazard.verify', hazard: 'hz-g7', passed: true, note: '复查合格' });
    await waitFor(() => e.controlRoom.state.hazards.get('hz-g7')?.stage === 'closed' || null, 'closed');
    // the reading returns to normal; after the off-delay the alarm clears, is reset, and the colour falls
    await publish(cityMessages(['g7'], 1, now + 40_000).filter((m) => m.subject.startsWith('city.telemetry')));
    await publish(cityMessages(['g7'], 1, now + 80_000).filter((m) => m.subject.startsWith('city.telemetry')));
    await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 100 }).find((a) => a.point === point && a.state === 'unack' && !a.active), 'latched, unacknowledged');
    await act(e, { kind: 'alarm.ack', point, raisedAtMs: now });
    await act(e, { kind: 'alarm.reset', point, raisedAtMs: now });
    await waitFor(() => e.controlRoom.riskList({ limit: 5000 }).assets.find((r) => r.asset === 'g7' && r.colour === 'yellow'), 'risk back down to the baseline');
    const changes = e.controlRoom.riskChanges({ key: `gas/${D}/g7`, limit: 10 });
    // newest first: it turned red with the alarm (first seen in the same batch as its registry record) and fell back to yellow
    expect(changes.map((c) => [c.from, c.to])).toEqual([['red', 'yellow'], [null, 'red']]);
    expect(changes[1]?.reasons.join(' ')).toMatch(/critical alarm/);
  });

  it('a failed inspection item raises a hazard to the asset\'s parties; the checklist progress counts it by domain, district and item', async () => {
    const e = await engineOn(config('checklist'));
    const now = Date.now();
    const d2 = '420303';
    const msgs = cityMessages(['k1', 'k2'], 1, now).filter((m) => m.subject.startsWith('city.asset')).map((m) => ({ ...m, subject: m.subject.replace(`.${D}.`, `.${d2}.`) }));
    msgs.push({ subject: `city.inspection.gas.${d2}`, msgId: 'insp-k1', body: JSON.stringify({ id: 'k1-lpg-1', ts: now - 1000, asset: 'k1', item: '瓶装液化石油气使用安全', result: 'fail', level: 'major', note: '钢瓶超期未检', inspector: '王建国' }) });
    msgs.push({ subject: `city.inspection.gas.${d2}`, msgId: 'insp-k2', body: JSON.stringify({ id: 'k2-eq-1', ts: now - 1000, asset: 'k2', item: '燃气设施设备安全运行', result: 'pass', inspector: '李红' }) });
    await publish(msgs);
    const h = await waitFor(() => e.controlRoom.state.hazards.get('insp-k1-lpg-1'), 'hazard from the failed inspection');
    expect(h).toMatchObject({ grade: 'major', stage: 'found', title: '瓶装液化石油气使用安全：钢瓶超期未检', responsible: { owner: '燃气公司 k1', supervisor: '市城管局', approver: '市住建局' } });
    const [row] = await e.controlRoom.checklistProgress({ days: 30, domain: 'gas', district: d2 });
    expect(row).toMatchObject({ domain: 'gas', district: d2, assets: 2, inspectedAssets: 2, findings: 2, failed: 1, openHazards: 1 });
    expect(row?.items.find((i) => i.id === 'gas.lpg')).toMatchObject({ checked: 1, failed: 1 });
    expect(row?.items.find((i) => i.id === 'gas.equipment')).toMatchObject({ checked: 1, failed: 0 });
  });

  it('two engines on one NATS converge after random interleaved actions and a cut link', async () => {
    const a = await engineOn(config('a'));
    const b = await engineOn(config('b'));
    const now = Date.now();
    const assets = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    await publish(cityMessages(assets, 55, now));
    for (const e of [a, b]) await waitFor(() => e.controlRoom.alarmList({ all: true, limit: 1000 }).filter((x) => assets.includes(x.asset)).length === 12 || null, 'all alarms on both');
    let seed = 42;
    const rnd = (n: number): number => {
      // mulberry32: a small, well-spread generator so the test is the same on every run
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) / 4294967296 * n) | 0;
    };
    const points = assets.flatMap((x) => [`gas/${D}/${x}#gas.lel.level1`, `gas/${D}/${x}#gas.lel.level2`]);
    const randomAction = (i: number): OpsAction => {
      const p = points[rnd(points.length)] as string;
      const hz = `hz-c${rnd(3)}`;
      switch (rnd(8)) {
        case 0: return { kind: 'alarm.ack', point: p, raisedAtMs: now };
        case 1: return { kind: 'alarm.shelve', point: p, reason: `shelved ${i}`, forMs: 3_600_000 };
        case 2: return { kind: 'alarm.unshelve', point: p };
        case 3: return { kind: 'hazard.raise', hazard: hz, grade: 'general', title: `case ${i}`, domain: 'gas', district: D, asset: hz.replace('hz-', ''), fromAlarm: null, responsible: { owner: null, supervisor: null, approver: null } };
        case 4: return { kind: 'hazard.dispatch', hazard: hz, assignee: `team ${i}`, deadlineMs: now + 3_600_000 };
        case 5: return { kind: 'hazard.start', hazard: hz };
        case 6: return { kind: 'hazard.comment', hazard: hz, text: `comment ${i}` };
        default: return { kind: 'alarm.silence', point: p, raisedAtMs: now };
      }
    };
    const fire = async (n: number, from: number): Promise<number> => {
      let sent = 0;
      await Promise.all([a, b].map(async (e, k) => {
        for (let i = 0; i < n; i++) {
          try {
            await act(e, randomAction(from + i * 2 + k), k === 0 ? 'console-1' : 'console-2');
            sent++;
          } catch (err) {
            if (!(err instanceof ActionRefused)) throw err;
          }
        }
      }));
      return sent;
    };
    const before = await fire(40, 0);
    await suite.server.stop('SIGKILL');
    const during = await fire(20, 1000);
    expect(a.controlRoom.actionStream.pendingActions().length + b.controlRoom.actionStream.pendingActions().length).toBeGreaterThan(0);
    await suite.server.restart();
    for (const e of [a, b]) await waitFor(() => e.controlRoom.actionStream.pendingActions().length === 0 || null, 'outbox flushed after the link returned', 60_000);
    await waitFor(() => a.controlRoom.actionStream.status().lastSeq === b.controlRoom.actionStream.status().lastSeq && a.controlRoom.actionStream.status().lastSeq > 0 || null, 'both read the whole stream');
    const at = Date.now();
    const view = (e: Engine): unknown => ({
      alarms: e.controlRoom.state.alarms(at),
      hazards: e.controlRoom.state.hazardList(at),
      risks: (e.controlRoom.refreshRisk(at, true), e.controlRoom.riskList({ limit: 5000 })),
    });
    expect(before + during).toBeGreaterThan(20);
    expect(a.controlRoom.state.hazards.size).toBeGreaterThan(0);
    expect(view(a)).toEqual(view(b));
  });
});
