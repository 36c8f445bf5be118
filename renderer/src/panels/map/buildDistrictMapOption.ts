import type { ChartOption } from '../../lib/chart.svelte';
import { RISK_COLORS, THEME, type RiskLevel } from '../theme';

export interface DistrictRisk {
  code: string;
  /** The district's name in the boundary file (Chinese): the key of its region. */
  name: string;
  /** Its name in the page's language, written at `at`. */
  label: string;
  at: [number, number];
  level: RiskLevel;
  counts: Record<'red' | 'orange' | 'yellow' | 'blue', number>;
  /** What made the colour, for the tooltip (already in the page's language). */
  detail: string;
}

export interface AssetMarker {
  name: string;
  lon: number;
  lat: number;
  /** The asset's risk colour ('none' when the register does not know it yet). */
  level: RiskLevel;
  key: string;
  /** A standing alarm: ringed white. */
  alarm?: boolean;
  /** ...of critical or high priority: a real incident, drawn largest. */
  major?: boolean;
  /** What its colour and ring mean, for the tooltip (already in the page's language). */
  detail?: string;
}

/** Where the map looks: zoom 1 shows the whole city; the wheel, a drag or the buttons move it. */
export interface MapView {
  zoom: number;
  center: [number, number];
}

/** The whole city (the centre of its districts' bounding box). */
export const CITY_VIEW: MapView = { zoom: 1, center: [110.51, 32.39] };

/**
 * Where the map looks after an update: the view the buttons chose, when they chose one since the
 * last drawing (`chosen` is not the `drawn` one); otherwise where the operator has roamed to with
 * the wheel or a drag, as the chart shows it (`shown`, its geo's zoom and centre), so a district
 * changing colour never throws the map back to the view of the last button press.
 */
export function keptView(chosen: MapView, drawn: MapView | null, shown: { zoom?: unknown; center?: unknown } | null | undefined): MapView {
  if (chosen !== drawn) return chosen;
  const zoom = shown?.zoom;
  const center = shown?.center;
  const isCoord = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!isCoord(zoom) || zoom <= 0 || !Array.isArray(center) || center.length !== 2 || !isCoord(center[0]) || !isCoord(center[1])) return chosen;
  return { zoom, center: [center[0], center[1]] };
}

/** The highest severity among event counts. */
export function levelFromCounts(c: { red: number; orange: number; yellow: number; blue: number }): RiskLevel {
  if (c.red > 0) return 'red';
  if (c.orange > 0) return 'orange';
  if (c.yellow > 0) return 'yellow';
  if (c.blue > 0) return 'blue';
  return 'none';
}

/** A marker's size: a real incident is large, routine colours stay small so they cannot bury it. */
export function markerSize(m: Pick<AssetMarker, 'level' | 'alarm' | 'major'>): number {
  if (m.major) return 18;
  if (m.alarm) return 12;
  return m.level === 'red' || m.level === 'orange' ? 8 : m.level === 'yellow' ? 5 : 4;
}

/** How a marker is ringed: nothing, a standing alarm, a critical or high one. */
type Ring = 'plain' | 'alarm' | 'major';
const RINGS: readonly Ring[] = ['plain', 'alarm', 'major'];
const LEVELS: readonly RiskLevel[] = ['none', 'blue', 'yellow', 'orange', 'red'];
/** The asset series' ids, drawn in this order (the gravest on top): one per ring and colour. */
export const ASSET_SERIES_IDS: readonly string[] = RINGS.flatMap((r) => LEVELS.map((l) => `assets-${r}-${l}`));

const ringOf = (a: Pick<AssetMarker, 'alarm' | 'major'>): Ring => (a.major ? 'major' : a.alarm ? 'alarm' : 'plain');

/** The markers of each asset series, by its id (in `ASSET_SERIES_IDS` order): a marker is the series' item of its index. */
export function groupAssetMarkers(assets: readonly AssetMarker[]): Map<string, AssetMarker[]> {
  const groups = new Map<string, AssetMarker[]>(ASSET_SERIES_IDS.map((id) => [id, []]));
  for (const a of assets) groups.get(`assets-${ringOf(a)}-${a.level}`)?.push(a);
  return groups;
}

