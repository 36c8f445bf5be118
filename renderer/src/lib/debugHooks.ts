/**
 * Hooks for the soak test, the benchmarks and the browser tests (`__cityops`, `__charts`, the
 * 24-panel bench screen): present only when the page is opened with `debug=1` in its query, so
 * the product a city runs does not hand its engine client to whatever script is on the page.
 */
export function debugRequested(search: string): boolean {
  return new URLSearchParams(search).get('debug') === '1';
}

export const DEBUG = typeof location !== 'undefined' && debugRequested(location.search);

export type DebugHook = '__cityops' | '__charts';

/** Puts `value` on the page as `globalThis[name]` when debugging, and does nothing otherwise. */
export function exposeDebugHook(name: DebugHook, value: unknown): void {
  if (DEBUG) (globalThis as { [K in DebugHook]?: unknown })[name] = value;
}
