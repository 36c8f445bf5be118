/**
 * A wall runs unattended: a crashed renderer is reloaded (backing off while it keeps crashing)
 * and a hung one is crashed and reloaded after a grace period, so the screen comes back by itself.
 */
import { RestartPolicy } from './crashPolicy.js';
import { systemClock, type Clock } from './clock.js';

export const UNRESPONSIVE_RELOAD_MS = 10_000;

/** The part of Electron's `WebContents` the recovery uses. */
export interface RecoverableContents {
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string }) => void): unknown;
  on(event: 'unresponsive', listener: () => void): unknown;
  on(event: 'responsive', listener: () => void): unknown;
  forcefullyCrashRenderer(): void;
}

export function recoverCrashes(wc: RecoverableContents, reload: () => void, clock: Clock = systemClock, policy = new RestartPolicy()): void {
  policy.started(clock.now());
  wc.on('render-process-gone', (_e, details) => {
    if (details.reason === 'clean-exit') return;
    const { delayMs } = policy.crashed(clock.now());
    clock.later(() => {
      policy.started(clock.now());
      reload();
    }, delayMs);
  });
  let hung: { cancel(): void } | null = null;
  wc.on('unresponsive', () => {
    hung ??= clock.later(() => {
      hung = null;
      wc.forcefullyCrashRenderer();
      reload();
    }, UNRESPONSIVE_RELOAD_MS);
  });
  wc.on('responsive', () => {
    hung?.cancel();
    hung = null;
  });
}
