import { describe, expect, it } from 'vitest';
import { DOMAINS, SHIYAN_DISTRICTS } from '../../common/city.js';
import { decodeMessage } from '../../common/decode.js';
import type { FeedPublisher } from '../feeds/feedPublisher.js';
import { scenarioMarket } from './crowdedPlaces.js';
import { distanceM } from '../../common/incidents/affectedArea.js';
import { buildCity } from './city.js';
import { contains, loadDistrictShapes } from './geo.js';
import { CitySimulator, DEFAULT_SIM } from './simulator.js';

class Recorder implements FeedPublisher {
  readonly messages: { subject: string; data: Uint8Array }[] = [];
  publish(subject: string, data: Uint8Array): void {
    this.messages.push({ subject, data });
  }
  async flush(): Promise<void> {}
}

describe('the simulated city of Shiyan', () => {
  it('has the 8 real districts with their boundaries', () => {
    const shapes = loadDistrictShapes();
    expect(shapes.map((s) => s.code).sort()).toEqual(SHIYAN_DISTRICTS.map((d) => d.code).sort());
    // 十堰市政府 (Maojian) lies in Maojian, not in Zhuxi
    const maojian = shapes.find((s) => s.code === '420302');
    const zhuxi = shapes.find((s) => s.code === '420324');
    if (!maojian || !zhuxi) throw new Error('missing district');
    expect(contains(maojian, 110.7988, 32.6292)).toBe(true);
    expect(contains(zhuxi, 110.7988, 32.6292)).toBe(false);
  });

  it('places assets inside their own district and names their parties, but for the gaps a real registry has (摸清底数)', () => {
    const city = buildCity(600, 7);
    const shapes = new Map(loadDistrictShapes().map((s) => [s.code, s]));
    let misplaced = 0;
    let noApprover = 0;
    for (const a of city.assets) {
      const shape = shapes.get(a.district);
      if (!shape) throw new Error(`unknown district ${a.district}`);
      if (!contains(shape, a.record.lon, a.record.lat)) misplaced++;
      if (!a.record.approver) noApprover++;
      expect(a.record.owner && a.record.supervisor).toBeTruthy();
      // what the scenarios drive keeps its place and its sensors
      if (['regulator_station', 'bridge', 'river_gauge', 'manhole', 'pipe_monitor', 'road_segment'].includes(a.profile.kind)) {
        expect(contains(shape, a.record.lon, a.record.lat) && !a.silent).toBe(true);
      }
    }
    const share = (n: number): number => n / city.assets.length;
    expect(share(misplaced)).toBeGreaterThan(0.005);
    expect(share(misplaced)).toBeLessThan(0.06);
    expect(share(noApprover)).toBeGreaterThan(0.03);
    expect(share(noApprover)).toBeLessThan(0.12);
    expect(share(city.assets.filter((a) => a.silent).length)).toBeLessThan(0.08);
    expect(share(city.assets.filter((a) => a.inspectedDaysAgo === undefined).length)).toBeGreaterThan(0.1);
    expect(new Set(city.assets.map((a) => a.profile.domain))).toEqual(new Set(DOMAINS));
    expect(new Set(city.assets.map((a) => a.district)).size).toBe(8);
    expect(new Set(city.assets.map((a) => `${a.profile.domain}/${a.district}/${a.id}`)).size).toBe(city.assets.length);
  });

  it('is deterministic for a seed', async () => {
    const run = async (seed: number): Promise<string[]> => {
      const rec = new Recorder();
      const sim = new CitySimulator(buildCity(50, seed), rec, { ...DEFAULT_SIM, seed, rate: 2000, scenarios: ['gas-leak'] });
      for (let t = 0; t < 20; t++) await sim.tick(Date.UTC(2026, 5, 13, 0, 0, t), 1000);
      return rec.messages.map((m) => `${m.subject} ${new TextDecoder().decode(m.data)}`);
    };
    const a = await run(42);
    expect(a.length).toBeGreaterThan(50);
    expect(await run(42)).toEqual(a);
    expect(await run(43)).not.toEqual(a);
  });

  it('publishes only valid messages, at the rate asked, outside the malformed scenario', async () => {
    const rec = new Recorder();
    const city = buildCity(200, 1);
    const sim = new CitySimulator(city, rec, { ...DEFAULT_SIM, rate: 5000, scenarios: ['gas-leak', 'bridge-overload', 'flood', 'sensor-silent'], speed: 30 });
    const t0 = Date.now() - 20_000;
    await sim.publishRegistry(t0);
    for (let i = 1; i <= 10; i++) await sim.tick(t0 + i * 1000, 1000);
    let readings = 0;
    for (const m of rec.messages) {
      const d = decodeMessage(m.subject, m.data, Date.now());
      expect(d.kind, m.subject).not.toBe('rejected');
      if (d.kind === 'telemetry') {
        expect(d.rejections).toEqual([]);
        readings += d.readings.length;
      }
    }
    expect(readings).toBe(sim.stats.readings);
    // 10 s at 5000/s, less the silenced sensor's share
    expect(readings).toBeGreaterThan(45_000);
    expect(readings).toBeLessThanOrEqual(50_000);
    expect(sim.stats.events).toBeGreaterThan(0);
  });

  it('drives the flood scenario\'s river levels from the rain through the catchment: the rain first, the level after, the warning then the guaranteed level', async () => {
    const rec = new Recorder();
    const city = buildCity(200, 5);
    const sim = new CitySimulator(city, rec, { ...DEFAULT_SIM, rate: 400, scenarios: ['flood'], speed: 20, eventsPerMin: 0, inspectionsPerMin: 0 });
    const t0 = Date.now() - 120_000;
    // 60 ticks of 1 s at speed 20: 1,200 scenario seconds (the rain eases after 900)
    for (let i = 1; i <= 60; i++) await sim.tick(t0 + i * 1000, 1000);
    const points: { ts: number; metric: string; value: number }[] = [];
    for (const m of rec.messages.filter((x) => x.subject.startsWith('city.telemetry.flood.'))) {
      const d = decodeMessage(m.subject, m.data, Date.now());
      if (d.kind === 'telemetry') for (const r of d.readings) if (r.metric === 'river_level_m' || r.metric === 'rainfall_mm_h') points.push({ ts: r.tsMs, metric: r.metric, value: r.value });
    }
    const first = (metric: string, over: number): number => Math.min(...points.filter((p) => p.metric === metric && p.value >= over).map((p) => p.ts));
    // heavy rain comes before the level has risen, and the level crosses its warning level well after
    expect(first('rainfall_mm_h', 40)).toBeLessThan(first('river_level_m', 3.0));
    expect(first('river_level_m', 3.0)).toBeLessThan(first('river_level_m', 4.5));
    const levels = points.filter((p) => p.metric === 'river_level_m').map((p) => p.value);
    expect(Math.max(...levels)).toBeGreaterThan(5.5);
    // once the rain eases the level falls back from its peak
    const last = points.filter((p) => p.metric === 'river_level_m').sort((a, b) => a.ts - b.ts).at(-1);
    expect(last!.value).toBeLessThan(Math.max(...levels) - 0.3);
    const events = rec.messages.filter((m) => m.subject.startsWith('city.event.flood.')).map((m) => JSON.parse(new TextDecoder().decode(m.data)) as { severity: string; type: string });
    expect(events.filter((e) => e.type === 'flood').map((e) => e.severity)).toEqual(['orange', 'red']);
  });

  it('drives the gas-leak scenario through both alarm levels of GB/T 50493', async () => {
    const rec = new Recorder();
    const city = buildCity(100, 3);
    const sim = new CitySimulator(city, rec, { ...DEFAULT_SIM, rate: 200, scenarios: ['gas-leak'], speed: 10, eventsPerMin: 0, inspectionsPerMin: 0 });
    const t0 = Date.now() - 60_000;
    for (let i = 1; i <= 40; i++) await sim.tick(t0 + i * 1000, 1000);
    const values = rec.messages.filter((m) => m.subject.includes('regulator-station'))
      .flatMap((m) => {
        const d = decodeMessage(m.subject, m.data, Date.now());
        return d.kind === 'telemetry' ? d.readings.filter((r) => r.metric === 'lel_pct').map((r) => r.value) : [];
      });
    expect(Math.max(...values)).toBeGreaterThanOrEqual(50);
    const events = rec.messages.filter((m) => m.subject.startsWith('city.event.gas.'))
      .map((m) => JSON.parse(new TextDecoder().decode(m.data)) as { severity: string; asset: string });
    expect(events.filter((e) => e.asset.startsWith('regulator-station')).map((e) => e.severity)).toEqual(['blue', 'yellow', 'orange', 'red']);
    // the leak reaches a market (集贸市场): its detector crosses the second level and a red event names it
    const market = scenarioMarket(city.assets);
    const marketLel = rec.messages.filter((m) => m.subject.endsWith(`.${market?.id}`)).flatMap((m) => {
      const d = decodeMessage(m.subject, m.data, Date.now());
      return d.kind === 'telemetry' ? d.readings.filter((r) => r.metric === 'lel_pct').map((r) => r.value) : [];
    });
    expect(Math.max(...marketLel)).toBeGreaterThanOrEqual(50);
    expect(events.filter((e) => e.asset === market?.id).map((e) => e.severity)).toEqual(['red']);
  });

  it('places a school, a hospital and a pipeline near the gas-leak market, appended to the city; the market keeps its sensor', () => {
    const city = buildCity(100, 3);
    const market = scenarioMarket(city.assets);
    expect(market).toBeDefined();
    const added = city.assets.slice(-3);
    expect(added.map((a) => a.record.kind)).toEqual(['school', 'hospital', 'pipeline_monitor']);
    for (const a of added) expect(distanceM(a.record, market?.record ?? a.record)).toBeLessThan(800);
    expect(added.map((a) => Math.round(distanceM(a.record, market?.record ?? a.record) / 10) * 10)).toEqual([360, 570, 180]);
    // appended after the city is drawn; the market keeps its sensor
    expect(city.assets.length).toBe(103);
    expect(market?.silent).toBeUndefined();
  });

  it('silences the chosen sensor in the sensor-silent scenario', async () => {
    const rec = new Recorder();
    const city = buildCity(60, 5);
    const sim = new CitySimulator(city, rec, { ...DEFAULT_SIM, rate: 600, scenarios: ['sensor-silent'], eventsPerMin: 0, inspectionsPerMin: 0 });
    const t0 = Date.now() - 100_000;
    for (let i = 1; i <= 60; i++) await sim.tick(t0 + i * 1000, 1000);
    const silent = city.assets.find((a) => a.profile.kind === 'pipe_monitor');
    const times = rec.messages.filter((m) => m.subject.endsWith(`.${silent?.id}`)).length;
    expect(times).toBeGreaterThan(0);
    expect(times).toBeLessThanOrEqual(31);
  });

  it('drives the water-main-burst scenario: a burst, a road settlement and a gas alarm level within ~100 m, minutes apart', async () => {
    const rec = new Recorder();
    const city = buildCity(200, 9);
    const sim = new CitySimulator(city, rec, { ...DEFAULT_SIM, rate: 400, scenarios: ['water-main-burst'], speed: 10, eventsPerMin: 0, inspectionsPerMin: 0 });
    const t0 = Date.UTC(2026, 5, 13, 8, 0, 0);
    for (let i = 1; i <= 30; i++) await sim.tick(t0 + i * 1000, 1000);
    const events = rec.messages.filter((m) => m.subject.startsWith('city.event.'))
      .map((m) => ({ subject: m.subject, ...(JSON.parse(new TextDecoder().decode(m.data)) as { ts: string; type: string; severity: string; asset: string; lat: number; lon: number }) }));
    for (const m of rec.messages.filter((x) => x.subject.startsWith('city.event.'))) expect(decodeMessage(m.subject, m.data, Date.now()).kind).not.toBe('rejected');
    const burst = events.find((e) => e.type === 'pipe_burst');
    const road = events.find((e) => e.type === 'road_settlement');
    const gasEvent = events.find((e) => e.type === 'gas_leak');
    if (!burst || !road || !gasEvent) throw new Error(`missing events: ${events.map((e) => e.type).join()}`);
    expect(burst.subject).toMatch(/^city\.event\.water\./);
    expect(burst.severity).toBe('red');
    expect(road.subject).toMatch(/^city\.event\.road\./);
    expect(gasEvent.subject).toMatch(/^city\.event\.gas\./);
    const station = city.assets.find((a) => a.id === gasEvent.asset);
    if (!station) throw new Error('no gas asset');
    const metres = (a: { lat: number; lon: number }, b: { lat: number; lon: number }): number => {
      const rad = Math.PI / 180;
      const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
      return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
    };
    for (const e of [burst, road]) expect(metres(e, station.record)).toBeLessThan(100);
    expect(metres(burst, road)).toBeLessThan(100);
    // minutes apart, in that order (scenario time ×10: 10 s, 200 s and ~237 s)
    const at = (e: { ts: string }): number => Date.parse(e.ts);
    expect(at(road) - at(burst)).toBeGreaterThanOrEqual(3 * 60_000 / 10);
    expect(at(gasEvent)).toBeGreaterThan(at(road));
    // the gas readings cross the first alarm level (25 %LEL) at the station itself
    const lel = rec.messages.filter((m) => m.subject === `city.telemetry.gas.${station.district}.${station.id}`).flatMap((m) => {
      const d = decodeMessage(m.subject, m.data, Date.now());
      return d.kind === 'telemetry' ? d.readings.filter((r) => r.metric === 'lel_pct').map((r) => r.value) : [];
    });
    expect(Math.max(...lel)).toBeGreaterThanOrEqual(25);
  });
});
