import { describe, expect, it } from 'vitest';
import { CityState } from './cityState.svelte';
import { ControlRoomClient } from './controlRoomClient.svelte';
import type { EngineClient } from './engineClient.svelte';

/** A link whose every query fails until `heal()`, then answers. */
function failingClient(): { client: EngineClient; heal: () => void } {
  let healed = false;
  const answers: Record<string, unknown> = {
    assets: { columns: { domain: [], district: [], asset: [], name: [], kind: [], lat: [], lon: [] }, provenance: { query: 'assets' } },
    events: { columns: { id: [] }, provenance: { query: 'events' } },
    alarmRules: [],
  };
  const fake = {
    state: 'open',
    subscribe: () => () => undefined,
    query: (name: string) => (healed ? Promise.resolve(answers[name]) : Promise.reject(new Error(`failed: ${name} is not answering`))),
  };
  return { client: fake as unknown as EngineClient, heal: () => (healed = true) };
}

describe('loads that fail are kept to be shown, never swallowed', () => {
  it('keeps the registry’s, the events’ and the alarm rules’ failures, and clears them with the next good answer', async () => {
    const { client, heal } = failingClient();
    const city = new CityState(client);
    const rooms = new ControlRoomClient(client);
    try {
      await Promise.all([city.loadAssets(), city.loadEvents(), rooms.loadRules()]);
      expect([city.assetsError, city.eventsError, rooms.rulesError]).toEqual([
        'failed: assets is not answering', 'failed: events is not answering', 'failed: alarmRules is not answering',
      ]);
      heal();
      await Promise.all([city.loadAssets(), city.loadEvents(), rooms.loadRules()]);
      expect([city.assetsError, city.eventsError, rooms.rulesError]).toEqual([null, null, null]);
    } finally {
      city.dispose();
      rooms.dispose();
    }
  });
});
