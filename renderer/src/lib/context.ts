import { createContext } from 'svelte';
import { isDomain, type Domain } from '../../../analytics/common/city';
import type { EngineClient } from './engineClient.svelte';
import type { Lang } from './i18n';
import type { ControlRoomClient } from './controlRoomClient.svelte';

/** An asset as panels and lists name it when they open its detail. */
export interface AssetRef {
  domain: string;
  district: string;
  asset: string;
}

/** An asset as the engine's queries take it: its domain one of the contract's (null when it is not). */
export function assetParams(a: AssetRef): { domain: Domain; district: string; asset: string } | null {
  return isDomain(a.domain) ? { domain: a.domain, district: a.district, asset: a.asset } : null;
}

/** What every panel of a display (or of the console) needs: the engine, the language, the scale, navigation. */
export interface WallContext {
  client: EngineClient;
  /** Alarms, hazards and risk shared by every display of the page. */
  controlRoom: ControlRoomClient;
  lang: () => Lang;
  scale: number;
  openAsset: (a: AssetRef) => void;
  /** The registry's name of an asset (its id when unknown). */
  assetName: (domain: string, district: string, asset: string) => string;
  /** Expected data interval per domain (ms), from the engine's feed freshness. */
  expectedIntervalMs: (domain: string) => number;
}

// typed by construction: `getWall` throws, naming the mistake, in a component no display or console wraps
export const [getWall, setWall] = createContext<WallContext>();
