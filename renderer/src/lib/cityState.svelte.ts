import type { FeedFreshness, QueryResult } from '../../../analytics/common/engineApi';
import type { EngineClient } from './engineClient.svelte';
import type { RegistryRow } from '../../../analytics/common/registryRow';
import { keyOf } from '../../../analytics/common/vocabulary';
import { isDomain } from '../../../analytics/common/city';
import { domainName, t, type Lang } from '../../../analytics/common/i18n';
import { districtLabel } from './districtLabel';

export interface CityEventRow {
  id: string;
  ts: number;
  domain: string;
  district: string;
  type: string;
  severity: string;
  title: string;
  asset: string | null;
}

const MAX_EVENTS = 200;
/** Red and orange events kept for the console and the wall's takeover, newest first. */
const MAX_SEVERE = 200;
const DEFAULT_INTERVAL_MS = 10_000;

function rowsOf(r: QueryResult | null): Record<string, unknown>[] {
  const c = r?.columns;
  if (!c) return [];
  const names = Object.keys(c);
  const n = c[names[0] ?? '']?.length ?? 0;
  return Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k) => [k, c[k]?.[i]])));
}

/**
 * What every display of this page shares: the registry, the live event list, feed freshness.
 * Buffers are capped (the event list keeps the newest 200; red and orange ones, 200 more apart).
 */
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The page's language as its root component last set it on `<html>` (where a caller names no language). */
export function pageLang(): Lang {
  return typeof document !== 'undefined' && document.documentElement.lang === 'en' ? 'en' : 'zh';
}

/**
 * An asset the registry holds no record of, by what is known of it: its domain's facility in its
 * district (「燃气设施（张湾区）」, "Gas asset (Zhangwan)"). Its id is a key a duty officer cannot read.
 */
export function unregisteredAssetName(lang: Lang, domain: string, district: string): string {
  const where = districtLabel(lang, district);
  // a district code the city does not know is a key as well: left out rather than shown
  const known = where !== district;
  if (!isDomain(domain)) return known ? `${t(lang, 'asset')}${t(lang, 'paren', { x: where })}` : t(lang, 'asset');
  const what = domainName(lang, domain);
  return known ? t(lang, 'asset_unregistered', { domain: what, district: where }) : t(lang, 'asset_unregistered_nodistrict', { domain: what });
}

/**
 * Display names by `domain/district/asset`: the registry's name; an asset it does not hold by
 * `unregisteredAssetName`; 「…」 until the registry's first answer. `get` answers every key, so a
 * caller's `?? id` fallback is never reached.
 */
export class AssetNames extends Map<string, string> {
  constructor(entries: Iterable<readonly [string, string]>, private readonly loaded: boolean, private readonly lang: () => Lang = pageLang) {
    super(entries);
  }

  /** The name of `key` in `lang` (the page's language by default). */
  nameOf(key: string, lang: Lang = this.lang()): string {
    const known = super.get(key);
    if (known !== undefined) return known;
    if (!this.loaded) return t(lang, 'name_loading');
    const [domain = '', district = ''] = key.split('/');
    return unregisteredAssetName(lang, domain, district);
  }

  override get(key: string): string | undefined {
    return this.nameOf(key);
  }
}

export class CityState {
  assets = $state.raw<RegistryRow[]>([]);
  assetsProvenance = $state.raw<QueryResult['provenance'] | null>(null);
  events = $state.raw<CityEventRow[]>([]);
  /**
   * Red and orange events, newest first, kept apart from the event list: a burst of routine events
   * must never push an unhandled severe one out of the console's reach.
   */
  severe = $state.raw<CityEventRow[]>([]);
  eventsProvenance = $state.raw<QueryResult['provenance'] | null>(null);
  feeds = $state.raw<FeedFreshness[]>([]);
  feedsAtMs = $state(0);
  /** A failed load of the registry or the events, shown on the panels that use them until the next load succeeds. */
  assetsError = $state<string | null>(null);
  eventsError = $state<string | null>(null);
  /** The page's language, followed from `<html lang>` (the root component sets it): a name said without a language follows a switch. */
  private lang = $state<Lang>(pageLang());
  private listeners = new Set<(e: CityEventRow) => void>();
  private stops: (() => void)[] = [];
  private timers: ReturnType<typeof setInterval>[] = [];

