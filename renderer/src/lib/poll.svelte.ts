/**
 * Runs `load` now and every `everyMs` while the component lives; keeps the newest result only
 * (`$state.raw`: query results are replaced, never mutated). A failed load keeps the last result.
 */
export class Poll<T> {
  value = $state.raw<T | null>(null);
  error = $state<string | null>(null);
  loadedAtMs = $state(0);

  constructor(load: () => Promise<T>, everyMs: number) {
    $effect(() => {
      let alive = true;
      let busy = false;
      const tick = (): void => {
        if (busy) return;
        busy = true;
        load().then((v) => {
          if (!alive) return;
          this.value = v;
          this.error = null;
          this.loadedAtMs = Date.now();
        }, (e: unknown) => {
          if (alive) this.error = e instanceof Error ? e.message : String(e);
        }).finally(() => (busy = false));
      };
      tick();
      const t = setInterval(tick, everyMs);
      return () => {
        alive = false;
        clearInterval(t);
      };
    });
  }
}
