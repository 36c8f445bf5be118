import { message, type Message } from '../i18n.js';
import type { Signature } from './controlRoomViews.js';

/** One person however the name was typed: full-width letters, spaces and case do not make another person. */
export function samePerson(a: string, b: string): boolean {
  const norm = (s: string): string => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  return norm(a) === norm(b);
}

/**
 * Why a handover signature is refused, or null: each side signs a shift once; the outgoing and
 * the incoming leader are two people; both sign the same report (the hash the first one signed).
 */
export function signatureRefusal(signed: readonly Signature[], a: Pick<Signature, 'shiftStartMs' | 'shiftEndMs' | 'as' | 'name' | 'reportSha256'>): Message | null {
  if (a.shiftEndMs <= a.shiftStartMs) return message('msg_shift_order');
  const shift = signed.filter((s) => s.shiftStartMs === a.shiftStartMs && s.shiftEndMs === a.shiftEndMs);
  if (shift.some((s) => s.as === a.as)) return message('msg_signed', { as: a.as });
  const other = shift.find((s) => s.as !== a.as);
  if (other && samePerson(other.name, a.name)) return message('msg_same_signer');
  if (other && other.reportSha256 !== a.reportSha256) return message('msg_signed_other_report');
  return null;
}