  constructor(private readonly client: EngineClient) {
    if (typeof MutationObserver !== 'undefined') {
      const follow = new MutationObserver(() => { this.lang = pageLang(); });
      follow.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
      this.stops.push(() => follow.disconnect());
    }
    this.stops.push(client.subscribe('feeds', { intervalMs: 2000 }, (f) => {
      this.feeds = f as FeedFreshness[];
      this.feedsAtMs = Date.now();
    }));
    this.stops.push(client.subscribe('events', {}, (data) => this.addEvents(data)));
    // after every (re)connection, catch up on what was missed
    $effect(() => {
      if (client.state === 'open') {
        void this.loadAssets();
        void this.loadEvents();
      }
    });
    this.timers.push(setInterval(() => void this.loadAssets(), 60_000));
  }

  /** The registry, again; a failure is kept in `assetsError` (shown on the map) until a load succeeds. */
  loadAssets(): Promise<void> {
    return this.client.query('assets', { limit: 20000 }).then((r) => {
        this.assets = rowsOf(r).map((o) => ({
          domain: String(o['domain']), district: String(o['district']), asset: String(o['asset']), name: String(o['name']),
          kind: String(o['kind']), lat: Number(o['lat']), lon: Number(o['lon']),
        }));
        this.assetsProvenance = r.provenance;
        this.assetsError = null;
      }, (e: unknown) => {
        this.assetsError = errorText(e);
      });
  }

  /** The latest events, again; a failure is kept in `eventsError` (shown on the event lists). */
  loadEvents(): Promise<void> {
    const rowsFrom = (r: QueryResult): CityEventRow[] => rowsOf(r).map((o) => ({
      id: String(o['id']), ts: Number(o['ts']), domain: String(o['domain']), district: String(o['district']), type: String(o['type']),
      severity: String(o['severity']), title: String(o['title']), asset: o['asset'] === null ? null : String(o['asset']),
    }));
    return Promise.all([
      this.client.query('events', { limit: MAX_EVENTS }),
      this.client.query('events', { severity: 'red', limit: MAX_SEVERE }),
      this.client.query('events', { severity: 'orange', limit: MAX_SEVERE }),
    ]).then(([all, red, orange]) => {
        this.events = rowsFrom(all);
        this.severe = [...rowsFrom(red), ...rowsFrom(orange)].sort((a, b) => b.ts - a.ts).slice(0, MAX_SEVERE);
        this.eventsProvenance = all.provenance;
        this.eventsError = null;
      }, (e: unknown) => {
        this.eventsError = errorText(e);
      });
  }

  private addEvents(data: unknown): void {
    if (!Array.isArray(data)) return;
    const fresh: CityEventRow[] = [];
    for (const x of data as { domain: string; district: string; tsMs: number; event: { id: string; type: string; severity: string; title: string; asset?: string } }[]) {
      fresh.push({ id: x.event.id, ts: x.tsMs, domain: x.domain, district: x.district, type: x.event.type, severity: x.event.severity, title: x.event.title, asset: x.event.asset ?? null });
    }
    const seen = new Set(fresh.map((e) => e.id));
    this.events = [...fresh.reverse(), ...this.events.filter((e) => !seen.has(e.id))].slice(0, MAX_EVENTS);
    const severe = fresh.filter((e) => e.severity === 'red' || e.severity === 'orange');
    if (severe.length > 0) this.severe = [...severe, ...this.severe.filter((e) => !seen.has(e.id))].slice(0, MAX_SEVERE);
    for (const e of fresh) for (const fn of this.listeners) fn(e);
  }

  onEvent(fn: (e: CityEventRow) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Display names by `domain/district/asset`, never an id (see `AssetNames`). */
  names = $derived(new AssetNames(this.assets.map((a) => [keyOf(a), a.name]), this.assetsProvenance !== null || this.assetsError !== null, () => this.lang));

  expectedIntervalMs(domain: string): number {
    let worst = 0;
    for (const f of this.feeds) if (f.kind === 'telemetry' && f.domain === domain) worst = Math.max(worst, f.expectedIntervalMs);
    return worst || DEFAULT_INTERVAL_MS;
  }

  dispose(): void {
    for (const s of this.stops) s();
    for (const t of this.timers) clearInterval(t);
  }
}
