/** The fixed vocabulary of the feed contract: domains and the demo city's districts. */

export const DOMAINS = [
  'water', 'drainage', 'power', 'gas', 'heat', 'bridge', 'road', 'pipeline', 'tunnel',
  'waste', 'park', 'construction', 'building', 'flood',
] as const;
export type Domain = (typeof DOMAINS)[number];

const domainSet: ReadonlySet<string> = new Set(DOMAINS);
export function isDomain(s: string): s is Domain {
  return domainSet.has(s);
}

export interface District {
  code: string;
  zh: string;
  en: string;
}

/** Shiyan (十堰), GB/T 2260 codes. */
export const SHIYAN_DISTRICTS: readonly District[] = [
  { code: '420302', zh: '茅箭区', en: 'Maojian' },
  { code: '420303', zh: '张湾区', en: 'Zhangwan' },
  { code: '420304', zh: '郧阳区', en: 'Yunyang' },
  { code: '420322', zh: '郧西县', en: 'Yunxi' },
  { code: '420323', zh: '竹山县', en: 'Zhushan' },
  { code: '420324', zh: '竹溪县', en: 'Zhuxi' },
  { code: '420325', zh: '房县', en: 'Fangxian' },
  { code: '420381', zh: '丹江口市', en: 'Danjiangkou' },
];

export const FEED_KINDS = ['telemetry', 'event', 'asset', 'inspection', 'permit'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];
