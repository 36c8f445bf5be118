import type { EngineClient } from './engineClient.svelte';

/**
 * The engine's idea of now for data ages and clocks, ticking while the component that made it
 * lives; while the page replays, the replayed instant (it follows the cursor at once).
 */
export class EngineClock {
  private tick = $state(Date.now());

  constructor(private readonly client: EngineClient, everyMs = 1000) {
    $effect(() => {
      const timer = setInterval(() => (this.tick = Date.now()), everyMs);
      return () => clearInterval(timer);
    });
  }

  get now(): number {
    void this.tick;
    return this.client.now();
  }
}