/** The marker a click or a tooltip on an asset series is about (null on any other series). */
export function markerAt(groups: ReadonlyMap<string, readonly AssetMarker[]>, p: { seriesId?: string | undefined; dataIndex?: number | undefined }): AssetMarker | null {
  return (p.seriesId !== undefined && p.dataIndex !== undefined ? groups.get(p.seriesId)?.[p.dataIndex] : undefined) ?? null;
}

/**
 * The asset markers, one series per ring and colour: every marker of a series looks the same, so
 * ECharts draws a series of thousands as one path (`large`, in one frame) instead of an element per
 * marker with a style of its own. A marker's look is that of its series: its colour, ring and size.
 * Its place is the series' data, two numbers a marker in one typed array (ECharts copies an option
 * it is given: one array, not thousands of objects); the rest is found by the item's index.
 */
function assetSeries(groups: ReadonlyMap<string, readonly AssetMarker[]>, color: (l: RiskLevel) => string): Record<string, unknown>[] {
  return RINGS.flatMap((ring) => LEVELS.map((level) => {
    const id = `assets-${ring}-${level}`;
    const look = { level, alarm: ring !== 'plain', major: ring === 'major' };
    const markers = groups.get(id) ?? [];
    const data = new Float64Array(markers.length * 2);
    markers.forEach((m, i) => {
      data[2 * i] = m.lon;
      data[2 * i + 1] = m.lat;
    });
    return {
      id, type: 'scatter', coordinateSystem: 'geo', zlevel: 1, dimensions: ['lng', 'lat'],
      // thousands of markers as one path, drawn at once rather than a few hundred a frame
      large: true, largeThreshold: 500, progressive: 0,
      symbolSize: markerSize(look),
      itemStyle: markerStyle(look, color),
      data,
    };
  }));
}

/** A marker's colour and ring: its risk colour (light blue while unknown), white around a standing alarm. */
export function markerStyle(m: Pick<AssetMarker, 'level' | 'alarm' | 'major'>, color: (l: RiskLevel) => string): { color: string; borderColor: string; borderWidth: number } {
  return {
    color: m.level === 'none' ? '#9fd3ff' : color(m.level), borderColor: m.alarm ? '#ffffff' : '#000',
    borderWidth: m.major ? 3 : m.alarm ? 2 : m.level === 'red' || m.level === 'orange' ? 1 : 0.5,
  };
}

/**
 * Shiyan's districts in the four risk colours, their names at fixed points (apart from each other),
 * asset markers on top; stale data is drawn grey. Roams (zoom and pan) from `view`.
 */
/** Correlated incidents forming now (the 关联事件 card's members), drawn over the assets. */
export interface CorrelatedOnMap {
  points: { lon: number; lat: number; label: string }[];
  lines: [number, number][][];
}

/** An open incident (应急处置): its centre, the plan's affected radius and cordon, and what it is, drawn over everything. */
export interface IncidentOnMap {
  id: string;
  lon: number;
  lat: number;
  radiusM: number;
  cordonM: number | null;
  /** Short, beside the pin; the detail (what happened, the plan) in its tooltip. */
  label: string;
  detail: string;
}

const EARTH_M = 6_371_008.8;

/** A circle of `radiusM` metres around `c` as a closed ring of lon/lat points (on the sphere, `n` sides). */
export function circleRing(c: { lon: number; lat: number }, radiusM: number, n = 72): [number, number][] {
  const rad = Math.PI / 180;
  const lat1 = c.lat * rad;
  const lon1 = c.lon * rad;
  const d = radiusM / EARTH_M;
  const ring: [number, number][] = [];
  for (let i = 0; i <= n; i++) {
    const bearing = (2 * Math.PI * i) / n;
    const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(bearing));
    const lon2 = lon1 + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
    ring.push([lon2 / rad, lat2 / rad]);
  }
  return ring;
}

