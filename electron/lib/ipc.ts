import { DESKTOP_CHANNELS, type DesktopChannel } from '../../analytics/common/desktopApi.js';
import { issuesText } from '../../analytics/common/vocabulary.js';

/** The renderer's own origin: the custom protocol the shell serves it from (never file://). */
export const APP_ORIGIN = 'cityops://app';

export type IpcCheck = { ok: true; channel: DesktopChannel; payload: unknown } | { ok: false; refused: string };

/**
 * Every IPC message is checked before it is handled: a known channel, sent by a frame of the
 * app's own origin (not an iframe or a page navigated elsewhere), with a payload that matches the
 * channel's schema.
 */
export function checkIpc(channel: string, senderUrl: string | null, payload: unknown): IpcCheck {
  if (!(channel in DESKTOP_CHANNELS)) return { ok: false, refused: `unknown channel ${channel}` };
  let origin: string;
  try {
    const u = new URL(senderUrl ?? '');
    origin = `${u.protocol}//${u.host}`;
  } catch {
    return { ok: false, refused: 'sender has no URL' };
  }
  if (origin !== APP_ORIGIN) return { ok: false, refused: `sender ${origin} is not the app` };
  const c = channel as DesktopChannel;
  const parsed = DESKTOP_CHANNELS[c].request.safeParse(payload ?? {});
  if (!parsed.success) return { ok: false, refused: `bad payload: ${issuesText(parsed.error)}` };
  return { ok: true, channel: c, payload: parsed.data };
}
