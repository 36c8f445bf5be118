/**
 * The affected area drawn as a plan view: the incident at the centre, the plan's radius and cordon as
 * rings, each place inside at its bearing and distance (north up). Pure: positions in a square of
 * `size` pixels, the radius touching its edge less a margin.
 */
export interface MapPoint { asset: string; name: string; category: 'crowded' | 'lifeline'; x: number; y: number }

export function incidentMapPoints(center: { lat: number; lon: number }, places: readonly { asset: string; name: string; category: 'crowded' | 'lifeline'; lat: number; lon: number }[], radiusM: number, size: number, margin = 16): { r: number; c: number; points: MapPoint[] } {
  const c = size / 2;
  const r = c - margin;
  const mPerDegLat = (6_371_008.8 * Math.PI) / 180;
  const mPerDegLon = mPerDegLat * Math.cos((center.lat * Math.PI) / 180);
  const scale = radiusM > 0 ? r / radiusM : 0;
  const points = places.map((p) => ({
    asset: p.asset, name: p.name, category: p.category,
    x: Math.round((c + (p.lon - center.lon) * mPerDegLon * scale) * 10) / 10,
    y: Math.round((c - (p.lat - center.lat) * mPerDegLat * scale) * 10) / 10,
  }));
  return { r, c, points };
}