/** The incidents' series: the affected radius (dashed red) and the cordon (solid) as rings, the centre as a pin with its words. */
function incidentSeries(incidents: readonly IncidentOnMap[]): Record<string, unknown>[] {
  return [
    {
      id: 'incident-areas', type: 'lines', coordinateSystem: 'geo', polyline: true, silent: true, zlevel: 4,
      lineStyle: { color: RISK_COLORS.red, width: 3, opacity: 0.95, type: 'dashed' },
      data: incidents.map((i) => ({ name: i.label, coords: circleRing(i, i.radiusM) })),
    },
    {
      id: 'incident-cordons', type: 'lines', coordinateSystem: 'geo', polyline: true, silent: true, zlevel: 4,
      lineStyle: { color: '#ffffff', width: 2, opacity: 0.9 },
      data: incidents.filter((i) => i.cordonM !== null).map((i) => ({ name: i.label, coords: circleRing(i, i.cordonM as number) })),
    },
    {
      id: 'incidents', type: 'scatter', coordinateSystem: 'geo', symbol: 'pin', symbolSize: 34, zlevel: 4,
      itemStyle: { color: RISK_COLORS.red, borderColor: '#ffffff', borderWidth: 2 },
      label: { show: true, position: 'right', formatter: (p: { data: { label: string } }) => p.data.label, color: '#ffffff', fontSize: 16, fontFamily: THEME.font, backgroundColor: 'rgba(120,0,0,0.85)', padding: [2, 6], borderRadius: 3 },
      data: incidents.map((i) => ({ name: i.label, label: i.label, detail: i.detail, value: [i.lon, i.lat] })),
    },
  ];
}

export function buildDistrictMapOption(districts: DistrictRisk[], assets: AssetMarker[] | ReadonlyMap<string, readonly AssetMarker[]>, stale: boolean, view: MapView = CITY_VIEW, correlated: CorrelatedOnMap = { points: [], lines: [] }, incidents: readonly IncidentOnMap[] = []): ChartOption {
  const groups = assets instanceof Map ? assets : groupAssetMarkers(assets as AssetMarker[]);
  const color = (l: RiskLevel): string => (stale ? THEME.stale : RISK_COLORS[l]);
  const geoOpts = { map: 'shiyan', roam: true, scaleLimit: { min: 1, max: 12 }, zoom: view.zoom, center: view.center, nameProperty: 'name', layoutCenter: ['44%', '52%'], layoutSize: '96%' };
  return {
    backgroundColor: 'transparent',
    animation: false,
    tooltip: {
      trigger: 'item', formatter: (p: { name: string; seriesId?: string; dataIndex?: number; data?: { label?: string; detail?: string } }) => {
        const m = markerAt(groups, p);
        const said = m ? { label: m.name, detail: m.detail } : p.data;
        return `${said?.label ?? p.name}${said?.detail ? `<br/>${said.detail}` : ''}`;
      },
    },
    geo: {
      ...geoOpts,
      // names come from the 'labels' series, at points chosen so that they do not overlap
      label: { show: false },
      itemStyle: { borderColor: '#9cc8ff', borderWidth: 1.5, areaColor: RISK_COLORS.none },
      emphasis: { label: { show: false }, itemStyle: { areaColor: '#2a5a8c' } },
      regions: districts.map((d) => ({ name: d.name, itemStyle: { areaColor: color(d.level), opacity: d.level === 'none' ? 1 : 0.72 } })),
    },
    series: [
      {
        id: 'districts', type: 'map', geoIndex: 0,
        data: districts.map((d) => ({ name: d.name, value: d.level, label: d.label, detail: d.detail })),
      },
      {
        id: 'labels', type: 'scatter', coordinateSystem: 'geo', symbolSize: 0, silent: true, zlevel: 2,
        label: { show: true, position: 'inside', formatter: (p: { data: { label: string } }) => p.data.label, color: '#ffffff', fontSize: 18, fontFamily: THEME.font, textBorderColor: '#000', textBorderWidth: 3 },
        data: districts.map((d) => ({ name: d.name, label: d.label, value: d.at })),
      },
      ...assetSeries(groups, color),
      {
        id: 'correlated', type: 'scatter', coordinateSystem: 'geo', symbol: 'diamond', symbolSize: 16, zlevel: 3,
        itemStyle: { color: 'transparent', borderColor: '#ff5cf0', borderWidth: 3 },
        data: correlated.points.map((p) => ({ name: p.label, value: [p.lon, p.lat], label: p.label })),
      },
      {
        id: 'correlated-links', type: 'lines', coordinateSystem: 'geo', silent: true, zlevel: 3,
        lineStyle: { color: '#ff5cf0', width: 2, opacity: 0.8, type: 'dashed' },
        data: correlated.lines.map((coords) => ({ coords })),
      },
      ...incidentSeries(incidents),
    ],
  };
}
