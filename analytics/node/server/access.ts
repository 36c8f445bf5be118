import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { z } from 'zod';
import { ROLES, type Role } from '../../common/ops/opsEvents.js';

export { ROLES, type Role };

export interface Identity {
  device: string;
  role: Role;
}

/** A devices file: one token per device (wall screens, workstations), each with its role. */
export const DevicesFileSchema = z.array(z.object({
  device: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/),
  role: z.enum(ROLES),
  token: z.string().min(16),
})).refine((d) => new Set(d.map((x) => x.device)).size === d.length, 'device names must be unique');
export type DevicesFile = z.infer<typeof DevicesFileSchema>;

/** Device tokens and their roles. Compared in constant time. */
export class AccessTokens {
  private readonly entries: { token: Buffer; role: Role; device: string }[] = [];

  add(token: string, role: Role, device: string = role): void {
    if (token.length < 16) throw new Error(`a ${role} token must have at least 16 characters`);
    this.entries.push({ token: Buffer.from(token), role, device });
  }

  identify(token: string | null): Identity | null {
    if (token === null) return null;
    const t = Buffer.from(token);
    let found: Identity | null = null;
    for (const e of this.entries) {
      if (e.token.length === t.length && timingSafeEqual(e.token, t)) found = { device: e.device, role: e.role };
    }
    return found;
  }

  roleOf(token: string | null): Role | null {
    return this.identify(token)?.role ?? null;
  }

  static generate(): string {
    return randomBytes(24).toString('base64url');
  }
}

/** The token from `Authorization: Bearer`, or from `?token=` (browsers cannot set WebSocket headers). */
export function tokenOf(req: IncomingMessage, url: URL): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  return url.searchParams.get('token');
}

/**
 * Browsers let any page open ws://localhost, so a request that carries an Origin must come from
 * this server's own pages or from an origin the operator allowed. Clients that are not browsers
 * send no Origin and rely on the token alone.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  if (host === undefined) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}
