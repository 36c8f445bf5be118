import type { Submitted } from '../lib/controlRoomClient.svelte';

/**
 * How long an unanswered action holds the console's buttons and keys. The engine answers in well
 * under a second; past this an action is taken as lost (its record stays "pending" in the log) so
 * a console never stays locked.
 */
export const ACTION_HOLD_MS = 15_000;

/**
 * Whether an operator action is still on its way: sent and not yet read back as done or refused.
 * While it is, the console ignores buttons and keys, so a double A or a double click sends once.
 */
export function actionPending(submitted: readonly Submitted[], nowMs: number): boolean {
  return submitted.some((s) => (s.state === 'sending' || s.state === 'pending') && nowMs - s.atMs < ACTION_HOLD_MS);
}
