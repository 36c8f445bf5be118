import { writeFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { connectNats } from '../../analytics/node/feeds/natsConnect.js';
import { launchChromium, openWall } from '../testing/browser.js';
import { builtCli, EngineProcess } from '../testing/engineProcess.js';
import { tempDir, waitFor } from '../testing/harness.js';
import { freePort, NatsServerProcess } from '../../analytics/node/feeds/natsServerProcess.js';
import { round, weightedPercentile } from './stats.js';
import { ControlRoomState } from '../../analytics/common/ops/controlRoomState.js';
import { AlarmService, loadAlarmRules } from '../../analytics/node/ops/alarmService.js';
import { dataPath } from '../../analytics/node/paths.js';
import { Batch } from '../../analytics/node/store/batch.js';

const enc = new TextEncoder();
const WALL = 'alarm-bench-wall-token-0123456789';

/**
 * Threshold crossing → on the wall. A real `cityops serve` ingests `rate` readings/s of gas
 * concentrations below every setpoint; every `everyMs` one reading of a fresh detector crosses the
 * second level (50 %LEL). The wall page in Chromium notes, with the same system clock, when each
 * new alarm arrives in its alarm store: that minus the publish time is the latency.
 */
export interface Audience {
  /** Chromium walls (the first one's figures are the bench's p50/p99). */
  walls: number;
  /** Plain engine-API clients subscribing as a wall does (ops, events, feeds, health). */
  clients: number;
  /** One more client that subscribes and then never reads its socket. */
  stuck: boolean;
}

export async function alarmBench(rate: number, seconds: number, everyMs = 250, audience: Audience = { walls: 1, clients: 0, stuck: false }): Promise<Record<string, number>> {
  const server = await NatsServerProcess.start();
  const tmp = tempDir('cityops-bench-');
  const devices = `${tmp.dir}/devices.json`;
  writeFileSync(devices, JSON.stringify([{ device: 'wall-1', role: 'wall', token: WALL }]));
  const engine = await EngineProcess.start(builtCli(), ['--nats', server.url, '--db', `${tmp.dir}/alarm.duckdb`, '--port', String(await freePort()), '--devices', devices]);
  const nc = await connectNats({ url: server.url, name: 'alarm bench feed' });
  const browser = await launchChromium();
  try {
    await waitFor(async () => (await engine.health()).ok, 'engine connected');
    const pages = [];
    for (let w = 0; w < Math.max(1, audience.walls); w++) {
      const { page: p } = await openWall(browser, `${engine.url}/?screen=overview&debug=1#token=${WALL}`);
      await p.waitForFunction(() => (globalThis as unknown as { __cityops?: { ops: { snapshot: unknown } } }).__cityops?.ops.snapshot != null);
      await p.evaluate(() => {
        const g = globalThis as unknown as { __seen: Record<string, number>; __cityops: { ops: { onNewAlarm(fn: (a: { point: string }) => void): void } } };
        g.__seen = {};
        g.__cityops.ops.onNewAlarm((a) => { g.__seen[a.point] ??= Date.now(); });
      });
      pages.push(p);
    }
    const page = pages[0] as (typeof pages)[number];
    // the other screens: plain API clients subscribing as a wall does, each noting when it first saw each alarm
    const wsUrl = `${(engine.url ?? '').replace(/^http/, 'ws')}/api/ws?token=${WALL}`;
    const clientSeen: Map<string, number>[] = [];
    const clients: WebSocket[] = [];
    const subscribeLikeAWall = (c: WebSocket): void => {
      c.send(JSON.stringify({ t: 'subscribe', id: 1, topic: 'ops', params: {} }));
      c.send(JSON.stringify({ t: 'subscribe', id: 2, topic: 'events', params: {} }));
      c.send(JSON.stringify({ t: 'subscribe', id: 3, topic: 'feeds', params: { intervalMs: 2000 } }));
      c.send(JSON.stringify({ t: 'subscribe', id: 4, topic: 'health', params: { intervalMs: 1000 } }));
    };
    for (let i = 0; i < audience.clients; i++) {
      const seen = new Map<string, number>();
      const c = new WebSocket(wsUrl);
      c.on('message', (d: Buffer) => {
        const m = JSON.parse(d.toString()) as { t: string; data?: { alarms?: { point: string }[] } };
        if (m.t === 'hello') subscribeLikeAWall(c);
        const at = Date.now();
        if (m.t === 'push') for (const a of m.data?.alarms ?? []) if (!seen.has(a.point)) seen.set(a.point, at);
      });
      clientSeen.push(seen);
      clients.push(c);
    }
    let stuck: WebSocket | null = null;
    if (audience.stuck) {
      const c = new WebSocket(wsUrl);
      c.on('message', (d: Buffer) => {
        if ((JSON.parse(d.toString()) as { t: string }).t !== 'hello') return;
        subscribeLikeAWall(c);
        // from here on it never reads: the engine's buffers for it fill, and it must not slow the others
        (c as unknown as { _socket: { pause(): void } })._socket.pause();
      });
      stuck = c;
    }
    // the same pushes seen by a plain client of the engine API, to tell the engine's part from the browser's
    const socketSeen = new Map<string, number>();
    const ws = new WebSocket(`${(engine.url ?? '').replace(/^http/, 'ws')}/api/ws?token=${WALL}`);
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { t: string; data?: { alarms?: { point: string }[] } };
      if (m.t === 'hello') ws.send(JSON.stringify({ t: 'subscribe', id: 1, topic: 'ops', params: {} }));
      const at = Date.now();
      if (m.t === 'push') for (const a of m.data?.alarms ?? []) if (!socketSeen.has(a.point)) socketSeen.set(a.point, at);
    });
    const published = new Map<string, number>();
    const perMessage = 20;
    const tickMs = 10;
    let sent = 0;
    let carry = 0;
    let crossings = 0;
    let nextCrossing = Date.now() + 2000;
    const t0 = Date.now();
    while (Date.now() - t0 < seconds * 1000 + 2000) {
      carry += (rate * tickMs) / 1000;
      while (carry >= perMessage) {
        const now = Date.now();
        const arr = Array.from({ length: perMessage }, (_, k) => ({ id: `b${sent + k}`, ts: now, metric: 'lel_pct', value: ((sent + k) % 200) / 10 }));
        nc.publish(`city.telemetry.gas.420303.bg${(sent / perMessage) % 500}`, enc.encode(JSON.stringify(arr)));
        sent += perMessage;
        carry -= perMessage;
      }
      const now = Date.now();
      if (now >= nextCrossing && now - t0 < seconds * 1000 + 2000) {
        const asset = `x${crossings++}`;
        published.set(`gas/420302/${asset}#gas.lel.level2`, now);
        nc.publish(`city.telemetry.gas.420302.${asset}`, enc.encode(JSON.stringify({ id: `c-${asset}`, ts: now, metric: 'lel_pct', value: 60 })));
        nextCrossing += everyMs;
      }
      await new Promise((r) => setTimeout(r, tickMs));
    }
    await nc.flush();
    await new Promise((r) => setTimeout(r, 2000));
    const seen = await page.evaluate(() => (globalThis as unknown as { __seen: Record<string, number> }).__seen);
    const samples = [...published].filter(([p]) => seen[p] !== undefined).map(([p, at]) => ({ value: (seen[p] as number) - at, weight: 1 }));
    const wallP99: number[] = [];
    for (const p of pages) {
      const s2 = await p.evaluate(() => (globalThis as unknown as { __seen: Record<string, number> }).__seen);
      wallP99.push(weightedPercentile([...published].filter(([pt]) => s2[pt] !== undefined).map(([pt, at]) => ({ value: (s2[pt] as number) - at, weight: 1 })), 99));
    }
    const clientSamples = clientSeen.flatMap((m) => [...published].filter(([p]) => m.has(p)).map(([p, at]) => ({ value: (m.get(p) as number) - at, weight: 1 })));
    const clientsComplete = clientSeen.filter((m) => [...published.keys()].every((p) => m.has(p))).length;
    for (const c of clients) c.close();
    stuck?.terminate();
    const health = await engine.health();
    const atSocket = [...published].filter(([p]) => socketSeen.has(p)).map(([p, at]) => ({ value: (socketSeen.get(p) as number) - at, weight: 1 }));
    ws.close();
    return {
      rate, seconds, crossings, arrived: samples.length, readingsStored: health.ingest.stored,
      socketP50Ms: round(weightedPercentile(atSocket, 50)), socketP99Ms: round(weightedPercentile(atSocket, 99)),
      p50Ms: round(weightedPercentile(samples, 50)), p99Ms: round(weightedPercentile(samples, 99)), maxMs: round(Math.max(...samples.map((s) => s.value))),
      ...(audience.walls > 1 || audience.clients > 0 ? {
        walls: pages.length, wallsWorstP99Ms: round(Math.max(...wallP99)), clients: audience.clients, clientsWithEveryAlarm: clientsComplete,
        clientsP50Ms: round(weightedPercentile(clientSamples, 50)), clientsP99Ms: round(weightedPercentile(clientSamples, 99)),
        stuckClient: audience.stuck ? 1 : 0, serverHandlerErrors: (health as unknown as { server: { handlerErrors: number } }).server.handlerErrors,
      } : {}),
    };
  } finally {
    await browser.close();
    await nc.close();
    await engine.kill('SIGTERM');
    await server.dispose();
    tmp.remove();
  }
}

/**
 * Alarm evaluation alone, in the engine's own batch form: how many readings per second one core
 * judges against the rules (every reading here is of a watched metric, the worst case).
 */
export function evaluationBench(readings: number): Record<string, number> {
  const state = new ControlRoomState();
  const service = new AlarmService(loadAlarmRules(dataPath('alarm-rules.json')), state);
  const t0 = Date.now() - 3_600_000;
  let elapsed = 0;
  let transitions = 0;
  for (let done = 0; done < readings; done += 20_000) {
    const b = new Batch();
    for (let i = 0; i < 20_000; i++) {
      const n = done + i;
      b.readings.push({ id: `e${n}`, tsMs: t0 + Math.floor(n / 1000) * 1000, metric: 'lel_pct', value: (n * 7) % 60, unit: '%LEL', quality: 'good' }, 'gas', '420303', `a${n % 1000}`, null);
    }
    const s = performance.now();
    service.evaluate(b);
    elapsed += performance.now() - s;
    transitions += b.alarms.length;
  }
  return { readings, transitions, evaluatedPerS: Math.round(readings / (elapsed / 1000)), nsPerReading: round((elapsed * 1e6) / readings) };
}
