/// <reference lib="dom" />
import { runMain } from '../../analytics/node/runMain.js';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from '../bench/stats.js';
import { packageRoot } from '../../analytics/node/paths.js';
import { launchChromium, openWall } from '../testing/browser.js';
import { startLiveCity } from './liveCity.js';

interface Sample {
  minute: number;
  heapMb: number;
  domNodes: number;
  listeners: number;
  charts: number;
  chartsCreated: number;
  engineRssMb: number;
  received: number;
  screen: string;
}

function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => { num += (x - mx) * ((ys[i] ?? 0) - my); den += (x - mx) ** 2; });
  return den === 0 ? 0 : num / den;
}

function plot(samples: Sample[], warmup: number): string {
  const series: [keyof Sample, string, string][] = [
    ['heapMb', 'JS heap after GC (MB)', '#35c2ff'], ['domNodes', 'DOM nodes', '#7ee0a1'],
    ['charts', 'live ECharts instances', '#f2d31b'], ['engineRssMb', 'engine RSS (MB)', '#ff8c1a'],
  ];
  const W = 900;
  const H = 170;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H * series.length + 20}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#0a1a2f"/>`];
  series.forEach(([key, label, color], k) => {
    const ys = samples.map((s) => Number(s[key]));
    const max = Math.max(...ys) * 1.1 || 1;
    const y0 = k * H + 20;
    const x = (m: number): number => 50 + (m / Math.max(1, samples.length - 1)) * (W - 70);
    const y = (v: number): number => y0 + H - 30 - (v / max) * (H - 50);
    out.push(`<text x="50" y="${y0 + 4}" fill="#e6f0ff">${label}: ${ys[0]} → ${ys[ys.length - 1]} (max ${Math.max(...ys)})</text>`);
    out.push(`<line x1="50" y1="${y(0)}" x2="${W - 20}" y2="${y(0)}" stroke="#1f3550"/>`);
    out.push(`<line x1="${x(warmup)}" y1="${y0 + 10}" x2="${x(warmup)}" y2="${y(0)}" stroke="#8fa7c4" stroke-dasharray="4 4"/>`);
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${samples.map((s, i) => `${x(i).toFixed(1)},${y(Number(s[key])).toFixed(1)}`).join(' ')}"/>`);
    out.push(`<text x="${W - 20}" y="${y(0) + 14}" fill="#8fa7c4" text-anchor="end">minute ${samples.length - 1}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/**
 * The wall's endurance: 10× the demo's traffic with the playlist rotating every 10 s, sampling the
 * JS heap after a forced GC, DOM nodes and live chart instances every minute.
 */
async function main(): Promise<void> {
  const minutes = Number(process.env['SOAK_MINUTES'] ?? 120);
  const warmup = Math.min(10, Math.floor(minutes / 4));
  const city = await startLiveCity({ rate: 5000, assets: 600, scenarios: ['gas-leak', 'bridge-overload', 'flood', 'sensor-silent', 'malformed'], speed: 10, eventsPerMin: 60 });
  const browser = await launchChromium();
  const samples: Sample[] = [];
  let crashed = 0;
  try {
    const { page, errors } = await openWall(browser, city.url('?wall=1x1&rotate=10&debug=1'));
    page.on('crash', () => crashed++);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    const t0 = Date.now();
    for (let minute = 0; minute <= minutes; minute++) {
      const wait = t0 + minute * 60_000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      const dom = (await cdp.send('Memory.getDOMCounters')) as { nodes: number; jsEventListeners: number };
      const page2 = await page.evaluate(() => {
        const g = globalThis as unknown as { __charts: { live: number; created: number } };
        return { charts: g.__charts.live, created: g.__charts.created, screen: document.querySelector('[data-display="0"]')?.getAttribute('data-showing') ?? '' };
      });
      const health = await city.engine.health();
      samples.push({
        minute, heapMb: round(heap.usedSize / 1048576, 2), domNodes: dom.nodes, listeners: dom.jsEventListeners, charts: page2.charts,
        chartsCreated: page2.created, engineRssMb: rssMb(city.engine.proc.pid), received: health.ingest.received, screen: page2.screen,
      });
      console.log(JSON.stringify(samples[samples.length - 1]));
    }
    const after = samples.slice(warmup);
    const summary = {
      minutes, warmupMinutes: warmup, rate: 5000, rotateS: 10, crashed, consoleErrors: errors.length,
      heapAfterWarmupMb: after[0]?.heapMb, heapAtEndMb: after[after.length - 1]?.heapMb,
      heapGrowthMb: round((after[after.length - 1]?.heapMb ?? 0) - (after[0]?.heapMb ?? 0), 2),
      heapSlopeMbPerHour: round(slope(after.map((s) => s.minute), after.map((s) => s.heapMb)) * 60, 3),
      domNodesMin: Math.min(...after.map((s) => s.domNodes)), domNodesMax: Math.max(...after.map((s) => s.domNodes)),
      chartsMin: Math.min(...after.map((s) => s.charts)), chartsMax: Math.max(...after.map((s) => s.charts)),
      chartsCreated: samples[samples.length - 1]?.chartsCreated,
      engineRssFirstMb: after[0]?.engineRssMb, engineRssLastMb: after[after.length - 1]?.engineRssMb,
      readingsReceived: samples[samples.length - 1]?.received,
    };
    const dir = join(packageRoot(), 'docs', 'soak');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'wall-soak.json'), `${JSON.stringify({ summary, samples }, null, 1)}\n`);
    writeFileSync(join(dir, 'wall-soak.svg'), plot(samples, warmup));
    console.log(JSON.stringify(summary));
  } finally {
    await browser.close();
    await city.stop();
  }
}

runMain(main);
