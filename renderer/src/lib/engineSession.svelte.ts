import { CityState } from './cityState.svelte';
import { EngineClock } from './clock.svelte';
import { EngineClient } from './engineClient.svelte';
import { ControlRoomClient } from './controlRoomClient.svelte';
import { provideQueryEpoch } from './liveQuery.svelte';
import { ReplayClock } from '../replay/replayClock.svelte';
import { assetKey } from '../../../analytics/common/vocabulary';
import type { Lang } from '../../../analytics/common/i18n';

/**
 * One page's link to the engine, as the wall and the console both set it up: the client, the
 * city's registry and events, the operational picture and the engine's clock. Create it while
 * the page's root component initialises; it closes with that component.
 */
export class EngineSession {
  readonly client: EngineClient;
  readonly city: CityState;
  readonly controlRoom: ControlRoomClient;
  readonly clock: EngineClock;
  /** The page replayed as of an instant (the timeline bar): every live query below follows its cursor. */
  readonly replay: ReplayClock;

  constructor(wsUrl: string) {
    this.client = new EngineClient(wsUrl);
    this.city = new CityState(this.client);
    this.controlRoom = new ControlRoomClient(this.client);
    this.clock = new EngineClock(this.client);
    const client = this.client;
    provideQueryEpoch({ get version() { return client.cursorVersion; } });
    // the events are the one list kept outside the live queries: asked again as of each instant
    this.replay = new ReplayClock(this.client, () => this.city.loadEvents());
    $effect(() => () => this.close());
  }

  /**
   * The registry's name of an asset; one it does not hold is named by its domain and district
   * (「燃气设施（张湾区）」), and 「…」 stands while the registry loads: never the raw id.
   */
  assetName(domain: string, district: string, asset: string, lang?: Lang): string {
    return this.city.names.nameOf(assetKey(domain, district, asset), lang);
  }

  private close(): void {
    this.controlRoom.dispose();
    this.city.dispose();
    this.client.close();
  }
}
