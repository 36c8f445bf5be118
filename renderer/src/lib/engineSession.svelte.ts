import { CityState } from './cityState.svelte';
import { EngineClock } from './clock.svelte';
import { EngineClient } from './engineClient.svelte';
import { ControlRoomClient } from './controlRoomClient.svelte';
import { assetKey } from '../../../analytics/common/vocabulary';

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

  constructor(wsUrl: string) {
    this.client = new EngineClient(wsUrl);
    this.city = new CityState(this.client);
    this.controlRoom = new ControlRoomClient(this.client);
    this.clock = new EngineClock(this.client);
    $effect(() => () => this.close());
  }

  /** The registry's name of an asset (its id when unknown). */
  assetName(domain: string, district: string, asset: string): string {
    return this.city.names.get(assetKey(domain, district, asset)) ?? asset;
  }

  private close(): void {
    this.controlRoom.dispose();
    this.city.dispose();
    this.client.close();
  }
}
