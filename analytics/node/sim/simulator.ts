import { readFileSync } from 'node:fs';
import { ChecklistsSchema } from '../../common/checklists.js';
import { dataPath } from '../paths.js';
import { assetSubject, eventSubject, inspectionSubject, permitSubject, telemetrySubject } from '../../common/subjects.js';
import { cityPermits, type SimPermits } from './cityPermits.js';
import type { Inspection } from '../../common/feedSchemas.js';
import type { FeedPublisher } from '../feeds/feedPublisher.js';
import type { City, SimAsset } from './city.js';
import { malformedSamples } from '../../common/malformedSamples.js';
import { rhythm } from './profiles.js';
import { Rng } from './rng.js';
import { scenarioStep, type ScenarioEffect, type ScenarioName } from './scenarios.js';

export interface SimOptions {
  /** Readings per second across the city. */
  rate: number;
  seed: number;
  scenarios: ScenarioName[];
  /** Scenario seconds per real second. */
  speed: number;
  tickMs: number;
  /** Routine events and inspection findings per minute. */
  eventsPerMin: number;
  inspectionsPerMin: number;
  /** Re-publish the registry this often (newest record wins). */
  registryEveryMs: number;
}

export const DEFAULT_SIM: SimOptions = {
  rate: 1000, seed: 613, scenarios: [], speed: 1, tickMs: 100, eventsPerMin: 6, inspectionsPerMin: 12, registryEveryMs: 600_000,
};

export interface SimStats {
  readings: number;
  messages: number;
  events: number;
  inspections: number;
  assets: number;
  malformed: number;
}

const enc = new TextEncoder();
const MAX_ARRAY = 1000;

const ROUTINE_EVENTS = [
  { type: 'citizen_report', severity: 'blue', title: '市民热线：路面井盖松动' },
  { type: 'citizen_report', severity: 'blue', title: '市民热线：路灯不亮' },
  { type: 'patrol', severity: 'blue', title: '巡查发现：占道施工未设围挡' },
  { type: 'device', severity: 'yellow', title: '监测终端通信中断后恢复' },
  { type: 'citizen_report', severity: 'yellow', title: '市民热线：小区楼道闻到异味' },
] as const;

/** The inspection items of the bundled checklists (data/checklists.json), by domain. */
const CHECK_ITEMS: Record<string, string[]> = Object.fromEntries(
  ChecklistsSchema.parse(JSON.parse(readFileSync(dataPath('checklists.json'), 'utf8'))).map((c) => [c.domain, c.items.map((i) => i.zh)]),
);

/**
 * The simulated city of Shiyan publishing its feeds: readings with daily rhythms and noise, the
 * asset registry, routine events and inspection findings, and the scenarios on top. Deterministic
 * for a seed (values and ids depend on the seed and the sample times only).
 */
export class CitySimulator {
  readonly stats: SimStats = { readings: 0, messages: 0, events: 0, inspections: 0, assets: 0, malformed: 0 };
  private readonly rng: Rng;
  private readonly level = new Map<string, number>();
  private carry = 0;
  private timer: NodeJS.Timeout | null = null;
  private scenarioT = 0;
  private lastRegistryMs = 0;
  private readonly steps: ReturnType<typeof scenarioStep>[];
  private eventSeq = 0;
  private busy = false;
  private readonly series: number;
  /** The buildings' and construction sites' permits (the permit chain), published with the registry. */
  private readonly permits: Map<string, SimPermits>;

  constructor(private readonly city: City, private readonly out: FeedPublisher, private readonly o: SimOptions = DEFAULT_SIM) {
    this.rng = new Rng(o.seed ^ 0x5eed);
    this.permits = cityPermits(city);
    this.steps = o.scenarios.map((s) => scenarioStep(s, city.assets));
    // the rate asked is shared by the sensors that report (a never-connected one takes no share)
    this.series = city.assets.reduce((n, a) => n + (a.silent ? 0 : a.profile.metrics.length), 0);
  }

  async publishRegistry(nowMs: number): Promise<void> {
    const first = this.lastRegistryMs === 0;
    for (const a of this.city.assets) {
      await this.out.publish(assetSubject(a.profile.domain, a.district, a.id), enc.encode(JSON.stringify({ ...a.record, ts: new Date(nowMs).toISOString() })));
      this.stats.assets++;
      this.stats.messages++;
      const permits = this.permits.get(a.id);
      if (permits) {
        await this.out.publish(permitSubject(a.profile.domain, a.district, a.id), enc.encode(JSON.stringify({ ts: new Date(nowMs).toISOString(), ...permits })));
        this.stats.messages++;
      }
    }
    this.lastRegistryMs = nowMs;
    // the first time, each asset's last routine inspection before the simulation (the baseline's history)
    if (first) for (const a of this.city.assets) if (a.inspectedDaysAgo !== undefined) await this.publishPastInspection(a, nowMs - a.inspectedDaysAgo * 86_400_000);
  }

  private async publishPastInspection(a: SimAsset, tsMs: number): Promise<void> {
    const items = CHECK_ITEMS[a.profile.domain] ?? ['设施外观与标识', '安全防护设施', '应急预案与演练'];
    const ins: Inspection = {
      id: `insp-${this.o.seed}-${a.id}-routine`, ts: new Date(tsMs).toISOString(), asset: a.id, item: items[0] as string, result: 'pass', inspector: '例行巡检',
    };
    await this.out.publish(inspectionSubject(a.profile.domain, a.district), enc.encode(JSON.stringify(ins)));
    this.stats.inspections++;
    this.stats.messages++;
  }

