import type { EngineClient } from './engineClient.svelte';

/** The engine's idea of now, ticking while the component that made it lives (for data ages and clocks). */
export class EngineClock {
  now = $state(Date.now());

  constructor(client: EngineClient, everyMs = 1000) {
    $effect(() => {
      const timer = setInterval(() => (this.now = client.now()), everyMs);
      return () => clearInterval(timer);
    });
  }
}
