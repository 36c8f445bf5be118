import { z } from 'zod';
import { ROLES } from './ops/opsEvents.js';

/**
 * The desktop shell's IPC contract: the only things the renderer may ask the Electron main process.
 * The preload exposes exactly these as `window.cityops` (types derived from the schemas below),
 * and the main process validates every payload against them and checks who sent it.
 */
export const DesktopSettingsSchema = z.object({
  mode: z.enum(['wall', 'workstation']),
  natsUrl: z.string().regex(/^(nats|tls|ws|wss):\/\/[^\s]+$/),
  natsUser: z.string().max(200).default(''),
  /** The wall configuration's name (renderer/public/walls/<name>.json). */
  wall: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  startAtLogin: z.boolean().default(false),
});
export type DesktopSettings = z.infer<typeof DesktopSettingsSchema>;

/** Secrets are written, never read back by the renderer. */
export const DesktopSecretsSchema = z.object({
  natsPassword: z.string().max(500).optional(),
  roleToken: z.string().min(16).max(500).optional(),
});
export type DesktopSecrets = z.infer<typeof DesktopSecretsSchema>;

/**
 * Why the shell refused (part of) a settings save: a code with what the wording needs, worded by
 * the renderer through the i18n table (`settings_refused_<code>`), never English text from main.
 */
export const DesktopRefusalSchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('no_wall'), wall: z.string().max(64), walls: z.array(z.string().max(64)).max(200) }),
  z.object({ code: z.literal('no_encryption') }),
  z.object({ code: z.literal('basic_text_keyring') }),
]);
export type DesktopRefusal = z.infer<typeof DesktopRefusalSchema>;
export const DESKTOP_REFUSAL_CODES = ['no_wall', 'no_encryption', 'basic_text_keyring'] as const satisfies readonly DesktopRefusal['code'][];

export const DESKTOP_CHANNELS = {
  'desktop:connection': {
    request: z.object({}).strict(),
    response: z.object({ engineUrl: z.string(), token: z.string(), role: z.enum(ROLES).nullable(), mode: z.enum(['wall', 'workstation']) }),
  },
  'desktop:settings:get': {
    request: z.object({}).strict(),
    response: z.object({ settings: DesktopSettingsSchema, secretsStored: z.object({ natsPassword: z.boolean(), roleToken: z.boolean() }), secretStorage: z.string().nullable() }),
  },
  'desktop:settings:save': {
    request: z.object({ settings: DesktopSettingsSchema, secrets: DesktopSecretsSchema.default({}) }).strict(),
    response: z.object({ ok: z.boolean(), refused: DesktopRefusalSchema.nullable() }),
  },
  'desktop:status': {
    request: z.object({}).strict(),
    response: z.object({ engine: z.enum(['starting', 'running', 'restarting', 'stopped']), restarts: z.number(), crashLoop: z.boolean(), missingCells: z.array(z.number()) }),
  },
} as const;

export type DesktopChannel = keyof typeof DESKTOP_CHANNELS;
export type DesktopRequest<C extends DesktopChannel> = z.input<(typeof DESKTOP_CHANNELS)[C]['request']>;
export type DesktopResponse<C extends DesktopChannel> = z.infer<(typeof DESKTOP_CHANNELS)[C]['response']>;

/** What the preload exposes as `window.cityops`: one function per channel. */
export type DesktopApi = { [C in DesktopChannel as C extends `desktop:${infer N}` ? N : never]: (req: DesktopRequest<C>) => Promise<DesktopResponse<C>> };

/**
 * What the shell sends the engine's process to stop it gracefully (the last batch committed, the
 * database closed): on Windows a signal cannot ask that, only end the process. Anything else the
 * engine receives on that channel is ignored.
 */
export const ENGINE_STOP_MESSAGE = { type: 'cityops:stop' } as const;

export function isEngineStopMessage(m: unknown): boolean {
  return typeof m === 'object' && m !== null && !Array.isArray(m) && Object.keys(m).length === 1 && (m as { type?: unknown }).type === ENGINE_STOP_MESSAGE.type;
}