  start(): void {
    if (this.timer) return;
    let last = Date.now();
    this.timer = setInterval(() => {
      if (this.busy) return;
      const now = Date.now();
      const dt = now - last;
      last = now;
      this.busy = true;
      this.tick(now, dt).catch((e: unknown) => console.error('simulator:', e)).finally(() => (this.busy = false));
    }, this.o.tickMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One step of `dtMs` ending at `nowMs`. */
  async tick(nowMs: number, dtMs: number): Promise<void> {
    if (nowMs - this.lastRegistryMs >= this.o.registryEveryMs) await this.publishRegistry(nowMs);
    const prevT = this.scenarioT;
    this.scenarioT += (dtMs / 1000) * this.o.speed;
    const fx: ScenarioEffect = { overrides: new Map(), silenced: new Set(), events: [], malformedBurst: false };
    for (const step of this.steps) step(this.scenarioT, prevT, fx);

    // readings: spread this tick's share of the rate evenly over every series
    const perSeries = (this.o.rate * dtMs) / 1000 / Math.max(1, this.series) + this.carry;
    const k = Math.floor(perSeries);
    this.carry = perSeries - k;
    if (k > 0) {
      for (const a of this.city.assets) {
        if (fx.silenced.has(a.id) || a.silent) continue;
        await this.publishReadings(a, k, nowMs, dtMs, fx.overrides.get(a.id));
      }
    } else if (this.carry > 0) {
      // low rates: a random subset of assets reports this tick
      for (const a of this.city.assets) {
        if (!fx.silenced.has(a.id) && !a.silent && this.rng.next() < perSeries) await this.publishReadings(a, 1, nowMs, dtMs, fx.overrides.get(a.id));
      }
      this.carry = 0;
    }

    for (const e of fx.events) await this.publishEvent(e.asset, e.event, nowMs);
    if (this.rng.next() < (this.o.eventsPerMin * dtMs) / 60_000) {
      const a = this.rng.pick(this.city.assets);
      const r = this.rng.pick(ROUTINE_EVENTS);
      await this.publishEvent(a, { type: r.type, severity: r.severity, title: `${a.record.name}：${r.title}`, asset: a.id, lat: a.record.lat, lon: a.record.lon }, nowMs);
    }
    if (this.rng.next() < (this.o.inspectionsPerMin * dtMs) / 60_000) await this.publishInspection(nowMs);
    if (fx.malformedBurst) {
      for (const s of malformedSamples(nowMs, `sim${this.o.seed}-${nowMs}`)) {
        await this.out.publish(s.subject, s.data);
        this.stats.malformed += s.rows;
        this.stats.readings += s.validReadings;
        this.stats.messages++;
      }
    }
  }

  private value(a: SimAsset, i: number, tsMs: number): number {
    const p = a.profile.metrics[i];
    if (!p) return 0;
    const key = `${a.id}/${p.metric}`;
    // mean-reverting noise around the daily rhythm
    const dev = (this.level.get(key) ?? 0) * 0.9 + p.noise * this.rng.gauss() * 0.45;
    this.level.set(key, dev);
    const v = Math.min(p.max, Math.max(p.min, rhythm(p, tsMs) + dev));
    const f = 10 ** p.decimals;
    return Math.round(v * f) / f;
  }

  private async publishReadings(a: SimAsset, k: number, nowMs: number, dtMs: number, forced?: Map<string, number>): Promise<void> {
    const readings: object[] = [];
    const metrics = a.profile.metrics;
    for (let s = 0; s < k; s++) {
      const ts = Math.round(nowMs - dtMs + ((s + 1) * dtMs) / k);
      for (let i = 0; i < metrics.length; i++) {
        const p = metrics[i];
        if (!p) continue;
        const f = forced?.get(p.metric);
        readings.push({ id: `${a.id}.${p.metric}.${ts}`, ts, metric: p.metric, value: f ?? this.value(a, i, ts), unit: p.unit });
      }
    }
    const subject = telemetrySubject(a.profile.domain, a.district, a.id);
    for (let off = 0; off < readings.length; off += MAX_ARRAY) {
      const part = readings.slice(off, off + MAX_ARRAY);
      await this.out.publish(subject, enc.encode(JSON.stringify(part.length === 1 ? part[0] : part)));
      this.stats.messages++;
      this.stats.readings += part.length;
    }
  }

  private async publishEvent(a: SimAsset, e: object, nowMs: number): Promise<void> {
    const id = `ev-${this.o.seed}-${nowMs}-${this.eventSeq++}`;
    await this.out.publish(eventSubject(a.profile.domain, a.district), enc.encode(JSON.stringify({ id, ts: new Date(nowMs).toISOString(), ...e })));
    this.stats.events++;
    this.stats.messages++;
  }

  private async publishInspection(nowMs: number): Promise<void> {
    const a = this.rng.pick(this.city.assets);
    const items = CHECK_ITEMS[a.profile.domain] ?? ['设施外观与标识', '安全防护设施', '应急预案与演练'];
    const fail = this.rng.next() < 0.15;
    const ins: Inspection = {
      id: `insp-${this.o.seed}-${nowMs}-${this.eventSeq++}`, ts: new Date(nowMs).toISOString(), asset: a.id,
      item: this.rng.pick(items), result: fail ? 'fail' : 'pass', inspector: this.rng.pick(['王建国', '李红', '张伟', '刘洋', '陈静']),
      ...(fail ? { level: this.rng.next() < 0.2 ? 'major' : 'general', note: '现场发现问题，已拍照留存' } : {}),
    };
    await this.out.publish(inspectionSubject(a.profile.domain, a.district), enc.encode(JSON.stringify(ins)));
    this.stats.inspections++;
    this.stats.messages++;
  }
}
