import type { DeviceDirectory } from './engineApi.js';
import { t, type Lang, type TextKey } from './i18n.js';

const ROLE_KEYS: Record<string, true> = { role_wall: true, role_shift_leader: true, role_analyst: true, role_admin: true };

/**
 * Who acted, as an operator reads it: the device's name from the devices file ("一号值班台"), else
 * its role in words ("值班长"); a device the engine does not list keeps its id.
 */
export function deviceLabel(lang: Lang, devices: DeviceDirectory, device: string): string {
  const d = devices[device];
  if (!d) return device;
  if (d.name) return d.name;
  const key = `role_${d.role}`;
  return key in ROLE_KEYS ? t(lang, key as TextKey) : device;
}
