import { describe, expect, it } from 'vitest';
import { RISK_COLORS, THEME } from '../theme';
import { distanceM } from '../../../../analytics/common/incidents/affectedArea';
import { ASSET_SERIES_IDS, buildDistrictMapOption, circleRing, CITY_VIEW, groupAssetMarkers, keptView, levelFromCounts, markerAt, type MapView } from './buildDistrictMapOption';

describe('buildDistrictMapOption', () => {
  const districts = [
    { code: '420302', name: '茅箭区', label: '茅箭区', at: [110.82, 32.5] as [number, number], level: levelFromCounts({ red: 0, orange: 2, yellow: 5, blue: 1 }), counts: { red: 0, orange: 2, yellow: 5, blue: 1 }, detail: '' },
    { code: '420303', name: '张湾区', label: '张湾区', at: [110.6, 32.7] as [number, number], level: levelFromCounts({ red: 0, orange: 0, yellow: 0, blue: 0 }), counts: { red: 0, orange: 0, yellow: 0, blue: 0 }, detail: '' },
  ];
  type MapOpt = { geo: { regions: { name: string; itemStyle: { areaColor: string } }[] }; series: { id: string; data: unknown[] }[] };

  it('colours each district by its highest level', () => {
    expect(districts.map((d) => d.level)).toEqual(['orange', 'none']);
    const m = buildDistrictMapOption(districts, [], false) as unknown as MapOpt;
    expect(m.geo.regions).toMatchObject([{ name: '茅箭区', itemStyle: { areaColor: RISK_COLORS.orange } }, { name: '张湾区', itemStyle: { areaColor: RISK_COLORS.none } }]);
  });

  it('colours assets by their risk and rings the ones with a standing alarm', () => {
    const markers = [
      { name: 'a', lon: 110.8, lat: 32.6, key: 'gas/420302/a', level: 'red' as const, alarm: true, major: true },
      { name: 'd', lon: 110.8, lat: 32.7, key: 'gas/420302/d', level: 'orange' as const, alarm: true },
      { name: 'b', lon: 110.9, lat: 32.6, key: 'gas/420302/b', level: 'yellow' as const },
      { name: 'c', lon: 110.7, lat: 32.6, key: 'gas/420302/c', level: 'none' as const },
    ];
    type AssetSeries = { id: string; large: boolean; symbolSize: number; itemStyle: { color: string; borderColor: string }; data: Float64Array };
    const m = buildDistrictMapOption(districts, markers, false) as unknown as { series: AssetSeries[]; tooltip: { formatter: (p: unknown) => string } };
    const assetSeries = m.series.filter((x) => ASSET_SERIES_IDS.includes(x.id));
    expect(assetSeries.map((x) => x.id)).toEqual([...ASSET_SERIES_IDS]);
    // each marker is in the series of its look, at its place (lon, lat: two numbers a marker), found again by its index
    const groups = groupAssetMarkers(markers);
    const look = (key: string): [string, string, string, number, number[]] | null => {
      for (const s of assetSeries) {
        const i = (groups.get(s.id) ?? []).findIndex((x) => x.key === key);
        if (i >= 0 && markerAt(groups, { seriesId: s.id, dataIndex: i })?.key === key) return [s.id, s.itemStyle.color, s.itemStyle.borderColor, s.symbolSize, [...s.data.subarray(2 * i, 2 * i + 2)]];
      }
      return null;
    };
    // a critical or high alarm is the largest thing on the map; a routine colour stays small
    expect(markers.map((x) => look(x.key))).toEqual([
      ['assets-major-red', RISK_COLORS.red, '#ffffff', 18, [110.8, 32.6]], ['assets-alarm-orange', RISK_COLORS.orange, '#ffffff', 12, [110.8, 32.7]],
      ['assets-plain-yellow', RISK_COLORS.yellow, '#000', 5, [110.9, 32.6]], ['assets-plain-none', '#9fd3ff', '#000', 4, [110.7, 32.6]],
    ]);
    // the tooltip names the marker under the pointer, by its series and index
    expect(m.tooltip.formatter({ name: '', seriesId: 'assets-plain-yellow', dataIndex: 0 })).toBe('b');
    expect(markerAt(groups, { seriesId: 'districts', dataIndex: 0 })).toBeNull();
    expect(assetSeries.every((x) => x.large)).toBe(true);
    // the gravest drawn last, on top
    expect(ASSET_SERIES_IDS.indexOf('assets-major-red')).toBeGreaterThan(ASSET_SERIES_IDS.indexOf('assets-plain-red'));
  });

  it('writes the districts’ names at their own points, roams, and leaves the map’s own labels off', () => {
    const m = buildDistrictMapOption(districts, [], false, { zoom: 2, center: [110.7, 32.6] }) as unknown as { geo: { roam: boolean; zoom: number; center: number[]; label: { show: boolean } }; series: { id: string; data: { label: string; value: number[] }[] }[] };
    expect(m.geo).toMatchObject({ roam: true, zoom: 2, center: [110.7, 32.6], label: { show: false } });
    expect(m.series.find((x) => x.id === 'labels')?.data.map((d) => [d.label, d.value])).toEqual([['茅箭区', [110.82, 32.5]], ['张湾区', [110.6, 32.7]]]);
  });

  it('draws everything grey when the data is stale, and works with no assets', () => {
    const m = buildDistrictMapOption(districts, [], true) as unknown as MapOpt;
    expect(m.geo.regions.every((r) => r.itemStyle.areaColor === THEME.stale)).toBe(true);
    expect(m.series.filter((s) => ASSET_SERIES_IDS.includes(s.id)).every((s) => (s.data as unknown as Float64Array).length === 0)).toBe(true);
  });

  it('keeps where the operator roamed to when a district changes colour, and goes where a button says when one was pressed', () => {
    const chosen: MapView = { zoom: 1.5, center: [110.6, 32.5] };
    const roamed = { zoom: 3.2, center: [110.8, 32.62] };
    // the data changed, the buttons did not: the chart's own zoom and centre stay
    expect(keptView(chosen, chosen, roamed)).toEqual(roamed);
    // a button was pressed since the last drawing: its view wins
    const pressed: MapView = { zoom: 2.25, center: [110.8, 32.62] };
    expect(keptView(pressed, chosen, roamed)).toBe(pressed);
    // the first drawing, or a chart that cannot say where it looks: the chosen view
    expect(keptView(CITY_VIEW, null, null)).toBe(CITY_VIEW);
    expect(keptView(chosen, chosen, { zoom: 'x', center: [1] })).toBe(chosen);
    expect(keptView(chosen, chosen, { zoom: 2, center: ['50%', '50%'] })).toBe(chosen);
    // and the option drawn from it roams from there
    const m = buildDistrictMapOption(districts, [], false, keptView(chosen, chosen, roamed)) as unknown as { geo: { zoom: number; center: number[] } };
    expect(m.geo).toMatchObject(roamed);
  });

  it('draws an open incident: its affected radius and cordon as closed rings at that distance, its centre as a pin with its words', () => {
    const c = { lon: 110.78, lat: 32.64 };
    const ring = circleRing(c, 800);
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    // every point of the ring at 800 m from the centre (the distance the affected places were chosen by)
    for (const [lon, lat] of ring) expect(distanceM(c, { lon, lat })).toBeCloseTo(800, 3);
    const m = buildDistrictMapOption(districts, [], false, CITY_VIEW, undefined, [{ id: 'i1', ...c, radiusM: 800, cordonM: 100, label: '应急处置 · 半径800米', detail: '可燃气体二级报警 · 燃气泄漏应急处置预案' }, { id: 'i2', lon: 110.5, lat: 32.4, radiusM: 500, cordonM: null, label: 'b', detail: 'b' }]) as unknown as MapOpt;
    const series = (id: string): { data: { coords?: [number, number][]; value?: number[]; label?: string }[] } => m.series.find((x) => x.id === id) as never;
    expect(series('incident-areas').data.map((d) => d.coords?.length)).toEqual([73, 73]);
    expect(distanceM(c, { lon: series('incident-cordons').data[0]!.coords![10]![0], lat: series('incident-cordons').data[0]!.coords![10]![1] })).toBeCloseTo(100, 3);
    expect(series('incident-cordons').data.length).toBe(1);
    expect(series('incidents').data[0]).toMatchObject({ value: [110.78, 32.64], label: '应急处置 · 半径800米', detail: '可燃气体二级报警 · 燃气泄漏应急处置预案' });
    // none open: the series are there, empty (a closed incident leaves the map)
    const none = buildDistrictMapOption(districts, [], false) as unknown as MapOpt;
    expect(none.series.filter((x) => x.id.startsWith('incident')).map((x) => x.data.length)).toEqual([0, 0, 0]);
  });
});
