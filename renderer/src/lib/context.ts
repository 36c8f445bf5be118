import { getContext, setContext } from 'svelte';
import type { EngineClient } from './engineClient.svelte';
import type { Lang } from './i18n';
import type { OpsStore } from './opsStore.svelte';

/** What every panel of a display needs: the engine, the language, the display's scale, navigation. */
export interface WallContext {
  client: EngineClient;
  /** Alarms, hazards and risk shared by every display of the page. */
  ops: OpsStore;
  lang: () => Lang;
  scale: number;
  openAsset: (a: { domain: string; district: string; asset: string }) => void;
  /** The registry's name of an asset (its id when unknown). */
  assetName: (domain: string, district: string, asset: string) => string;
  /** Expected data interval per domain (ms), from the engine's feed freshness. */
  expectedIntervalMs: (domain: string) => number;
}

const KEY = Symbol('wall');
export const setWall = (w: WallContext): WallContext => setContext(KEY, w);
export const getWall = (): WallContext => getContext<WallContext>(KEY);
