import type { Refusal } from '../../../analytics/common/engineApi';
import type { HistoryEntry } from '../../../analytics/common/hazards/hazardCase';
import { messageText, riskReasonText, t, type DeviceNames, type Lang } from './i18n';

/** Why the engine refused an action, in the page's language (its English text when the code is unknown). */
export function refusalText(lang: Lang, s: { reason: string | null; message?: Refusal | undefined }, devices: DeviceNames = {}): string {
  return s.message ? messageText(lang, s.message, s.reason ?? '', devices) : (s.reason ?? '');
}

/** "未执行：（原因）" — a refusal as the operator reads it. */
export function refusedLine(lang: Lang, s: { reason: string | null; message?: Refusal | undefined }, devices: DeviceNames = {}): string {
  return t(lang, 'msg_refused', { reason: refusalText(lang, s, devices) });
}

/** One step of a case's history in the page's language (entries written before codes existed keep their English). */
export function historyText(lang: Lang, e: HistoryEntry, devices: DeviceNames = {}): string {
  return e.message ? messageText(lang, e.message, e.what, devices) : e.what;
}

/** A risk change's reasons, from its factor codes. */
export function riskReasonsText(lang: Lang, factors: readonly { factor: string; n: number; delta: number }[]): string {
  return factors.map((f) => riskReasonText(lang, f)).join('；');
}
