import type { CityEvent } from '../../common/feedSchemas.js';
import type { SimAsset } from './city.js';
import { scenarioMarket } from './crowdedPlaces.js';
import { placeNear } from './geo.js';
import { Catchment } from '../../common/runoff.js';
export { placeNear };

export const SCENARIOS = ['gas-leak', 'bridge-overload', 'flood', 'sensor-silent', 'malformed', 'water-main-burst'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export function isScenario(s: string): s is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(s);
}

/** Scenario names from repeatable, comma-separated flags. */
export function scenariosOf(v: unknown): ScenarioName[] {
  const list = (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string')
    .flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const s of list) if (!isScenario(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
  return list as ScenarioName[];
}

/** What a scenario does at a moment: values it forces, assets it silences, events it raises. */
export interface ScenarioEffect {
  /** asset id → metric → value that replaces the normal one */
  overrides: Map<string, Map<string, number>>;
  silenced: Set<string>;
  events: { asset: SimAsset; event: Omit<CityEvent, 'id' | 'ts'> }[];
  malformedBurst: boolean;
}

type Step = (t: number, prevT: number, fx: ScenarioEffect) => void;

const ramp = (t: number, t0: number, t1: number, v0: number, v1: number): number =>
  t <= t0 ? v0 : t >= t1 ? v1 : v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
const crossed = (t: number, prevT: number, at: number): boolean => prevT < at && t >= at;

function set(fx: ScenarioEffect, asset: string, metric: string, v: number): void {
  let m = fx.overrides.get(asset);
  if (!m) fx.overrides.set(asset, (m = new Map()));
  m.set(metric, v);
}


function nearest(assets: SimAsset[], kind: string, to: SimAsset): SimAsset | undefined {
  const d = (a: SimAsset): number => (a.record.lat - to.record.lat) ** 2 + ((a.record.lon - to.record.lon) * Math.cos((to.record.lat * Math.PI) / 180)) ** 2;
  return assets.filter((a) => a.profile.kind === kind).sort((x, y) => d(x) - d(y))[0];
}

function pick(assets: SimAsset[], kind: string, district?: string): SimAsset | undefined {
  return assets.find((a) => a.profile.kind === kind && (!district || a.district === district)) ?? assets.find((a) => a.profile.kind === kind);
}

/**
 * Scenario timelines in scenario seconds (scaled by the simulator's speed). Thresholds follow the
 * national practice the alarm rules will use (e.g. GB/T 50493-2019: 25 %LEL first level, 50 %LEL second).
 */
export function scenarioStep(name: ScenarioName, assets: SimAsset[]): Step {
  switch (name) {
    case 'gas-leak': {
      const a = pick(assets, 'regulator_station', '420303');
      // the leak reaches a market too (集贸市场): its detector crosses the second level (critical), with a
      // school, a hospital and a pipeline inside the gas plan's radius (crowdedPlaces.ts)
      const market = scenarioMarket(assets);
      return (t, prev, fx) => {
        if (market) {
          set(fx, market.id, 'lel_pct', Math.round(ramp(t, 40, 200, 0.8, 58) * 10) / 10);
          if (crossed(t, prev, 40 + (160 * (50 - 0.8)) / 57.2)) {
            fx.events.push({ asset: market, event: { type: 'gas_leak', severity: 'red', title: `${market.record.name} 集贸市场可燃气体二级报警（≥50%LEL）`, asset: market.id, lat: market.record.lat, lon: market.record.lon } });
          }
        }
        if (!a) return;
        const lel = ramp(t, 30, 270, 1.5, 62);
        set(fx, a.id, 'lel_pct', Math.round(lel * 10) / 10);
        set(fx, a.id, 'pressure_kpa', Math.round(ramp(t, 30, 270, 2.6, 1.7) * 100) / 100);
        const ev = (sev: CityEvent['severity'], title: string, type = 'gas_leak'): void => {
          fx.events.push({ asset: a, event: { type, severity: sev, title, asset: a.id, lat: a.record.lat, lon: a.record.lon } });
        };
        if (crossed(t, prev, 20)) ev('blue', '群众报告：闻到燃气异味', 'citizen_report');
        if (crossed(t, prev, 30 + (240 * (20 - 1.5)) / 60.5)) ev('yellow', `${a.record.name} 可燃气体浓度升高`);
        if (crossed(t, prev, 30 + (240 * (25 - 1.5)) / 60.5)) ev('orange', `${a.record.name} 可燃气体一级报警（≥25%LEL）`);
        if (crossed(t, prev, 30 + (240 * (50 - 1.5)) / 60.5)) ev('red', `${a.record.name} 可燃气体二级报警（≥50%LEL）`);
      };
    }
    case 'bridge-overload': {
      const a = pick(assets, 'bridge');
      return (t, prev, fx) => {
        if (!a) return;
        const k = t < 20 ? 0 : t < 80 ? (t - 20) / 60 : t < 200 ? 1 : Math.max(0, 1 - (t - 200) / 60);
        set(fx, a.id, 'vehicle_load_t', Math.round((22 + 68 * k) * 10) / 10);
        set(fx, a.id, 'strain_ue', Math.round(120 + 520 * k));
        set(fx, a.id, 'deflection_mm', Math.round((6 + 36 * k) * 100) / 100);
        if (crossed(t, prev, 50)) fx.events.push({ asset: a, event: { type: 'overload', severity: 'orange', title: `${a.record.name} 车辆荷载超过设计荷载`, asset: a.id, lat: a.record.lat, lon: a.record.lon } });
        if (crossed(t, prev, 80)) fx.events.push({ asset: a, event: { type: 'overload', severity: 'red', title: `${a.record.name} 挠度超限，建议封闭交通`, asset: a.id, lat: a.record.lat, lon: a.record.lon } });
      };
    }
    case 'flood': {
      // a downpour over the district: the rain rises to 48 mm/h within two minutes, and each river gauge's level answers
      // it through its catchment (runoff.ts: two linear reservoirs, k = 120 scenario seconds): it starts rising a minute
      // after the rain and passes the warning level (4.5 m) about five minutes in, the guaranteed level (5.5 m) about
      // seven; after a quarter of an hour the rain eases to 4 mm/h and the levels recede. The manholes fill as before.
      const gauge = pick(assets, 'river_gauge', '420381');
      const district = gauge?.district;
      const gauges = assets.filter((a) => a.profile.kind === 'river_gauge' && a.district === district);
      const manholes = assets.filter((a) => a.profile.kind === 'manhole' && a.district === district);
      const catchments = new Map(gauges.map((g) => [g.id, new Catchment(2.4, 3.8 / 48, 120)]));
      const rainAt = (t: number): number => (t < 900 ? ramp(t, 0, 120, 0.3, 48) : ramp(t, 900, 960, 48, 4));
      let prevLevel = catchments.get(gauge?.id ?? '')?.level ?? 2.4;
      return (t, prev, fx) => {
        const rain = rainAt(t);
        for (const g of gauges) {
          const level = catchments.get(g.id)?.step(rainAt((t + prev) / 2), t - prev) ?? 2.4;
          set(fx, g.id, 'river_level_m', Math.round(level * 100) / 100);
          set(fx, g.id, 'rainfall_mm_h', Math.round(rain * 10) / 10);
        }
        for (const mh of manholes) set(fx, mh.id, 'level_m', Math.round(ramp(t, 30, 400, 0.45, 2.8) * 100) / 100);
        if (!gauge) return;
        const level = catchments.get(gauge.id)?.level ?? 2.4;
        const up = (at: number): boolean => prevLevel < at && level >= at;
        if (crossed(t, prev, 60)) fx.events.push({ asset: gauge, event: { type: 'rainstorm', severity: 'yellow', title: '暴雨黄色预警：低洼地段注意防范', asset: gauge.id } });
        if (up(4.5)) fx.events.push({ asset: gauge, event: { type: 'flood', severity: 'orange', title: `${gauge.record.name} 超警戒水位`, asset: gauge.id } });
        if (up(5.5)) fx.events.push({ asset: gauge, event: { type: 'flood', severity: 'red', title: `${gauge.record.name} 超保证水位，临河低洼房屋人员转移`, asset: gauge.id } });
        prevLevel = level;
      };
    }
    case 'sensor-silent': {
      const a = pick(assets, 'pipe_monitor');
      return (t, _prev, fx) => {
        if (a && t >= 30) fx.silenced.add(a.id);
      };
    }
    case 'malformed':
      return (t, prev, fx) => {
        if (Math.floor(t / 5) !== Math.floor(prev / 5)) fx.malformedBurst = true;
      };
    case 'water-main-burst': {
      // A water main bursts beside a gas regulator station: the water escapes under the road, the road settles a few
      // minutes later, and the gas main under it leaks (its %LEL crosses the first alarm level, 25 %LEL). The water and
      // road events carry the place of the burst (within ~100 m of the station), whatever their assets' own places:
      // the cross-lifeline correlation (docs/analysis.md) is what should link them.
      const gas = pick(assets, 'regulator_station', '420302');
      const water = gas && nearest(assets, 'pipe_monitor', gas);
      const road = gas && nearest(assets, 'road_segment', gas);
      return (t, prev, fx) => {
        if (!gas || !water || !road) return;
        const burst = placeNear(gas.record, 40, 0);
        const sunk = placeNear(gas.record, -30, 60);
        set(fx, water.id, 'pressure_mpa', Math.round(ramp(t, 10, 40, 0.36, 0.08) * 1000) / 1000);
        set(fx, water.id, 'flow_m3h', Math.round(ramp(t, 10, 40, 420, 1650) * 10) / 10);
        set(fx, road.id, 'settlement_mm', Math.round(ramp(t, 120, 240, 1.2, 38) * 100) / 100);
        set(fx, gas.id, 'lel_pct', Math.round(ramp(t, 150, 270, 1.2, 34) * 10) / 10);
        if (crossed(t, prev, 10)) {
          fx.events.push({ asset: water, event: { type: 'pipe_burst', severity: 'red', title: `${water.record.name} 供水主管爆管，路面冒水`, asset: water.id, ...burst } });
        }
        if (crossed(t, prev, 200)) {
          fx.events.push({ asset: road, event: { type: 'road_settlement', severity: 'orange', title: `${road.record.name} 爆管处路面沉降`, asset: road.id, ...sunk } });
        }
        if (crossed(t, prev, 150 + (120 * (25 - 1.2)) / (34 - 1.2))) {
          fx.events.push({ asset: gas, event: { type: 'gas_leak', severity: 'orange', title: `${gas.record.name} 可燃气体一级报警（≥25%LEL）`, asset: gas.id, lat: gas.record.lat, lon: gas.record.lon } });
        }
      };
    }
  }
}
