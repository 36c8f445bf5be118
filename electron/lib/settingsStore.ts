import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DesktopSecretsSchema, DesktopSettingsSchema, type DesktopRefusal, type DesktopSecrets, type DesktopSettings } from '../../analytics/common/desktopApi.js';

/** Electron's `safeStorage`, reduced to what the store needs (a fake in tests). */
export interface SecretStorage {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which keyring backs it; `basic_text` means none (a hard-coded key). */
  getSelectedStorageBackend?(): string;
}

export const DEFAULT_SETTINGS: DesktopSettings = { mode: 'workstation', natsUrl: 'nats://127.0.0.1:4222', natsUser: '', wall: '1x1', startAtLogin: false };

interface FileShape {
  settings: DesktopSettings;
  secrets: Partial<Record<keyof DesktopSecrets, string>>;
}

/**
 * The shell's settings in a JSON file; secrets (the NATS password, the role token) only encrypted
 * by the operating system's keyring through `safeStorage`. Where there is no keyring (Linux with
 * the `basic_text` backend, or encryption unavailable) secrets are refused, with the reason, rather
 * than written in a form anyone can read back.
 */
export class SettingsStore {
  constructor(private readonly path: string, private readonly storage: SecretStorage, private readonly platform: NodeJS.Platform = process.platform) {}

  /** Why secrets cannot be stored here, or null when they can. */
  /** Why secrets cannot be stored here (worded by the settings page), or null. */
  secretStorageProblem(): DesktopRefusal | null {
    // the operating system offers no encryption (no keyring): secrets are not stored
    if (!this.storage.isEncryptionAvailable()) return { code: 'no_encryption' };
    // a Linux session without a keyring (backend basic_text) would store them with a fixed key
    if (this.platform === 'linux' && this.storage.getSelectedStorageBackend?.() === 'basic_text') return { code: 'basic_text_keyring' };
    return null;
  }

  secretStorageBackend(): string | null {
    return this.platform === 'linux' ? (this.storage.getSelectedStorageBackend?.() ?? null) : this.storage.isEncryptionAvailable() ? 'os' : null;
  }

  private read(): FileShape {
    if (!existsSync(this.path)) return { settings: DEFAULT_SETTINGS, secrets: {} };
    try {
      const raw = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<FileShape>;
      const s = DesktopSettingsSchema.safeParse(raw.settings);
      return { settings: s.success ? s.data : DEFAULT_SETTINGS, secrets: raw.secrets ?? {} };
    } catch {
      // a damaged file is not fatal: defaults, and the next save replaces it
      return { settings: DEFAULT_SETTINGS, secrets: {} };
    }
  }

  settings(): DesktopSettings {
    return this.read().settings;
  }

  secretsStored(): { natsPassword: boolean; roleToken: boolean } {
    const s = this.read().secrets;
    return { natsPassword: s.natsPassword !== undefined, roleToken: s.roleToken !== undefined };
  }

  secret(name: keyof DesktopSecrets): string | null {
    const enc = this.read().secrets[name];
    if (enc === undefined || this.secretStorageProblem() !== null) return null;
    try {
      return this.storage.decryptString(Buffer.from(enc, 'base64'));
    } catch {
      return null;
    }
  }

  /** Saves the settings; secrets only when they can be encrypted, otherwise refused with the reason (settings are still saved). */
  save(settings: unknown, secrets: unknown = {}): { ok: boolean; refused: DesktopRefusal | null } {
    const s = DesktopSettingsSchema.parse(settings);
    const sec = DesktopSecretsSchema.parse(secrets);
    const cur = this.read();
    const next: FileShape = { settings: s, secrets: { ...cur.secrets } };
    const wanted = Object.entries(sec).filter(([, v]) => v !== undefined) as [keyof DesktopSecrets, string][];
    const problem = wanted.length > 0 ? this.secretStorageProblem() : null;
    if (problem === null) for (const [k, v] of wanted) next.secrets[k] = this.storage.encryptString(v).toString('base64');
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
    return { ok: problem === null, refused: problem };
  }
}
