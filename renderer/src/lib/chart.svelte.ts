import * as echarts from 'echarts';
import type { Attachment } from 'svelte/attachments';
import shiyan from '../../../data/geo/shiyan-districts.geojson?raw';
import { DEBUG } from './debugHooks';

export type ChartOption = echarts.EChartsCoreOption;

let registered = false;
function registerMaps(): void {
  if (registered) return;
  registered = true;
  const geo = JSON.parse(shiyan) as { features: { properties: { name: string; code: string } }[] };
  echarts.registerMap('shiyan', geo as unknown as Parameters<typeof echarts.registerMap>[1]);
}

/** Live chart instances, watched by the soak test (it must stay flat); update timings only on a debug page. */
export const chartCount = { live: 0, created: 0, instances: new Set<echarts.ECharts>(), updateMs: [] as number[] };
const MAX_TIMINGS = 2000;

export interface ChartOptions {
  /** The display's scale (real pixels per design pixel), so canvases stay sharp when scaled. */
  scale?: number;
  onClick?: (params: { name?: string; data?: unknown; seriesType?: string; seriesId?: string; dataIndex?: number }) => void;
  /** The instance while the chart lives (null once removed): for a picture of it (getDataURL). */
  onInstance?: (instance: echarts.ECharts | null) => void;
}

/**
 * The one bridge between Svelte and ECharts: init once, setOption on every change of the option,
 * resize with the element, dispose on removal. Panels never create ECharts instances themselves.
 */
export function chart(getOption: () => ChartOption | null, opts: ChartOptions = {}): Attachment<HTMLElement> {
  return (node) => {
    registerMaps();
    const instance = echarts.init(node, undefined, {
      renderer: 'canvas',
      devicePixelRatio: (globalThis.devicePixelRatio || 1) * (opts.scale ?? 1),
    });
    chartCount.live++;
    chartCount.created++;
    chartCount.instances.add(instance);
    if (opts.onClick) instance.on('click', (p) => opts.onClick?.(p as { name?: string; data?: unknown; seriesId?: string; dataIndex?: number }));
    opts.onInstance?.(instance);
    const ro = new ResizeObserver(() => instance.resize());
    ro.observe(node);
    $effect(() => {
      const option = getOption();
      if (!option) return;
      // setOption renders synchronously (lazyUpdate off): its duration is the chart's main-thread work per update
      const t0 = DEBUG ? performance.now() : 0;
      instance.setOption(option, { notMerge: false, replaceMerge: ['series', 'dataset', 'graphic'], lazyUpdate: false });
      if (!DEBUG) return;
      chartCount.updateMs.push(performance.now() - t0);
      if (chartCount.updateMs.length > MAX_TIMINGS) chartCount.updateMs.splice(0, chartCount.updateMs.length - MAX_TIMINGS);
    });
    return () => {
      ro.disconnect();
      opts.onInstance?.(null);
      instance.dispose();
      chartCount.instances.delete(instance);
      chartCount.live--;
    };
  };
}
