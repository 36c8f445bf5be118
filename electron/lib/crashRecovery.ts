/**
 * A wall runs unattended: a crashed renderer is reloaded (backing off while it keeps crashing)
 * and a hung one is crashed after a grace period — its crash is then reloaded like any other, once —
 * so the screen comes back by itself. Its timers end with the window (`stop`, on 'closed'): a
 * display change destroys windows whose reload may still be pending.
 */
import { RestartPolicy } from './crashPolicy.js';
import { systemClock, type Clock } from './clock.js';

export const UNRESPONSIVE_RELOAD_MS = 10_000;

/** The part of Electron's `WebContents` the recovery uses. */
export interface RecoverableContents {
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string }) => void): unknown;
  on(event: 'unresponsive', listener: () => void): unknown;
  on(event: 'responsive', listener: () => void): unknown;
  /** Emits 'render-process-gone' (reason killed or crashed), which reloads. */
  forcefullyCrashRenderer(): void;
}

export interface Recovery {
  /** The window is gone: nothing pending runs, later events are ignored. */
  stop(): void;
}

export function recoverCrashes(wc: RecoverableContents, reload: () => void, clock: Clock = systemClock, policy = new RestartPolicy()): Recovery {
  let stopped = false;
  let pendingReload: { cancel(): void } | null = null;
  let hung: { cancel(): void } | null = null;
  policy.started(clock.now());
  wc.on('render-process-gone', (_e, details) => {
    hung?.cancel();
    hung = null;
    if (stopped || details.reason === 'clean-exit') return;
    const { delayMs } = policy.crashed(clock.now());
    pendingReload?.cancel();
    pendingReload = clock.later(() => {
      pendingReload = null;
      if (stopped) return;
      policy.started(clock.now());
      reload();
    }, delayMs);
  });
  wc.on('unresponsive', () => {
    if (stopped) return;
    hung ??= clock.later(() => {
      hung = null;
      // the crash this causes is reloaded by 'render-process-gone' (reloading here too loaded twice)
      if (!stopped) wc.forcefullyCrashRenderer();
    }, UNRESPONSIVE_RELOAD_MS);
  });
  wc.on('responsive', () => {
    hung?.cancel();
    hung = null;
  });
  return {
    stop: () => {
      stopped = true;
      pendingReload?.cancel();
      hung?.cancel();
      pendingReload = hung = null;
    },
  };
}
